/**
 * `vigil replay`: CloudTrail events through the same scoring code that runs in Lambda, on the
 * embedded DynamoDB. Reads every input form, puts events in eventTime order within a bounded
 * window, scores them in batches (each event once, as the bulk path does), and reports.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { BaselineModel } from '../lambdas/core/baseline-model.ts';
import type { VigilConfig } from '../lambdas/core/config.ts';
import type { DetectorDefinition, GeoLookup } from '../lambdas/core/detector.ts';
import type { VigilEvent } from '../lambdas/core/event.ts';
import { type EventPattern, matchesPattern } from '../lambdas/core/event-pattern.ts';
import { compareSeverity, type Finding, SEVERITIES, type Severity } from '../lambdas/core/finding.ts';
import { normaliseRecord } from '../lambdas/core/normalise.ts';
import type { AuditLog, Clock, FindingPublisher, FindingStore, PrincipalStateStore } from '../lambdas/core/ports.ts';
import { type BatchResult, scoreEvents } from '../lambdas/core/score.ts';
import { readRecords } from '../lambdas/ingest/read-records.ts';
import { reorderByTime } from '../lambdas/ingest/reorder.ts';
import type { Progress } from './progress.ts';

/** Default reordering window: events up to this far apart in eventTime are put in order. */
export const DEFAULT_REORDER_WINDOW_MINUTES = 60;
/** Default cap on events held for reordering; past it the oldest is scored early. */
export const DEFAULT_MAX_BUFFERED = 250_000;
/** Events per scoring batch: about what one bulk-path invocation (100 log files) scores. */
export const DEFAULT_BATCH_SIZE = 20_000;
const MAX_LISTED_ERRORS = 20;

/** One input to replay. */
export interface ReplaySource {
  readonly name: string;
  open(): Readable;
}

/** A record that could not be read or scored, with where it was. */
export interface ReplayProblem {
  readonly file: string;
  readonly position: string;
  readonly message: string;
}

/** What the scorer runs against. */
export interface ReplayDeps {
  readonly config: VigilConfig;
  readonly detectors: readonly DetectorDefinition[];
  readonly baseline: BaselineModel;
  readonly geo: GeoLookup;
  readonly states: PrincipalStateStore;
  readonly findings: FindingStore;
  readonly audit: AuditLog;
  readonly publisher: FindingPublisher;
  readonly clock: Clock;
  readonly ownPrincipals?: readonly string[];
}

/** How to replay. */
export interface ReplayOptions {
  readonly reorderWindowMinutes?: number;
  readonly maxBuffered?: number;
  readonly batchSize?: number;
  readonly progress?: Progress;
  /** Called with every finding created or changed, as stored, in order. */
  readonly onFindings?: (findings: readonly Finding[]) => void;
  /**
   * The fast path's EventBridge pattern, from the synthesized template: events it matches are the
   * ones the deployed rule carries to the scorer in seconds; the rest arrive with the log files.
   * @default - not applied
   */
  readonly fastPath?: EventPattern;
}

/** What the fast-path pattern would have carried. */
export interface FastPathSummary {
  /** Events the deployed rule would route to the scorer within seconds. */
  readonly events: number;
  /** Findings whose first event took the fast path: raised within seconds in AWS. */
  readonly findings: number;
  /** Findings whose events all came with the log files: raised within minutes. */
  readonly bulkFindings: number;
}

/** The end-of-run summary (`--format json` prints this object). */
export interface ReplaySummary {
  readonly eventsRead: number;
  readonly eventsScored: number;
  readonly serviceEvents: number;
  readonly duplicates: number;
  readonly alreadyCounted: number;
  readonly lateEvents: number;
  readonly skipped: { readonly unreadable: number; readonly invalid: number; readonly other: Record<string, number> };
  readonly problems: readonly ReplayProblem[];
  readonly principals: number;
  readonly findings: number;
  readonly findingsBySeverity: Record<Severity, number>;
  readonly suppressed: number;
  readonly published: number;
  readonly firstEventTime: string | null;
  readonly lastEventTime: string | null;
  readonly reorderWindowMinutes: number;
  readonly seconds: number;
  /** Present when the fast-path pattern was applied. */
  readonly fastPath?: FastPathSummary;
}

interface Counters {
  read: number;
  service: number;
  unreadable: number;
  invalid: number;
  other: Record<string, number>;
  problems: ReplayProblem[];
}

const problem = (counters: Counters, file: string, position: string, message: string): void => {
  if (counters.problems.length < MAX_LISTED_ERRORS) counters.problems.push({ file, position, message });
};

async function* normalisedEvents(sources: readonly ReplaySource[], counters: Counters, progress?: Progress) {
  for (const source of sources) {
    progress?.file(source.name);
    for await (const item of readRecords(source.open(), source.name)) {
      if (item.kind === 'error') {
        counters.unreadable++;
        problem(counters, item.origin.file, item.origin.position, item.message);
        continue;
      }
      if (item.kind === 'skipped') {
        counters.other[item.reason] = (counters.other[item.reason] ?? 0) + 1;
        continue;
      }
      counters.read++;
      const result = normaliseRecord(item.record, item.origin);
      if (result.ok) {
        yield result.event;
      } else if (result.service) {
        counters.service++;
      } else {
        counters.invalid++;
        problem(counters, item.origin.file, item.origin.position, result.reason);
      }
    }
  }
}

