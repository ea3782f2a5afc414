/**
 * The cost pass: the corpus scored as the deployed pipeline would score it, with metered stores.
 * Files in time order are grouped into bulk-path invocations of `bulkBatchFiles` files, scored
 * (learning baselines) in chunks of `bulkChunkEvents` events as the scorer does; the events the fast-path rule takes are scored before the bulk invocation holding
 * them, from their EventBridge events (rules only), as they arrive minutes earlier in AWS; a
 * fast-path invocation takes the events that arrive within `fastWindowMs` of its first (event time
 * standing for arrival), up to `fastBatchSize`, as Lambda's batching window gathers them. The CPU time of each path's work is
 * measured; the reading of a file is the bulk path's, the parsing of an EventBridge event the fast
 * path's.
 */
import { createReadStream } from 'node:fs';
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import type { VigilConfig } from '../../lambdas/core/config.ts';
import type { VigilEvent } from '../../lambdas/core/event.ts';
import { compareSeverity } from '../../lambdas/core/finding.ts';
import { normaliseRecord } from '../../lambdas/core/normalise.ts';
import { caseIdFor } from '../../lambdas/core/response/case-id.ts';
import { type ScoreDeps, scoreEvents } from '../../lambdas/core/score.ts';
import { readRecords } from '../../lambdas/ingest/read-records.ts';
import type { PathMeasurement } from './cost-model.ts';
import { eventBridgeEvent, type FastPathMatcher } from './fast-path.ts';
import { inMemoryDeps } from './in-memory.ts';
import {
  Meter,
  type MeterCounts,
  MeteredAuditLog,
  MeteredFindingStore,
  MeteredPublisher,
  MeteredStateStore,
} from './metered.ts';

/** Batching of the pass, as the queues' event source mappings batch. */
export interface CostPassOptions {
  /** Most fast-path events an invocation takes. */
  readonly fastBatchSize: number;
  /** How long Lambda gathers fast-path events after the first, ms (event time stands for arrival). */
  readonly fastWindowMs: number;
  /** Log files an invocation takes. */
  readonly bulkBatchFiles: number;
  /** Events the bulk path scores at once within an invocation (principal state is written per call). */
  readonly bulkChunkEvents: number;
}

/** What one path did in the pass. */
export interface PathRun extends PathMeasurement {
  readonly invocations: number;
  /** Distinct principals per scoring call (a fast-path invocation, a bulk-path chunk), on average. */
  readonly principalsPerInvocation: number;
  /** scoreEvents calls: one per fast-path invocation, one per chunk on the bulk path. */
  readonly scoringCalls: number;
  /** Events per invocation, on average. */
  readonly eventsPerInvocation: number;
  readonly counts: MeterCounts;
}

/** The pass' measurements. */
export interface CostPassResult {
  readonly fast: PathRun;
  readonly bulk: PathRun;
  readonly logFiles: number;
  readonly findingsPublished: number;
  readonly publishedBytes: number;
  /** Findings created or changed, each logged by the scorer. */
  readonly findingsLogged: number;
  /** Distinct cases of published findings whose severity's response mode is not `off`. */
  readonly executions: number;
}

/** CPU seconds (every thread) spent in `run`. */
const cpuOf = async <T>(run: () => Promise<T>): Promise<{ value: T; seconds: number }> => {
  const before = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(before);
  return { value, seconds: (used.user + used.system) / 1e6 };
};

interface Tally {
  events: number;
  cpuSeconds: number;
  invocations: number;
  /** scoreEvents calls: one per fast-path invocation, one per chunk on the bulk path. */
  calls: number;
  principals: number;
  messageBytes: number;
}

const newTally = (): Tally => ({ events: 0, cpuSeconds: 0, invocations: 0, calls: 0, principals: 0, messageBytes: 0 });

