/**
 * What the scorer does with one SQS batch. Each message is an EventBridge event:
 *
 * - fast path: a CloudTrail record in `detail` ("AWS API Call via CloudTrail", sign-ins). All of
 *   the batch's records are scored together, rule detectors only (`learn: false`): the same events
 *   reach the baselines through the log files.
 * - bulk path: an S3 "Object Created" event naming a CloudTrail log file. The file is claimed in
 *   the file ledger (a file delivered twice is read once), streamed from S3 through the same reader
 *   `vigil replay` uses, and scored with learning on, in chunks that span the batch's files.
 *
 * A poison record never sinks its batch: when scoring throws a programming error (a detector's
 * TypeError on an odd record), the events are split in halves until the culprit is alone, and
 * only it is dropped, logged with where it came from. Any other failure (DynamoDB, S3,
 * EventBridge) fails just the messages whose events were being scored: SQS redelivers them, and
 * scoring is safe to repeat (principal watermarks, deterministic finding ids).
 */
import type { Readable } from 'node:stream';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DynamoMetrics } from '../adapters/dynamo-items.ts';
import type { FileLedger } from '../adapters/file-ledger.ts';
import { type LogFile, logFileUri } from '../adapters/s3-log-source.ts';
import type { CloudTrailRecord } from '../core/cloudtrail.ts';
import type { VigilEvent } from '../core/event.ts';
import { normaliseRecord } from '../core/normalise.ts';
import { type BatchResult, type ScoreDeps, scoreEvents } from '../core/score.ts';
import { readRecords } from '../ingest/read-records.ts';
import { errorFields, type Logger, type Metrics } from './telemetry.ts';

/** Opens a log file for reading. */
export interface LogFileOpener {
  open(file: LogFile): Promise<Readable>;
}

/** Everything the scorer needs, wired once at cold start. */
/**
 * Events scored at once on the bulk path: a batch of 100 log files is about 50,000 events, scored
 * in two chunks, so a principal's state is written about twice per invocation. Measured by
 * `npm run bench`: 50,000 events peak near 620 MB under tsx, within the scorer's 1,024 MB.
 */
export const DEFAULT_CHUNK_SIZE = 25_000;

export interface ScorerDeps {
  readonly score: ScoreDeps;
  readonly ledger: FileLedger;
  readonly logFiles: LogFileOpener;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Events per scoring call on the bulk path: principal state is written once per principal per
   * call, so larger chunks write less; smaller ones hold fewer events in memory.
   * @default DEFAULT_CHUNK_SIZE
   */
  readonly chunkSize?: number;
  /**
   * Days a processed log file stays marked: longer than SQS keeps a message and its redrives.
   * @default 21
   */
  readonly fileClaimDays?: number;
  /**
   * DynamoDB capacity the stores consumed, running totals: each batch's share becomes a metric.
   * @default - not measured
   */
  readonly capacity?: DynamoMetrics;
  /**
   * Called after each batch: the audit log anchors its chain here, so a batch's audit records are
   * vouched for before Lambda freezes the environment.
   * @default - nothing
   */
  readonly afterBatch?: () => Promise<void>;
}

/** A message, understood. */
export type ScorerMessage =
  | { readonly kind: 'event'; readonly messageId: string; readonly eventId: string; readonly record: CloudTrailRecord }
  | { readonly kind: 'file'; readonly messageId: string; readonly file: LogFile; readonly etag: string }
  | { readonly kind: 'invalid'; readonly messageId: string; readonly reason: string };

/** Stop starting work this long before Lambda's deadline, so claims are released, not stranded. */
export const DEADLINE_MARGIN_MS = 20_000;

const CLOUDTRAIL_DETAIL_TYPE = /via CloudTrail$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Reads one SQS message: a CloudTrail event, a log file, or something the scorer cannot use. */
export const parseMessage = (message: SQSRecord): ScorerMessage => {
  const { messageId } = message;
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return { kind: 'invalid', messageId, reason: 'body is not JSON; expected an EventBridge event' };
  }
  if (!isObject(body))
    return { kind: 'invalid', messageId, reason: 'body is not a JSON object; expected an EventBridge event' };
  const detailType = body['detail-type'];
  const detail = body.detail;
  if (typeof detailType === 'string' && CLOUDTRAIL_DETAIL_TYPE.test(detailType) && isObject(detail)) {
    return { kind: 'event', messageId, eventId: String(body.id ?? messageId), record: detail as CloudTrailRecord };
  }
  if (body.source === 'aws.s3' && detailType === 'Object Created' && isObject(detail)) {
    const bucket = isObject(detail.bucket) ? detail.bucket.name : undefined;
    const object = isObject(detail.object) ? detail.object : {};
    if (typeof bucket === 'string' && typeof object.key === 'string') {
      return {
        kind: 'file',
        messageId,
        file: { bucket, key: object.key },
        etag: typeof object.etag === 'string' ? object.etag : '',
      };
    }
    return { kind: 'invalid', messageId, reason: 'S3 event names no bucket and object key' };
  }
  return {
    kind: 'invalid',
    messageId,
    reason: `detail-type ${JSON.stringify(detailType)} from ${JSON.stringify(body.source)}; expected a CloudTrail event or an S3 Object Created event`,
  };
};

