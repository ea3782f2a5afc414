/**
 * `vigil bench` (`npm run bench`): where Vigil stands on speed, cost and memory, measured on one
 * generated corpus in one run, against the budgets of DESIGN.md and issue 8. Prints a table,
 * writes the results as JSON and, for a full run, the figures into docs/performance.md.
 *
 * 1. floor: read, gunzip and JSON.parse the log files, nothing else;
 * 2. core scoring in memory, and its ratio to the floor (budget: at least 40%);
 * 3. end to end: `vigil replay` on the embedded DynamoDB (budget: 1,000,000 events in 2 minutes);
 * 4. requests and cost per million events, fast and bulk path, from the dated price table
 *    (budget: $0.05, GuardDuty's $4.00 beside it);
 * 5. memory: peak RSS, growth with active principals and with events (`--memory`), and one
 *    bulk-path Lambda batch (budget: 512 MB).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseConfig } from '../../lambdas/core/config.ts';
import { DEFAULT_CHUNK_SIZE } from '../../lambdas/score-events/process-batch.ts';
import { demoConfig } from '../demo/generate.ts';
import { type Corpus, prepareCorpus } from './corpus.ts';
import {
  BUDGET_DOLLARS_PER_MILLION,
  type CostMeasurements,
  type CostReport,
  deriveUsage,
  fixedMonthlyCharges,
  priceUsage,
  type ScorerSettings,
  type Usage,
} from './cost-model.ts';
import { type CostPassResult, runCostPass } from './cost-pass.ts';
import { type EndToEndResult, measureEndToEnd } from './end-to-end.ts';
import { fastPathMatcher } from './fast-path.ts';
import { warmGeo } from './in-memory.ts';
import { describeMachine, loadAverageNow, type Machine } from './machine.ts';
import { type MemoryPoint, type MemoryResults, measureMemory, runPoint } from './memory.ts';
import { containTransitions } from './playbook-transitions.ts';
import { loadPriceTable } from './prices.ts';
import { renderMarkdown, renderTable } from './report.ts';
import { measureSpeed, type SpeedResults } from './speed.ts';

/** What to run. */
export interface BenchOptions {
  /** Events in the corpus. @default 200,000 on the command line */
  readonly events: number;
  /**
   * Principals of the organisation (people plus about 29 machine and service principals).
   * @default - one person per 2,800 events, at least 10: a month of the demo organisation
   */
  readonly principals?: number;
  /** Where the JSON results go. */
  readonly out: string;
  /** A tiny run (what `npm test` smoke-runs): a few thousand events, tiny memory series, no docs. */
  readonly quick?: boolean;
  /** The memory series in child processes (slow). */
  readonly memory?: boolean;
  /**
   * Where the figures are written as Markdown; null for nowhere.
   * @default - docs/performance.md for a full run, nowhere for a quick one
   */
  readonly docs?: string | null;
  /** Where corpora are kept between runs. @default - `corpus` beside `out` */
  readonly corpusRoot?: string;
}

/** Where the benchmark's output goes. */
export interface BenchIo {
  readonly stdout: NodeJS.WritableStream;
}

/** The same measurements priced with proposed changes to the deployment. */
export interface WhatIf {
  readonly changes: readonly string[];
  readonly settings: ScorerSettings;
  readonly report: CostReport;
}

/** One budget and how the run fared. */
export interface BudgetVerdict {
  readonly name: string;
  readonly budget: string;
  readonly measured: string;
  readonly met: boolean;
  /** How the figure was obtained, or by how much it misses. */
  readonly note: string;
}