const DETAIL_TYPES: Readonly<Record<string, string>> = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
};

/** The event as EventBridge delivers it on the default bus, for matching rule patterns. */
export const asEventBridgeEvent = (event: VigilEvent): Record<string, unknown> => ({
  version: '0',
  'detail-type': DETAIL_TYPES[event.eventType] ?? 'AWS API Call via CloudTrail',
  source: `aws.${event.source.replace(/\.amazonaws\.com$/, '')}`,
  account: event.accountId,
  time: event.timeIso,
  region: event.region,
  resources: [],
  detail: event.raw,
});

/** Replays sources into the stores; returns the summary. Findings stream out through `onFindings`. */
export const replay = async (
  sources: readonly ReplaySource[],
  deps: ReplayDeps,
  options: ReplayOptions = {},
): Promise<ReplaySummary> => {
  const started = performance.now();
  const counters: Counters = { read: 0, service: 0, unreadable: 0, invalid: 0, other: {}, problems: [] };
  const windowMs = (options.reorderWindowMinutes ?? DEFAULT_REORDER_WINDOW_MINUTES) * 60_000;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const ordered = reorderByTime(normalisedEvents(sources, counters, options.progress), {
    windowMs,
    maxBuffered: options.maxBuffered ?? DEFAULT_MAX_BUFFERED,
  });
  const principals = new Set<string>();
  const findingSeverity = new Map<string, Severity>();
  let suppressed = 0;
  let published = 0;
  let duplicates = 0;
  let alreadyCounted = 0;
  let scored = 0;
  let first: number | null = null;
  let last: number | null = null;
  let batch: VigilEvent[] = [];
  // Ids of fast-path events: a small share of all events, kept to tell which findings they raised.
  const fastIds = new Set<string>();
  const findingPath = new Map<string, boolean>();

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result: BatchResult = await scoreEvents(batch, deps, { learn: true });
    for (const event of batch) principals.add(event.principal.key);
    scored += result.events - result.duplicates;
    duplicates += result.duplicates;
    alreadyCounted += result.alreadyCounted;
    suppressed += result.suppressed;
    published += result.published;
    for (const stored of result.findings) {
      if (stored.suppressedBy === null) findingSeverity.set(stored.finding.id, stored.finding.severity);
      if (options.fastPath && !findingPath.has(stored.finding.id)) {
        findingPath.set(
          stored.finding.id,
          stored.finding.eventIds[0] !== undefined && fastIds.has(stored.finding.eventIds[0]),
        );
      }
    }
    options.onFindings?.(result.findings.map((s) => s.finding));
    options.progress?.advance(batch.length, counters.read);
    batch = [];
  };

  for await (const event of ordered) {
    first ??= event.time;
    last = event.time;
    if (options.fastPath && matchesPattern(options.fastPath, asEventBridgeEvent(event))) fastIds.add(event.id);
    batch.push(event);
    if (batch.length >= batchSize) await flush();
  }
  await flush();

  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const severity of findingSeverity.values()) bySeverity[severity]++;
  return {
    eventsRead: counters.read,
    eventsScored: scored,
    serviceEvents: counters.service,
    duplicates,
    alreadyCounted,
    lateEvents: ordered.stats.late,
    skipped: { unreadable: counters.unreadable, invalid: counters.invalid, other: counters.other },
    problems: counters.problems,
    principals: principals.size,
    findings: findingSeverity.size,
    findingsBySeverity: bySeverity,
    suppressed,
    published,
    firstEventTime: first === null ? null : new Date(first).toISOString(),
    lastEventTime: last === null ? null : new Date(last).toISOString(),
    reorderWindowMinutes: windowMs / 60_000,
    seconds: (performance.now() - started) / 1000,
    ...(options.fastPath
      ? {
          fastPath: {
            events: fastIds.size,
            findings: [...findingPath.values()].filter(Boolean).length,
            bulkFindings: [...findingPath.values()].filter((fast) => !fast).length,
          },
        }
      : {}),
  };
};

/**
 * Collects findings by id (a finding may change several times in a run) and writes the final
 * version of each as JSON Lines, ordered by first event time then id.
 */
export class FindingsCollector {
  private readonly byId = new Map<string, Finding>();

  /** Records findings as they are created or changed. */
  readonly add = (findings: readonly Finding[]): void => {
    for (const finding of findings) this.byId.set(finding.id, finding);
  };

  /** Every finding, final versions, in a stable order. */
  all(): Finding[] {
    return [...this.byId.values()].sort(
      (a, b) => a.firstEventTime.localeCompare(b.firstEventTime) || a.id.localeCompare(b.id),
    );
  }

  /** Writes JSON Lines to a file, or to stdout for `-`. */
  async write(target: string, minSeverity: Severity = 'low'): Promise<number> {
    const findings = this.all().filter((f) => compareSeverity(f.severity, minSeverity) >= 0);
    let out: WriteStream | NodeJS.WriteStream;
    if (target === '-') {
      out = process.stdout;
    } else {
      await mkdir(dirname(target), { recursive: true });
      out = createWriteStream(target);
    }
    for (const finding of findings) {
      if (!out.write(`${JSON.stringify(finding)}\n`)) await new Promise((r) => out.once('drain', r));
    }
    if (out !== process.stdout) {
      (out as WriteStream).end();
      await finished(out as WriteStream);
    }
    return findings.length;
  }
}