/** Scores the corpus as the pipeline would, metering both paths. */
export const runCostPass = async (
  files: readonly string[],
  config: VigilConfig,
  fast: FastPathMatcher,
  options: CostPassOptions,
): Promise<CostPassResult> => {
  const meter = new Meter();
  const publisher = new MeteredPublisher(meter);
  const deps: ScoreDeps = inMemoryDeps(config, {
    states: new MeteredStateStore(meter),
    findings: new MeteredFindingStore(meter),
    audit: new MeteredAuditLog(meter),
    publisher,
  });
  const tally = { fast: newTally(), bulk: newTally() };
  let findingsLogged = 0;

  const score = async (path: 'fast' | 'bulk', events: VigilEvent[], cpuSeconds: number): Promise<void> => {
    if (events.length === 0) return;
    meter.path = path;
    const { value: result, seconds } = await cpuOf(() => scoreEvents(events, deps, { learn: path === 'bulk' }));
    meter.settle();
    const t = tally[path];
    t.events += events.length;
    t.cpuSeconds += cpuSeconds + seconds;
    t.calls += 1;
    if (path === 'fast') t.invocations += 1;
    t.principals += result.principals;
    findingsLogged += result.findings.length;
  };

  /** Fast-path events waiting for an invocation, as EventBridge event texts, and when the first came. */
  let fastTexts: string[] = [];
  let fastOpenedAt = 0;
  const flushFast = async (): Promise<void> => {
    if (fastTexts.length > 0) {
      const texts = fastTexts;
      fastTexts = [];
      const { value: events, seconds } = await cpuOf(async () => {
        const out: VigilEvent[] = [];
        for (const text of texts) {
          const detail = (JSON.parse(text) as { detail: CloudTrailRecord }).detail;
          const normalised = normaliseRecord(detail, { file: 'eventbridge', position: '0' });
          if (normalised.ok) out.push(normalised.event);
        }
        return out;
      });
      await score('fast', events, seconds);
      if (events.length === 0) tally.fast.invocations += 1;
    }
  };

  /** Queues the fast-path events among `records`, invoking the fast path as its batching window closes. */
  const fastBefore = async (records: readonly CloudTrailRecord[]): Promise<void> => {
    for (const record of records) {
      if (!fast.matches(record)) continue;
      const at = Date.parse(record.eventTime ?? '') || 0;
      if (fastTexts.length > 0 && at - fastOpenedAt > options.fastWindowMs) await flushFast();
      if (fastTexts.length === 0) fastOpenedAt = at;
      const text = JSON.stringify(eventBridgeEvent(record));
      tally.fast.messageBytes += Buffer.byteLength(text);
      fastTexts.push(text);
      if (fastTexts.length >= options.fastBatchSize) await flushFast();
    }
  };

  let bulkEvents: VigilEvent[] = [];
  let bulkCpu = 0;
  let filesInBatch = 0;
  /** Scores the events read so far in this invocation (a chunk), fast-path events first. */
  const scoreChunk = async (): Promise<void> => {
    await flushFast();
    const events = bulkEvents;
    bulkEvents = [];
    await score('bulk', events, bulkCpu);
    bulkCpu = 0;
  };
  const flushBulk = async (): Promise<void> => {
    if (filesInBatch === 0) return;
    // A log-file ledger claim per file: one conditional put of a small item.
    const counts = meter.of('bulk');
    counts.requests += filesInBatch;
    counts.writeUnits += filesInBatch;
    counts.itemsWritten += filesInBatch;
    await scoreChunk();
    tally.bulk.invocations += 1;
    filesInBatch = 0;
  };

  for (const file of files) {
    const records: CloudTrailRecord[] = [];
    const { seconds } = await cpuOf(async () => {
      for await (const item of readRecords(createReadStream(file), file)) {
        if (item.kind !== 'record') continue;
        records.push(item.record);
        const normalised = normaliseRecord(item.record, item.origin);
        if (normalised.ok) bulkEvents.push(normalised.event);
      }
    });
    bulkCpu += seconds;
    // The scorer scores a chunk as soon as it holds enough events, mid-file too; at file ends is close enough.
    if (bulkEvents.length >= options.bulkChunkEvents) {
      await fastBefore(records);
      await scoreChunk();
      records.length = 0;
    }
    await fastBefore(records);
    filesInBatch++;
    if (filesInBatch >= options.bulkBatchFiles) await flushBulk();
  }
  await flushBulk();

  const modes = config.response.modes;
  const cases = new Set(
    publisher.published
      .filter((f) => modes[f.severity] !== 'off' && compareSeverity(f.severity, config.alertSeverity) >= 0)
      .map((f) => caseIdFor(f)),
  );
  const run = (path: 'fast' | 'bulk'): PathRun => {
    const t = tally[path];
    const counts = meter.of(path);
    return {
      events: t.events,
      cpuSeconds: t.cpuSeconds,
      dynamoRequests: counts.requests,
      dynamoReadUnits: counts.readUnits,
      dynamoWriteUnits: counts.writeUnits,
      messageBytes: t.messageBytes,
      invocations: t.invocations,
      scoringCalls: t.calls,
      principalsPerInvocation: t.calls > 0 ? t.principals / t.calls : 0,
      eventsPerInvocation: t.invocations > 0 ? t.events / t.invocations : 0,
      counts: { ...counts },
    };
  };
  const fastCounts = meter.of('fast');
  const bulkCounts = meter.of('bulk');
  return {
    fast: run('fast'),
    bulk: run('bulk'),
    logFiles: files.length,
    findingsPublished: fastCounts.published + bulkCounts.published,
    publishedBytes: fastCounts.publishedBytes + bulkCounts.publishedBytes,
    findingsLogged,
    executions: cases.size,
  };
};
