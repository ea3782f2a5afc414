/**
 * Puts events back in time order within a bounded window, so replay can read files in file order
 * and still score events in `eventTime` order.
 *
 * Semantics:
 * - Events are held in a min-heap on `time`; equal times come out in arrival order.
 * - An event is released once the newest time seen so far is more than `windowMs` ahead of it,
 *   so anything up to `windowMs` out of order comes out sorted.
 * - At most `maxBuffered` events are held: one more arriving releases the oldest held event first,
 *   so memory stays bounded whatever the input.
 * - An event older than one already released is late: it is released as soon as possible, never
 *   dropped, and counted in `stats.late`.
 * - When the input ends, everything still held is released in order.
 * - An event whose `time` is not a finite number passes straight through.
 * `vigil replay` uses a 60-minute window and holds at most 250,000 events.
 */

/** How far events may be out of order, and how many may be held. */
export interface ReorderOptions {
  /** How far behind the newest event an event may arrive and still be put in order, in ms. */
  readonly windowMs: number;
  /** The most events held at once. */
  readonly maxBuffered: number;
}

/** What reordering did, updated as events are released. */
export interface ReorderStats {
  /** Events released. */
  emitted: number;
  /** Events released after a newer one had been released. */
  late: number;
  /** The most events held at any time. */
  maxBuffered: number;
}

/** The reordered events, with their statistics. */
export type ReorderedEvents<T> = AsyncGenerator<T, void, undefined> & { readonly stats: Readonly<ReorderStats> };

/** Releases the events of `source` in time order within the window; see the module comment. */
export function reorderByTime<T extends { time: number }>(
  source: AsyncIterable<T>,
  opts: ReorderOptions,
): ReorderedEvents<T> {
  if (!(opts.windowMs >= 0) || !Number.isFinite(opts.windowMs)) {
    throw new RangeError(`windowMs must be a finite number of milliseconds >= 0, got ${opts.windowMs}`);
  }
  if (!Number.isInteger(opts.maxBuffered) || opts.maxBuffered < 1) {
    throw new RangeError(`maxBuffered must be an integer >= 1, got ${opts.maxBuffered}`);
  }
  const stats: ReorderStats = { emitted: 0, late: 0, maxBuffered: 0 };
  const events = release(source, opts, stats);
  return Object.assign(events, { stats });
}

async function* release<T extends { time: number }>(
  source: AsyncIterable<T>,
  { windowMs, maxBuffered }: ReorderOptions,
  stats: ReorderStats,
): AsyncGenerator<T, void, undefined> {
  const heap = new TimeHeap<T>();
  let newest = Number.NEGATIVE_INFINITY;
  let lastReleased = Number.NEGATIVE_INFINITY;
  const counted = (event: T): T => {
    stats.emitted++;
    if (event.time < lastReleased) stats.late++;
    else lastReleased = event.time;
    return event;
  };
  for await (const event of source) {
    if (!Number.isFinite(event.time)) {
      stats.emitted++;
      yield event;
      continue;
    }
    heap.push(event);
    if (event.time > newest) newest = event.time;
    while (heap.size > maxBuffered || (heap.size > 0 && newest - heap.peekTime() > windowMs)) {
      yield counted(heap.pop());
    }
    if (heap.size > stats.maxBuffered) stats.maxBuffered = heap.size;
  }
  while (heap.size > 0) yield counted(heap.pop());
}

const before = (time: number, seq: number, otherTime: number, otherSeq: number): boolean =>
  time < otherTime || (time === otherTime && seq < otherSeq);

/** Binary min-heap on (time, arrival sequence): stable for equal times. */
class TimeHeap<T extends { time: number }> {
  private readonly items: T[] = [];
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the oldest event; only call when not empty. */
  peekTime(): number {
    return this.times[0] as number;
  }

  push(item: T): void {
    const time = item.time;
    const seq = this.nextSeq++;
    let i = this.items.length;
    this.items.push(item);
    this.times.push(time);
    this.seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(time, seq, this.times[parent] as number, this.seqs[parent] as number)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, item, time, seq);
  }

  /** Removes and returns the oldest event; only call when not empty. */
  pop(): T {
    const top = this.items[0] as T;
    const item = this.items.pop() as T;
    const time = this.times.pop() as number;
    const seq = this.seqs.pop() as number;
    const size = this.items.length;
    if (size === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (
        right < size &&
        before(
          this.times[right] as number,
          this.seqs[right] as number,
          this.times[child] as number,
          this.seqs[child] as number,
        )
      ) {
        child = right;
      }
      if (!before(this.times[child] as number, this.seqs[child] as number, time, seq)) break;
      this.move(child, i);
      i = child;
    }
    this.place(i, item, time, seq);
    return top;
  }

  private move(from: number, to: number): void {
    this.place(to, this.items[from] as T, this.times[from] as number, this.seqs[from] as number);
  }

  private place(at: number, item: T, time: number, seq: number): void {
    this.items[at] = item;
    this.times[at] = time;
    this.seqs[at] = seq;
  }
}
