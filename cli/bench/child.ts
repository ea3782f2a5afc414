/**
 * One memory run in a process of its own, so its peak RSS is its own: the parent (`memory.ts`)
 * starts `node --import tsx child.ts JOB`, and this prints one JSON line with what it measured.
 *
 * Modes: `replay` (end to end over dynalite, store on disk), `core` (in-memory stores, replay's
 * batches), `lambda` (in-memory stores, batches of one bulk-path invocation).
 */
import { join } from 'node:path';
import { parseConfig } from '../../lambdas/core/config.ts';
import { readCorpus } from './corpus.ts';
import { measureEndToEnd } from './end-to-end.ts';
import { inMemoryDeps, warmGeo } from './in-memory.ts';
import { type CoreOutcome, coreRun, timed } from './speed.ts';

/** What the parent asks a child to run. */
export interface ChildJob {
  readonly mode: 'replay' | 'core' | 'lambda';
  readonly corpusDir: string;
  /** Configuration input (validated here). */
  readonly config: unknown;
  /** Events per scoring batch (core and lambda). */
  readonly batchSize: number;
  /** Where replay keeps its store (removed afterwards). */
  readonly storeDir: string;
}

/** What a child reports. */
export interface ChildResult {
  readonly mode: ChildJob['mode'];
  readonly events: number;
  readonly principals: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly eventsPerSecond: number;
  /** Peak resident set, MB (the kernel's high-water mark). */
  readonly peakRssMb: number;
  /** RSS sampled through the run, MB, at even intervals. */
  readonly rssSamplesMb: readonly number[];
  readonly heapUsedMb: number;
}

const MB = 1024 * 1024;
const SAMPLES = 12;

/** Runs `job` and returns what it measured. */
export const runChild = async (job: ChildJob): Promise<ChildResult> => {
  const corpus = await readCorpus(job.corpusDir);
  if (!corpus) throw new Error(`no corpus in ${job.corpusDir}; expected one written by prepareCorpus`);
  const config = parseConfig(job.config, 'benchmark configuration');
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(process.memoryUsage.rss()), 250);
  try {
    if (job.mode === 'replay') {
      const result = await measureEndToEnd(corpus, config, job.storeDir);
      return finish(job.mode, result.events, result.principals, result.seconds, result.cpuSeconds, samples);
    }
    warmGeo();
    const outcome: { value?: CoreOutcome } = {};
    const timing = await timed(() => coreRun(corpus.files, inMemoryDeps(config), job.batchSize, outcome));
    return finish(job.mode, timing.events, outcome.value?.principals ?? 0, timing.seconds, timing.cpuSeconds, samples);
  } finally {
    clearInterval(sampler);
  }
};

const finish = (
  mode: ChildJob['mode'],
  events: number,
  principals: number,
  seconds: number,
  cpuSeconds: number,
  samples: readonly number[],
): ChildResult => {
  const step = Math.max(1, Math.ceil(samples.length / SAMPLES));
  return {
    mode,
    events,
    principals,
    seconds,
    cpuSeconds,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    // maxRSS is in kilobytes.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rssSamplesMb: samples.filter((_, i) => i % step === 0).map((rss) => Math.round(rss / MB)),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / MB),
  };
};

const isMain = process.argv[1] !== undefined && join(process.argv[1]) === join(import.meta.dirname, 'child.ts');
if (isMain) {
  const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
  const result = await runChild(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // dynalite and the geo database keep handles open; the result is out.
  process.exit(0);
}
