/**
 * Memory: each run in a child process of its own (`child.ts`), so peak RSS is the run's. Growth
 * with active principals at a fixed number of events, growth with events at a fixed organisation,
 * and the scorer's bulk-path batch (what the Lambda must fit in its memory).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DemoConfig } from '../demo/generate.ts';
import type { ChildJob, ChildResult } from './child.ts';
import { type Corpus, type CorpusOptions, prepareCorpus, tenantConfig } from './corpus.ts';

/** People of the organisation copied for the principals series: about 100 principals, all active in a month. */
export const SERIES_PEOPLE = 71;
/** Principals of that organisation active over its month. */
export const SERIES_PRINCIPALS = 100;

/**
 * Corpus options that give about `principals` active principals in `events` events: copies of a
 * 100-principal organisation (whose principals all work within the corpus' weeks), the events
 * spread over the copies. The generator alone cannot: its first events of a big organisation
 * come from the few principals at work in the first hours.
 */
export const optionsForPrincipals = (
  principals: number,
  events: number,
  base: Omit<CorpusOptions, 'people' | 'events'>,
): CorpusOptions => ({
  ...base,
  events,
  people: SERIES_PEOPLE,
  tenants: Math.max(1, Math.round(principals / SERIES_PRINCIPALS)),
});

/** Starts a child for `job`, resolving with its result line. */
export const runInChild = (job: ChildJob): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, 'child.ts'), JSON.stringify(job)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) {
        resolve(JSON.parse(last) as ChildResult);
      } else {
        reject(
          new Error(`benchmark child (${job.mode}, ${job.corpusDir}) exited with ${code}: ${err.trim().slice(-2000)}`),
        );
      }
    });
  });

/** One point of a memory series. */
export interface MemoryPoint extends ChildResult {
  /** The principals or events asked for. */
  readonly target: number;
  /** Why the run failed (its figures are then 0), when it did. */
  readonly error?: string;
}

/** Runs `job` in a child as a point of `target`; a child that dies gives a point with its error. */
export const runPoint = async (
  job: ChildJob,
  target: number,
  log: (line: string) => void,
  label: string,
): Promise<MemoryPoint> => {
  log(`memory: ${label}`);
  try {
    return { target, ...(await runInChild(job)) };
  } catch (error) {
    // A run that dies (out of memory, most likely) is a finding, not the end of the series.
    const message = error instanceof Error ? error.message : String(error);
    log(`memory: ${label}: failed: ${message.slice(0, 300)}`);
    return failedPoint(job.mode, target, message);
  }
};

const failedPoint = (mode: ChildJob['mode'], target: number, error: string): MemoryPoint => ({
  mode,
  target,
  error,
  events: 0,
  principals: 0,
  seconds: 0,
  cpuSeconds: 0,
  eventsPerSecond: 0,
  peakRssMb: 0,
  rssSamplesMb: [],
  heapUsedMb: 0,
});

/** The memory section of the results. */
export interface MemoryResults {
  /** Replay (end to end) at a fixed number of events, by active principals. */
  readonly byPrincipals: readonly MemoryPoint[];
  /** Core scoring in memory at the same corpora: state held in the process. */
  readonly byPrincipalsCore: readonly MemoryPoint[];
  /** Replay (end to end) at a fixed organisation, by events. */
  readonly byEvents: readonly MemoryPoint[];
  /** Scoring bulk-path batches of one Lambda invocation, in memory. */
  readonly lambdaBatch: MemoryPoint;
}

/** What the memory runs cover. */
export interface MemoryPlan {
  readonly principals: readonly number[];
  readonly events: readonly number[];
  /** People of the organisation in the events series. */
  readonly people: number;
  readonly days: number;
  readonly seed: number;
  /** Events of the principals series: at least this many, and five per principal (at most 500,000). */
  readonly minEvents: number;
  readonly replayBatchSize: number;
  readonly lambdaBatchEvents: number;
  /** The corpus the lambda run scores. */
  readonly lambdaCorpus: Corpus;
}

/** Runs the memory series, each point in a child process; `concurrent` runs the children at once (quick runs). */
export const measureMemory = async (
  root: string,
  config: DemoConfig,
  plan: MemoryPlan,
  storeRoot: string,
  log: (line: string) => void,
  concurrent = false,
): Promise<MemoryResults> => {
  const base = { days: plan.days, seed: plan.seed };
  let stores = 0;
  const job = (mode: ChildJob['mode'], corpus: Corpus, batchSize: number): ChildJob => ({
    mode,
    corpusDir: corpus.dir,
    config: tenantConfig(config, corpus.options.tenants),
    batchSize,
    storeDir: join(storeRoot, `memory-${mode}-${stores++}`),
  });
  type Planned = {
    readonly series: 'principals' | 'core' | 'events' | 'lambda';
    readonly target: number;
    readonly job: ChildJob;
    readonly label: string;
  };
  const planned: Planned[] = [];
  for (const target of plan.principals) {
    const events = Math.min(500_000, Math.max(plan.minEvents, 5 * target));
    const corpus = await prepareCorpus(root, optionsForPrincipals(target, events, base), log);
    const label = `${target.toLocaleString('en-US')} principals (${corpus.principals.toLocaleString('en-US')} active), ${events.toLocaleString('en-US')} events`;
    planned.push({
      series: 'principals',
      target,
      job: job('replay', corpus, plan.replayBatchSize),
      label: `replay, ${label}`,
    });
    planned.push({ series: 'core', target, job: job('core', corpus, plan.replayBatchSize), label: `core, ${label}` });
  }
  for (const target of plan.events) {
    const corpus = await prepareCorpus(root, { ...base, events: target, people: plan.people }, log);
    planned.push({
      series: 'events',
      target,
      job: job('replay', corpus, plan.replayBatchSize),
      label: `replay, ${target.toLocaleString('en-US')} events of ${corpus.principals} principals`,
    });
  }
  planned.push({
    series: 'lambda',
    target: plan.lambdaBatchEvents,
    job: job('lambda', plan.lambdaCorpus, plan.lambdaBatchEvents),
    label: 'one bulk-path invocation at a time, in memory',
  });
  const run = (p: Planned): Promise<MemoryPoint> => runPoint(p.job, p.target, log, p.label);
  const points: MemoryPoint[] = [];
  if (concurrent) points.push(...(await Promise.all(planned.map(run))));
  else for (const p of planned) points.push(await run(p));
  const of = (series: Planned['series']): MemoryPoint[] => points.filter((_, i) => planned[i]?.series === series);
  const [lambdaBatch] = of('lambda');
  if (!lambdaBatch) throw new Error('expected the lambda memory run');
  return { byPrincipals: of('principals'), byPrincipalsCore: of('core'), byEvents: of('events'), lambdaBatch };
};
