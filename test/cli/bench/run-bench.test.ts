import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchResults, runBench } from '../../../cli/bench/index.ts';

describe('runBench --quick --memory', () => {
  let dir: string;
  let results: BenchResults;
  let written: BenchResults;
  let printed = '';

  beforeAll(async () => {
    // Prepare
    dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        printed += String(chunk);
        done();
      },
    });

    // Act
    results = await runBench({ events: 200_000, out: join(dir, 'latest.json'), quick: true, memory: true }, { stdout });
    written = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8')) as BenchResults;
  }, 300_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the results it returns as JSON', () => {
    expect(written).toEqual(results);
  });

  it('scores a tiny corpus of 3,000 events in six log files', () => {
    expect([results.options.quick, results.corpus.events, results.corpus.files, results.corpus.recordsPerFile]).toEqual(
      [true, 3_000, 6, 500],
    );
  });

  it('measures every stage against the floor on the same records', () => {
    const { floor, reader, normalise, core } = results.speed;
    expect([floor.events, reader.events]).toEqual([3_000, 3_000]);
    expect(core.events).toBe(normalise.events);
    expect(results.endToEnd.eventsScored).toBe(core.events);
    expect([results.endToEnd.whatIf.eventsScored, results.endToEnd.whatIf.batchSize]).toEqual([core.events, 50_000]);
    expect(results.speed.coreToFloor).toBe(core.eventsPerSecond / floor.eventsPerSecond);
  });

  it('prices the fast path, the bulk path and the response', () => {
    const report = results.cost.report;
    expect(report.paths.map((p) => p.path)).toEqual(['fast', 'bulk', 'response']);
    expect(report.dollarsPerMillion).toBe(
      Math.round(report.paths.reduce((sum, p) => sum + p.dollarsPerMillion, 0) * 1e9) / 1e9,
    );
    expect(results.cost.pass.bulk.invocations).toBe(1);
    expect(results.cost.pass.fast.events).toBe(results.corpus.fastEvents);
  });

  it('prices the same measurements again with the proposed changes', () => {
    const { settings, report } = results.cost.whatIf;
    expect(settings.tracing).toBe(false);
    expect(report.paths.map((p) => p.path)).toEqual(['fast', 'bulk', 'response']);
    expect(report.dollarsPerMillion).toBeLessThanOrEqual(results.cost.report.dollarsPerMillion);
  });

  it('runs the memory series in child processes', () => {
    const series = results.memory.series;
    expect(series?.byPrincipals.map((p) => [p.mode, p.target])).toEqual([['replay', 40]]);
    expect(series?.byPrincipalsCore.map((p) => [p.mode, p.target])).toEqual([['core', 40]]);
    expect(series?.byEvents.map((p) => [p.mode, p.events])).toEqual([
      ['replay', 1_000],
      ['replay', 2_000],
    ]);
    expect([results.memory.lambdaBatch.mode, results.memory.lambdaBatch.target]).toEqual(['lambda', 25_000]);
  });

  it('judges every budget and prints the table', () => {
    expect(results.budgets.map((b) => b.name)).toEqual([
      'Core scoring speed',
      'Replay of 1,000,000 events',
      'AWS cost per million events',
      'Scorer memory at its batch size',
      'Replay memory does not grow with events',
    ]);
    expect(printed).toContain(`\nBudgets\n  ${results.budgets[0]?.met ? '[met]   ' : '[MISSED]'} Core scoring speed: `);
  });
});