/** Everything a run measured: the JSON written to `out`. */
export interface BenchResults {
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: Machine;
  readonly loadAverageAtEnd: number;
  readonly options: {
    readonly events: number;
    readonly people: number;
    readonly quick: boolean;
    readonly memory: boolean;
    readonly seed: number;
    readonly days: number;
  };
  readonly corpus: Omit<Corpus, 'files' | 'dir'> & {
    readonly files: number;
    readonly recordsPerFile: number;
    readonly fastShare: number;
    readonly dataShare: number;
  };
  /** Seconds to load the offline IP database (once per process; a cold Lambda pays it). */
  readonly geoLoadSeconds: number;
  readonly speed: SpeedResults & { readonly coreToFloorCpu: number; readonly endToEndToFloor: number };
  readonly endToEnd: EndToEndResult & {
    readonly secondsPerMillion: number;
    readonly millionRun: MemoryPoint | null;
    /** The same replay in batches of 50,000 events (a bulk-path invocation) with playbooks off. */
    readonly whatIf: EndToEndResult & { readonly secondsPerMillion: number };
  };
  readonly cost: {
    readonly settings: ScorerSettings;
    readonly pass: CostPassResult;
    readonly usage: Usage;
    readonly report: CostReport;
    /** The same corpus priced at the other memory size of interest (512 MB, the issue's; 1,024 MB, the construct's). */
    readonly atOtherMemory: { readonly memoryMb: number; readonly dollarsPerMillion: number };
    /** The same corpus, metered and priced with the fixes proposed in docs/performance.md. */
    readonly whatIf: WhatIf;
  };
  readonly memory: {
    /** Peak RSS of this process (floor, core and replay in one process). */
    readonly benchPeakRssMb: number;
    readonly lambdaBatch: MemoryPoint;
    readonly series: Omit<MemoryResults, 'lambdaBatch'> | null;
  };
  readonly budgets: readonly BudgetVerdict[];
}

/**
 * The scorer as `lib/vigil-stack.ts` and `lib/constructs/scorer.ts` deploy it (memory, batching,
 * tracing), the bulk path's chunks (`lambdas/score-events/process-batch.ts`), and the latencies
 * the Lambda duration model assumes.
 */
export const DEFAULT_SETTINGS: ScorerSettings = {
  // lib/constructs/scorer.ts: 1,024 MB unless the stack says otherwise.
  memoryMb: 1_024,
  fastBatchSize: 100,
  fastWindowMs: 1_000,
  bulkBatchFiles: 100,
  bulkChunkEvents: DEFAULT_CHUNK_SIZE,
  dynamoLatencyMs: 5,
  s3GetLatencyMs: 40,
  logBytesPerInvocation: 500,
  logBytesPerFinding: 600,
  // The trail bucket has an S3 Bucket Key: KMS is asked per bucket key, not per log file.
  kmsRequestsPerLogFile: 0,
  // Replaced in a run by the count read from the synthesized playbook (playbook-transitions.ts).
  transitionsPerExecution: 9,
  bulkMessageBytes: 1_200,
  // lib/constructs/scorer.ts deploys the scorer without X-Ray.
  tracing: false,
  xRayReservoirPerSecond: 1,
  xRayRate: 0.05,
};

/** Events per person-month of the demo organisation: sizes the organisation to the corpus. */
const EVENTS_PER_PERSON = 2_800;
const SEED = 7;
const DAYS = 28;
const RECORDS_PER_FILE = 500;
const REPLAY_BATCH = 20_000;
const WHAT_IF_REPLAY_BATCH = 50_000;
const LAMBDA_MEMORY_MB = 512;
const SPEED_BUDGET = 0.4;
const REPLAY_BUDGET_SECONDS = 120;
const FLAT_MEMORY_GROWTH = 1.25;

const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** Where a full run writes its figures. */
export const DEFAULT_DOCS = join(REPO_ROOT, 'docs', 'performance.md');