/** Errors an odd event causes in the code itself: retrying cannot help, isolating can. */
const isPoisonError = (error: unknown): boolean =>
  error instanceof TypeError ||
  error instanceof RangeError ||
  error instanceof SyntaxError ||
  (error instanceof Error && error.name === 'AuditEntryError');

/** A failed batch: the SQS messages to redeliver. */
class BatchFailure {
  readonly failed = new Set<string>();

  fail(messageId: string): void {
    this.failed.add(messageId);
  }

  response(): SQSBatchResponse {
    return { batchItemFailures: [...this.failed].map((itemIdentifier): SQSBatchItemFailure => ({ itemIdentifier })) };
  }
}

/** An aborted read: the deadline is near. */
class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Scores `events`, halving around poison until each poison event is alone; returns the poison
 * events, dropped. Rethrows any other error.
 */
const scoreIsolating = async (
  deps: ScorerDeps,
  events: readonly VigilEvent[],
  learn: boolean,
  results: BatchResult[],
): Promise<{ event: VigilEvent; error: unknown }[]> => {
  if (events.length === 0) return [];
  try {
    results.push(await scoreEvents(events, deps.score, { learn }));
    return [];
  } catch (error) {
    if (!isPoisonError(error)) throw error;
    const [only] = events;
    if (events.length === 1 && only) return [{ event: only, error }];
    const half = Math.ceil(events.length / 2);
    return [
      ...(await scoreIsolating(deps, events.slice(0, half), learn, results)),
      ...(await scoreIsolating(deps, events.slice(half), learn, results)),
    ];
  }
};

const recordResults = (deps: ScorerDeps, results: readonly BatchResult[]): void => {
  for (const r of results) {
    deps.metrics.add('EventsScored', r.events);
    deps.metrics.add('DuplicateEvents', r.duplicates);
    deps.metrics.add('FindingsCreated', r.created);
    deps.metrics.add('FindingsSuppressed', r.suppressed);
    deps.metrics.add('FindingsPublished', r.published);
    deps.metrics.add('StateConflicts', r.conflicts);
  }
};

const reportPoison = (deps: ScorerDeps, poison: readonly { event: VigilEvent; error: unknown }[]): void => {
  for (const { event, error } of poison) {
    deps.metrics.add('PoisonEvents', 1);
    deps.logger.error('event dropped: scoring it fails', {
      eventId: event.id,
      eventName: event.api,
      origin: event.origin,
      ...errorFields(error),
    });
  }
};

/** Normalises one record; counts and logs what cannot be scored. */
const normalise = (deps: ScorerDeps, record: CloudTrailRecord, origin: VigilEvent['origin']): VigilEvent | null => {
  const result = normaliseRecord(record, origin);
  if (result.ok) return result.event;
  if (result.service) {
    deps.metrics.add('ServiceEvents', 1);
  } else {
    deps.metrics.add('UnreadableRecords', 1);
    deps.logger.warn('record skipped: it cannot be scored', { origin, reason: result.reason });
  }
  return null;
};

const scoreFastPath = async (
  deps: ScorerDeps,
  messages: readonly Extract<ScorerMessage, { kind: 'event' }>[],
  failure: BatchFailure,
): Promise<void> => {
  const events: VigilEvent[] = [];
  for (const message of messages) {
    const event = normalise(deps, message.record, { file: `eventbridge:${message.eventId}`, position: '0' });
    if (event) events.push(event);
  }
  const results: BatchResult[] = [];
  try {
    reportPoison(deps, await scoreIsolating(deps, events, false, results));
  } catch (error) {
    deps.logger.error('fast-path batch failed; its messages will be redelivered', {
      messages: messages.length,
      ...errorFields(error),
    });
    for (const message of messages) failure.fail(message.messageId);
  }
  recordResults(deps, results);
};

