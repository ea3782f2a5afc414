import { describe, expect, it } from 'vitest';
import { reorderByTime } from '../../lambdas/ingest/reorder.ts';
import { randomSource } from './streams.ts';

interface Ev {
  readonly time: number;
  readonly id: string;
}

const MINUTE = 60_000;

/** Events named by arrival order: `e0`, `e1`, ... at the given times (in minutes). */
const events = (minutes: readonly number[]): Ev[] => minutes.map((m, i) => ({ time: m * MINUTE, id: `e${i}` }));

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

const drain = async <T>(source: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
};

describe('reorderByTime', () => {
  it('puts events that are out of order within the window in time order', async () => {
    // Prepare
    const input = events([10, 5, 12, 11, 30, 25, 31]);

    // Act
    const reordered = reorderByTime(from(input), { windowMs: 60 * MINUTE, maxBuffered: 100 });
    const out = await drain(reordered);

    // Assess
    expect(out.map((e) => e.id)).toEqual(['e1', 'e0', 'e3', 'e2', 'e5', 'e4', 'e6']);
    expect(reordered.stats).toEqual({ emitted: 7, late: 0, maxBuffered: 7 });
  });

  it('releases an event once the newest time is more than the window ahead of it', async () => {
    // Prepare
    const input = events([0, 10, 20, 21]);
    const seenWhenArriving: string[][] = [];
    const released: string[] = [];
    async function* watched(): AsyncGenerator<Ev> {
      for (const event of input) {
        seenWhenArriving.push([...released]);
        yield event;
      }
    }

    // Act
    for await (const event of reorderByTime(watched(), { windowMs: 10 * MINUTE, maxBuffered: 100 })) {
      released.push(event.id);
    }

    // Assess: 10 is not more than 10 minutes ahead of 0; 20 is more than 10 ahead of 0 but not of 10; 21 is of 10
    expect(seenWhenArriving).toEqual([[], [], [], ['e0']]);
    expect(released).toEqual(['e0', 'e1', 'e2', 'e3']);
  });

  it('emits events older than the window late, never drops them, and counts them', async () => {
    // Prepare: e2 arrives 90 minutes behind the newest but nothing newer was released yet; e4
    // arrives after e2 was released
    const input = events([0, 100, 10, 101, 5]);

    // Act
    const reordered = reorderByTime(from(input), { windowMs: 60 * MINUTE, maxBuffered: 100 });
    const out = await drain(reordered);

    // Assess
    expect(out.map((e) => e.id)).toEqual(['e0', 'e2', 'e4', 'e1', 'e3']);
    expect(reordered.stats).toEqual({ emitted: 5, late: 1, maxBuffered: 2 });
  });

  it('never holds more than maxBuffered events, releasing the oldest first', async () => {
    // Prepare: all within the window, so only the bound releases anything before the end; the
    // oldest held may be the event that just arrived
    const input = events([5, 4, 3, 2, 1, 0, 9, 8]);

    // Act
    const reordered = reorderByTime(from(input), { windowMs: 60 * MINUTE, maxBuffered: 3 });
    const out = await drain(reordered);

    // Assess
    expect(out.map((e) => e.time / MINUTE)).toEqual([2, 1, 0, 3, 4, 5, 8, 9]);
    expect(reordered.stats).toEqual({ emitted: 8, late: 2, maxBuffered: 3 });
  });

  it('keeps arrival order for equal times', async () => {
    // Prepare
    const input = events([3, 1, 3, 1, 2, 3, 1, 2, 1, 1, 3, 2]);

    // Act
    const out = await drain(reorderByTime(from(input), { windowMs: 60 * MINUTE, maxBuffered: 100 }));

    // Assess
    expect(out.map((e) => e.id)).toEqual(['e1', 'e3', 'e6', 'e8', 'e9', 'e4', 'e7', 'e11', 'e0', 'e2', 'e5', 'e10']);
  });

  it('matches a stable sort when everything fits in the window, and stays stable under the bound', async () => {
    // Prepare
    const random = randomSource(7);
    const input = Array.from({ length: 5000 }, (_, i) => ({ time: Math.floor(random() * 500), id: `e${i}` }));
    const sorted = [...input].sort((a, b) => a.time - b.time);

    // Act
    const unbounded = await drain(reorderByTime(from(input), { windowMs: 1000, maxBuffered: 10_000 }));
    const bounded = reorderByTime(from(input), { windowMs: 1000, maxBuffered: 50 });
    const boundedOut = await drain(bounded);

    // Assess
    expect(unbounded).toEqual(sorted);
    expect(boundedOut).toHaveLength(5000);
    expect(new Set(boundedOut.map((e) => e.id)).size).toBe(5000);
    expect(bounded.stats.maxBuffered).toBe(50);
    const lateCount = boundedOut.filter((e, i) => boundedOut.slice(0, i).some((p) => p.time > e.time)).length;
    expect(bounded.stats.late).toBe(lateCount);
  });

  it('lets events without a finite time through at once', async () => {
    // Prepare
    const input = [...events([5, 1]), { time: Number.NaN, id: 'nan' }, { time: 3 * MINUTE, id: 'e3' }];

    // Act
    const reordered = reorderByTime(from(input), { windowMs: 60 * MINUTE, maxBuffered: 100 });
    const out = await drain(reordered);

    // Assess
    expect(out.map((e) => e.id)).toEqual(['nan', 'e1', 'e3', 'e0']);
    expect(reordered.stats).toEqual({ emitted: 4, late: 0, maxBuffered: 3 });
  });

  it('ends with an empty input', async () => {
    // Act
    const reordered = reorderByTime(from<Ev>([]), { windowMs: 0, maxBuffered: 1 });
    const out = await drain(reordered);

    // Assess
    expect(out).toEqual([]);
    expect(reordered.stats).toEqual({ emitted: 0, late: 0, maxBuffered: 0 });
  });

  it.each([
    [{ windowMs: -1, maxBuffered: 10 }, 'windowMs must be a finite number of milliseconds >= 0, got -1'],
    [{ windowMs: Number.NaN, maxBuffered: 10 }, 'windowMs must be a finite number of milliseconds >= 0, got NaN'],
    [{ windowMs: 10, maxBuffered: 0 }, 'maxBuffered must be an integer >= 1, got 0'],
    [{ windowMs: 10, maxBuffered: 2.5 }, 'maxBuffered must be an integer >= 1, got 2.5'],
  ])('refuses %o', (opts, message) => {
    // Act and Assess
    expect(() => reorderByTime(from<Ev>([]), opts)).toThrow(new RangeError(message));
  });
});