const peopleFor = (events: number, principals: number | undefined): number =>
  Math.min(20_000, Math.max(10, principals !== undefined ? principals - 29 : Math.round(events / EVENTS_PER_PERSON)));

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const verdicts = (r: Omit<BenchResults, 'budgets' | 'finishedAt' | 'loadAverageAtEnd'>): BudgetVerdict[] => {
  const out: BudgetVerdict[] = [];
  const ratio = r.speed.coreToFloorCpu;
  out.push({
    name: 'Core scoring speed',
    budget: `>= ${SPEED_BUDGET * 100}% of the JSON.parse floor`,
    measured: `${fmt(ratio * 100, 1)}% (events per CPU-second), ${fmt(r.speed.coreToFloor * 100, 1)}% wall-clock`,
    met: ratio >= SPEED_BUDGET,
    note: ratio >= SPEED_BUDGET ? 'met' : `missed: ${fmt(SPEED_BUDGET / ratio, 1)}x too slow`,
  });
  const million = r.endToEnd.millionRun;
  const seconds = million ? million.seconds : r.endToEnd.secondsPerMillion;
  out.push({
    name: 'Replay of 1,000,000 events',
    budget: `< ${REPLAY_BUDGET_SECONDS} s on this machine`,
    measured: `${fmt(seconds)} s`,
    met: seconds < REPLAY_BUDGET_SECONDS,
    note: `${million ? 'measured on 1,000,000 events' : `extrapolated linearly from ${fmt(r.endToEnd.events)} events`}${seconds < REPLAY_BUDGET_SECONDS ? '' : `; missed by ${fmt(seconds / REPLAY_BUDGET_SECONDS, 1)}x`}`,
  });
  const cost = r.cost.report.dollarsPerMillion;
  out.push({
    name: 'AWS cost per million events',
    budget: `<= $${BUDGET_DOLLARS_PER_MILLION.toFixed(2)}`,
    measured: `$${cost.toFixed(4)}`,
    met: cost <= BUDGET_DOLLARS_PER_MILLION,
    note: `GuardDuty: $${r.cost.report.guardDutyDollarsPerMillion.toFixed(2)} (${fmt(r.cost.report.guardDutyTimesVigil, 1)}x Vigil)${cost <= BUDGET_DOLLARS_PER_MILLION ? '' : `; missed by ${fmt(cost / BUDGET_DOLLARS_PER_MILLION, 1)}x`}`,
  });
  const lambda = r.memory.lambdaBatch;
  out.push({
    name: 'Scorer memory at its batch size',
    budget: `fits ${LAMBDA_MEMORY_MB} MB`,
    measured: `${fmt(lambda.peakRssMb)} MB peak RSS`,
    met: lambda.peakRssMb <= LAMBDA_MEMORY_MB,
    note: `batches of ${fmt(lambda.target)} events (${r.cost.settings.bulkBatchFiles} log files), in memory, Node with tsx`,
  });
  const series = r.memory.series?.byEvents ?? [];
  const first = series[0];
  const last = series.at(-1);
  const failed = series.find((p) => p.error);
  if (failed) {
    out.push({
      name: 'Replay memory does not grow with events',
      budget: `peak RSS flat (within ${FLAT_MEMORY_GROWTH}x) from 100,000 to 2,000,000 events`,
      measured: `the run of ${fmt(failed.target)} events failed`,
      met: false,
      note: failed.error?.slice(0, 200) ?? '',
    });
  } else if (first && last && first !== last) {
    const growth = last.peakRssMb / first.peakRssMb;
    out.push({
      name: 'Replay memory does not grow with events',
      budget: `peak RSS at ${fmt(last.target)} events within ${FLAT_MEMORY_GROWTH}x of ${fmt(first.target)}`,
      measured: `${fmt(first.peakRssMb)} MB -> ${fmt(last.peakRssMb)} MB (${fmt(growth, 2)}x)`,
      met: growth <= FLAT_MEMORY_GROWTH,
      note: `${first.principals} to ${last.principals} principals`,
    });
  } else {
    out.push({
      name: 'Replay memory does not grow with events',
      budget: `peak RSS flat (within ${FLAT_MEMORY_GROWTH}x) from 100,000 to 2,000,000 events`,
      measured: 'not measured',
      met: false,
      note: 'run with --memory',
    });
  }
  return out;
};

