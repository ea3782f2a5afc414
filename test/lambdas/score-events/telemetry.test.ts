import { describe, expect, it } from 'vitest';
import { Logger, Metrics } from '../../../lambdas/score-events/telemetry.ts';

const at = Date.parse('2026-10-05T10:00:00Z');

describe('Logger', () => {
  it('writes one JSON line per entry, with the invocation context', () => {
    const lines: string[] = [];
    const logger = new Logger(
      'vigil-scorer',
      'INFO',
      (line) => lines.push(line),
      () => at,
    );
    logger.setContext({ requestId: 'req-1' });

    logger.info('batch done', { messages: 3 });

    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        level: 'INFO',
        message: 'batch done',
        timestamp: '2026-10-05T10:00:00.000Z',
        service: 'vigil-scorer',
        requestId: 'req-1',
        messages: 3,
      },
    ]);
  });

  it('leaves out entries below its level', () => {
    const lines: string[] = [];
    const logger = new Logger(
      'vigil-scorer',
      'warn',
      (line) => lines.push(line),
      () => at,
    );

    logger.info('quiet');
    logger.warn('loud');

    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['loud']);
  });
});

describe('Metrics', () => {
  it('sums each metric over the invocation and writes one Embedded Metric Format line', () => {
    const lines: string[] = [];
    const metrics = new Metrics(
      'Vigil',
      { Service: 'scorer' },
      (line) => lines.push(line),
      () => at,
    );
    metrics.add('EventsScored', 10);
    metrics.add('EventsScored', 5);

    metrics.flush();
    metrics.flush();

    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        _aws: {
          Timestamp: at,
          CloudWatchMetrics: [
            { Namespace: 'Vigil', Dimensions: [['Service']], Metrics: [{ Name: 'EventsScored', Unit: 'Count' }] },
          ],
        },
        Service: 'scorer',
        EventsScored: 15,
      },
    ]);
  });
});