const scoreBulkPath = async (
  deps: ScorerDeps,
  messages: readonly Extract<ScorerMessage, { kind: 'file' }>[],
  failure: BatchFailure,
  remainingMs: () => number,
): Promise<void> => {
  const chunkSize = deps.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const claimDays = deps.fileClaimDays ?? 21;
  const results: BatchResult[] = [];
  const claimed = new Map<string, LogFile>();
  let buffer: VigilEvent[] = [];
  let bufferFiles = new Set<string>();

  const fileKey = (file: LogFile): string => `${file.bucket}/${file.key}`;
  const flush = async (): Promise<void> => {
    const events = buffer;
    const files = bufferFiles;
    buffer = [];
    bufferFiles = new Set();
    try {
      reportPoison(deps, await scoreIsolating(deps, events, true, results));
    } catch (error) {
      deps.logger.error('scoring log files failed; they will be read again', {
        files: [...files],
        ...errorFields(error),
      });
      for (const messageId of files) failure.fail(messageId);
    }
  };

  for (const message of messages) {
    const uri = logFileUri(message.file);
    if (remainingMs() < DEADLINE_MARGIN_MS) {
      failure.fail(message.messageId);
      continue;
    }
    let claim: boolean;
    try {
      claim = await deps.ledger.claim(fileKey(message.file), message.etag, claimDays);
    } catch (error) {
      deps.logger.error('cannot claim log file', { file: uri, ...errorFields(error) });
      failure.fail(message.messageId);
      continue;
    }
    if (!claim) {
      deps.metrics.add('LogFilesAlreadyRead', 1);
      deps.logger.info('log file already read', { file: uri, etag: message.etag });
      continue;
    }
    claimed.set(message.messageId, message.file);
    let streamError: unknown;
    try {
      const stream = await deps.logFiles.open(message.file);
      // The reader reports a broken stream as a last unreadable record; a broken download must
      // instead fail the message, so the file is read again.
      stream.once('error', (error) => {
        streamError = error;
      });
      for await (const item of readRecords(stream, uri)) {
        if (item.kind === 'record') {
          const event = normalise(deps, item.record, item.origin);
          if (!event) continue;
          buffer.push(event);
          bufferFiles.add(message.messageId);
          if (buffer.length >= chunkSize) {
            if (remainingMs() < DEADLINE_MARGIN_MS)
              throw new DeadlineError(`${uri}: the invocation's deadline is near`);
            await flush();
          }
        } else if (item.kind === 'error') {
          deps.metrics.add('UnreadableRecords', 1);
          deps.logger.warn('record skipped: it cannot be read', { origin: item.origin, reason: item.message });
        }
      }
      if (streamError !== undefined || stream.errored) throw streamError ?? stream.errored;
      deps.metrics.add('LogFilesRead', 1);
    } catch (error) {
      deps.logger.error('reading log file failed; it will be read again', { file: uri, ...errorFields(error) });
      failure.fail(message.messageId);
    }
  }
  await flush();
  recordResults(deps, results);

  // A file whose events were not all scored is given back, so its redelivery is read again.
  for (const [messageId, file] of claimed) {
    if (!failure.failed.has(messageId)) continue;
    try {
      await deps.ledger.release(fileKey(file));
    } catch (error) {
      deps.logger.error('cannot release log file claim; it will not be read again until the claim expires', {
        file: logFileUri(file),
        ...errorFields(error),
      });
    }
  }
};

/**
 * Scores one SQS batch and returns the messages to redeliver (partial batch response).
 * `remainingMs` tells the time left before Lambda's deadline.
 */
export const processBatch = async (
  event: SQSEvent,
  deps: ScorerDeps,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<SQSBatchResponse> => {
  const failure = new BatchFailure();
  const before = deps.capacity ? { ...deps.capacity } : undefined;
  const messages = event.Records.map(parseMessage);
  const fast: Extract<ScorerMessage, { kind: 'event' }>[] = [];
  const bulk: Extract<ScorerMessage, { kind: 'file' }>[] = [];
  for (const message of messages) {
    if (message.kind === 'event') fast.push(message);
    else if (message.kind === 'file') bulk.push(message);
    else {
      // Not a message any Vigil rule sends: a misrouted event. Redelivery ends in the DLQ, whose alarm says so.
      deps.metrics.add('InvalidMessages', 1);
      deps.logger.error('message cannot be scored', { messageId: message.messageId, reason: message.reason });
      failure.fail(message.messageId);
    }
  }
  if (fast.length > 0) await scoreFastPath(deps, fast, failure);
  if (bulk.length > 0) await scoreBulkPath(deps, bulk, failure, remainingMs);
  if (deps.afterBatch) {
    try {
      await deps.afterBatch();
    } catch (error) {
      // The records are written; only their anchor waits for the next batch.
      deps.logger.error('anchoring the audit chain failed; the next batch anchors it', errorFields(error));
    }
  }
  if (deps.capacity && before) {
    deps.metrics.add('DynamoReadUnits', deps.capacity.readUnits - before.readUnits);
    deps.metrics.add('DynamoWriteUnits', deps.capacity.writeUnits - before.writeUnits);
  }
  deps.metrics.add('Messages', messages.length);
  deps.metrics.add('MessagesFailed', failure.failed.size);
  deps.logger.info('batch done', {
    messages: messages.length,
    events: fast.length,
    files: bulk.length,
    failed: failure.failed.size,
  });
  deps.metrics.flush();
  return failure.response();
};
