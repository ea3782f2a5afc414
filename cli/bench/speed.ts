/**
 * Throughput over the corpus' log files, stage by stage, each run on the same bytes:
 * - floor: read each file, gunzip it, `JSON.parse` it whole, nothing else;
 * - reader: the records as Vigil reads them (`readRecords`: streaming gunzip and splitting);
 * - normalise: the reader plus `normaliseRecord`;
 * - core: the reader, normalise and `scoreEvents` over in-memory stores (principals, detectors,
 *   baselines, risk, findings) in replay's batches.
 * Each stage adds to the one before, so the differences say where the time goes.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { VigilConfig } from '../../lambdas/core/config.ts';
import type { VigilEvent } from '../../lambdas/core/event.ts';
import { normaliseRecord } from '../../lambdas/core/normalise.ts';
import { type ScoreDeps, scoreEvents } from '../../lambdas/core/score.ts';
import { readRecords } from '../../lambdas/ingest/read-records.ts';
import { inMemoryDeps } from './in-memory.ts';

/** One timed run. */
export interface Timing {
  /** Records read (floor, reader) or events handled. */
  readonly events: number;
  readonly seconds: number;
  /** CPU seconds of every thread of the process (gunzip runs on the thread pool). */
  readonly cpuSeconds: number;
  readonly eventsPerSecond: number;
}

/** Times `run`, which returns how many events it handled. */
export const timed = async (run: () => Promise<number>): Promise<Timing> => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const events = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    events,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
  };
};

/** The floor: read, gunzip and `JSON.parse` each file whole. */
export const floorRun = async (files: readonly string[]): Promise<number> => {
  let events = 0;
  for (const file of files) {
    const parsed = JSON.parse(gunzipSync(await readFile(file)).toString('utf8')) as { Records: unknown[] };
    events += parsed.Records.length;
  }
  return events;
};

/** Records as Vigil reads them. */
export const readerRun = async (files: readonly string[]): Promise<number> => {
  let events = 0;
  for (const file of files) {
    for await (const item of readRecords(createReadStream(file), file)) if (item.kind === 'record') events++;
  }
  return events;
};

/** The reader plus normalisation; counts the events that normalise (service events do not). */
export const normaliseRun = async (files: readonly string[]): Promise<number> => {
  let events = 0;
  for (const file of files) {
    for await (const item of readRecords(createReadStream(file), file)) {
      if (item.kind === 'record' && normaliseRecord(item.record, item.origin).ok) events++;
    }
  }
  return events;
};

/** What the core run produced, to check it did the work. */
export interface CoreOutcome {
  readonly events: number;
  readonly findings: number;
  readonly principals: number;
}

/** The reader, normalisation and scoring in batches of `batchSize`, over `deps`. */
export const coreRun = async (
  files: readonly string[],
  deps: ScoreDeps,
  batchSize: number,
  outcome: { value?: CoreOutcome } = {},
): Promise<number> => {
  let events = 0;
  let findings = 0;
  const principals = new Set<string>();
  let batch: VigilEvent[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await scoreEvents(batch, deps, { learn: true });
    events += result.events;
    findings += result.created;
    for (const event of batch) principals.add(event.principal.key);
    batch = [];
  };
  for (const file of files) {
    for await (const item of readRecords(createReadStream(file), file)) {
      if (item.kind !== 'record') continue;
      const normalised = normaliseRecord(item.record, item.origin);
      if (!normalised.ok) continue;
      batch.push(normalised.event);
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  outcome.value = { events, findings, principals: principals.size };
  return events;
};

/** Every stage's timing, the floor's the median of `floorRepeats` runs. */
export interface SpeedResults {
  readonly floor: Timing;
  readonly reader: Timing;
  readonly normalise: Timing;
  readonly core: Timing;
  readonly coreOutcome: CoreOutcome;
  /** Core events per second over the floor's (the budget: at least 0.40). */
  readonly coreToFloor: number;
  readonly readerToFloor: number;
  readonly normaliseToFloor: number;
}

const median = (timings: readonly Timing[]): Timing => {
  const sorted = [...timings].sort((a, b) => a.seconds - b.seconds);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error('expected at least one timing');
  return middle;
};

/** Files of the warm-up runs: enough for the JIT to settle, few enough to be quick. */
const WARM_UP_FILES = 40;

/**
 * Runs every stage over `files`. The page cache and the JIT are warmed first (a floor run over
 * every file, a core run over the first files with stores of its own), so each stage is measured
 * warm, as in a Lambda execution environment that has served a few batches.
 */
export const measureSpeed = async (
  files: readonly string[],
  config: VigilConfig,
  batchSize: number,
  floorRepeats = 3,
): Promise<SpeedResults> => {
  await floorRun(files);
  await coreRun(files.slice(0, WARM_UP_FILES), inMemoryDeps(config), batchSize);
  const floors: Timing[] = [];
  for (let i = 0; i < floorRepeats; i++) floors.push(await timed(() => floorRun(files)));
  const floor = median(floors);
  const reader = await timed(() => readerRun(files));
  const normalise = await timed(() => normaliseRun(files));
  const outcome: { value?: CoreOutcome } = {};
  const core = await timed(() => coreRun(files, inMemoryDeps(config), batchSize, outcome));
  const ratio = (t: Timing): number => (floor.eventsPerSecond > 0 ? t.eventsPerSecond / floor.eventsPerSecond : 0);
  return {
    floor,
    reader,
    normalise,
    core,
    coreOutcome: outcome.value ?? { events: 0, findings: 0, principals: 0 },
    coreToFloor: ratio(core),
    readerToFloor: ratio(reader),
    normaliseToFloor: ratio(normalise),
  };
};