/** Runs the benchmark; prints the table to `io.stdout`, writes JSON to `opts.out` and the Markdown. */
export const runBench = async (opts: BenchOptions, io: BenchIo): Promise<BenchResults> => {
  const startedAt = new Date().toISOString();
  const say = (line = ''): void => {
    io.stdout.write(`${line}\n`);
  };
  const quick = opts.quick === true;
  const out = resolve(opts.out);
  const resultsRoot = dirname(out);
  const corpusRoot = resolve(opts.corpusRoot ?? join(resultsRoot, 'corpus'));
  const events = quick ? Math.min(opts.events, 3_000) : opts.events;
  const people = peopleFor(events, opts.principals);
  const config = demoConfig();
  const vigilConfig = parseConfig(config, 'the demo organisation configuration');
  const machine = describeMachine();
  const runStarted = performance.now();
  const log = (line: string): void => say(`  [${fmt((performance.now() - runStarted) / 1000, 1)} s] ${line}`);
  say(
    `Vigil benchmark: ${fmt(events)} events, ${people} people, ${machine.nproc} cores, Node ${machine.node}${quick ? ' (quick)' : ''}`,
  );

  const corpus = await prepareCorpus(
    corpusRoot,
    { events, people, days: DAYS, seed: SEED, recordsPerFile: RECORDS_PER_FILE },
    log,
  );
  const geoLoadSeconds = warmGeo();
  say(
    `  corpus: ${fmt(corpus.events)} events of ${fmt(corpus.principals)} principals in ${fmt(corpus.files.length)} log files${corpus.reused ? ' (reused)' : ''}`,
  );

  log('1. floor, reader and core scoring in memory ...');
  const speed = await measureSpeed(corpus.files, vigilConfig, REPLAY_BATCH, quick ? 1 : 3);
  const floorPerCpu = speed.floor.events / speed.floor.cpuSeconds;
  const corePerCpu = speed.core.events / speed.core.cpuSeconds;

  log('2. end to end: vigil replay on the embedded DynamoDB ...');
  const endToEnd = await measureEndToEnd(corpus, vigilConfig, join(resultsRoot, `store-${process.pid}`));
  log(
    `2b. end to end, what if: batches of ${fmt(WHAT_IF_REPLAY_BATCH)} events (a bulk-path invocation), playbooks off ...`,
  );
  const endToEndWhatIf = await measureEndToEnd(corpus, vigilConfig, join(resultsRoot, `store-${process.pid}`), {
    batchSize: WHAT_IF_REPLAY_BATCH,
    response: 'off',
  });

  log('3. requests and cost: both paths, metered ...');
  const settings: ScorerSettings = { ...DEFAULT_SETTINGS, transitionsPerExecution: containTransitions(vigilConfig) };
  const matcher = fastPathMatcher();
  const pass = await runCostPass(corpus.files, vigilConfig, matcher, settings);
  const spanSeconds = (Date.parse(corpus.lastEventTime ?? '') - Date.parse(corpus.firstEventTime ?? '')) / 1000 || 1;
  const measurementsOf = (p: CostPassResult): CostMeasurements => ({
    events: corpus.events,
    spanSeconds,
    logFiles: p.logFiles,
    fast: p.fast,
    bulk: p.bulk,
    findingsPublished: p.findingsPublished,
    publishedBytes: p.publishedBytes,
    findingsLogged: p.findingsLogged,
    executions: p.executions,
  });
  const measurements = measurementsOf(pass);
  const prices = await loadPriceTable();
  const trail = {
    dataEventShare: corpus.dataEvents / corpus.events,
    logFilesPerMillion: (pass.logFiles * 1e6) / corpus.events,
  };
  const usage = deriveUsage(measurements, settings);
  const report = priceUsage(usage, corpus.events, prices, trail, fixedMonthlyCharges(prices));
  const otherMemoryMb = settings.memoryMb === LAMBDA_MEMORY_MB ? 1_024 : LAMBDA_MEMORY_MB;
  const atOtherMemory = {
    memoryMb: otherMemoryMb,
    dollarsPerMillion: priceUsage(
      deriveUsage(measurements, { ...settings, memoryMb: otherMemoryMb }),
      corpus.events,
      prices,
      trail,
    ).dollarsPerMillion,
  };
  const whatIfSettings: ScorerSettings = { ...settings, tracing: false };
  const whatIf: WhatIf = {
    changes: [
      "no X-Ray active tracing on the scorer (or a sampling rule of a few percent with no reservoir): at the rates Vigil's invocations come, the default rule (one a second, then 5%) traces nearly every one",
    ],
    settings: whatIfSettings,
    report: priceUsage(deriveUsage(measurements, whatIfSettings), corpus.events, prices, trail),
  };

  log(
    `4. memory${opts.memory ? ': the series in child processes (slow) ...' : ': one bulk-path batch in a child process ...'}`,
  );
  const lambdaBatchEvents = settings.bulkChunkEvents;
  const storeRoot = join(resultsRoot, `stores-${process.pid}`);
  let series: Omit<MemoryResults, 'lambdaBatch'> | null = null;
  let lambdaBatch: MemoryPoint;
  if (opts.memory) {
    const plan = quick
      ? { principals: [40], events: [1_000, 2_000], minEvents: 1_000 }
      : {
          principals: [100, 10_000, 100_000],
          events: [100_000, 500_000, 1_000_000, 2_000_000],
          minEvents: opts.events,
        };
    const memory = await measureMemory(
      corpusRoot,
      config,
      {
        ...plan,
        people: peopleFor(opts.events, opts.principals),
        days: DAYS,
        seed: SEED,
        replayBatchSize: REPLAY_BATCH,
        lambdaBatchEvents,
        lambdaCorpus: corpus,
      },
      storeRoot,
      log,
      quick,
    );
    const { lambdaBatch: lb, ...rest } = memory;
    series = rest;
    lambdaBatch = lb;
  } else {
    lambdaBatch = await runPoint(
      { mode: 'lambda', corpusDir: corpus.dir, config, batchSize: lambdaBatchEvents, storeDir: storeRoot },
      lambdaBatchEvents,
      log,
      'one bulk-path scoring chunk at a time, in memory',
    );
  }
  await rm(storeRoot, { recursive: true, force: true });
  const millionRun = series?.byEvents.find((p) => p.target === 1_000_000) ?? null;

  const partial: Omit<BenchResults, 'budgets' | 'finishedAt' | 'loadAverageAtEnd'> = {
    version: 1,
    startedAt,
    command: `npm run bench --${quick ? ' --quick' : ''}${opts.memory ? ' --memory' : ''} --events ${opts.events}${opts.principals !== undefined ? ` --principals ${opts.principals}` : ''}`,
    machine,
    options: { events, people, quick, memory: opts.memory === true, seed: SEED, days: DAYS },
    corpus: {
      ...(({ files: _f, dir: _d, ...rest }) => rest)(corpus),
      files: corpus.files.length,
      recordsPerFile: corpus.events / corpus.files.length,
      fastShare: corpus.fastEvents / corpus.events,
      dataShare: corpus.dataEvents / corpus.events,
    },
    geoLoadSeconds,
    speed: {
      ...speed,
      coreToFloorCpu: corePerCpu / floorPerCpu,
      endToEndToFloor: endToEnd.eventsPerSecond / speed.floor.eventsPerSecond,
    },
    endToEnd: {
      ...endToEnd,
      secondsPerMillion: (endToEnd.seconds * 1e6) / corpus.events,
      millionRun,
      whatIf: { ...endToEndWhatIf, secondsPerMillion: (endToEndWhatIf.seconds * 1e6) / corpus.events },
    },
    cost: { settings, pass, usage, report, atOtherMemory, whatIf },
    memory: {
      benchPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      lambdaBatch,
      series,
    },
  };
  const results: BenchResults = {
    ...partial,
    budgets: verdicts(partial),
    finishedAt: new Date().toISOString(),
    loadAverageAtEnd: loadAverageNow(),
  };

  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  say();
  for (const line of renderTable(results)) say(line);
  say();
  say(`Results: ${out}`);
  const docs = opts.docs === undefined ? (quick ? null : DEFAULT_DOCS) : opts.docs;
  if (docs) {
    const existing = await readFile(docs, 'utf8').catch(() => null);
    await writeFile(docs, renderMarkdown(results, existing));
    say(`Figures: ${docs}`);
  }
  return results;
};
