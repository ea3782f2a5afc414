/**
 * Reads CloudTrail records from one input (a file, stdin, an S3 object body), whatever its shape:
 * log files (`{"Records":[...]}`), JSON arrays, JSON Lines, single records, EventBridge events
 * carrying a record, gzipped or not (told by the magic bytes, not the name). `vigil replay` and the
 * scorer's bulk path both read through here.
 *
 * Memory stays flat whatever the input size: records stream out as the bytes come in (see
 * ./json-splitter.ts). A record that cannot be read becomes an `error` item naming its file and
 * position, and reading goes on with the next one; a truncated or corrupt input ends with one
 * `error` item, never a throw.
 */
import { Buffer } from 'node:buffer';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { CloudTrailRecord } from '../core/cloudtrail.ts';
import type { EventOrigin } from '../core/event.ts';
import { JsonSplitter, type SplitPiece } from './json-splitter.ts';

/** One thing read from an input: a record, a part that could not be read, or a part that holds no events. */
export type ReadItem =
  | { kind: 'record'; record: CloudTrailRecord; origin: EventOrigin }
  | {
      kind: 'error';
      origin: EventOrigin;
      message: string;
      /**
       * Set when the input stream itself failed (an I/O error such as a dropped S3 connection, not
       * bad data): the rest of the input was not read, and reading it again may succeed.
       */
      readFailed?: true;
    }
  | { kind: 'skipped'; origin: EventOrigin; reason: string };

/** Reader limits. */
export interface ReadOptions {
  /** @default 64 MiB - a longer record or line is reported as an error and skipped, never buffered */
  readonly maxRecordBytes?: number;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const GUNZIP_CHUNK_BYTES = 64 * 1024;
const MAX_MESSAGE_CHARS = 300;
const V8_LINE_COLUMN = / \(line \d+ column \d+\)/;

/**
 * Reads every record of `input`, in input order. `name` (a path, an S3 URI, `-` for stdin) is the
 * `file` of each item's origin. Never throws for bad input; read failures end the items with one error.
 */
export async function* readRecords(
  input: NodeJS.ReadableStream | Readable,
  name: string,
  options: ReadOptions = {},
): AsyncGenerator<ReadItem> {
  const max = options.maxRecordBytes;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new RangeError(`maxRecordBytes must be a positive integer, got ${max}`);
  }
  const splitter = new JsonSplitter({ maxUnitBytes: max });
  const pieces: SplitPiece[] = [];
  const items: ReadItem[] = [];
  const chunks = decompressedChunks(input);
  let readError: string | undefined;
  let readFailed = false;
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        readError = describeReadError(error);
        readFailed = !isGzipDataError(error);
        break;
      }
      if (next.done) break;
      splitter.push(next.value, pieces);
      if (pieces.length === 0) continue;
      toItems(pieces, name, items);
      pieces.length = 0;
      for (const item of items) yield item;
      items.length = 0;
    }
    finished = true;
  } finally {
    if (!finished) await chunks.return(undefined);
  }
  splitter.end(pieces, readError);
  toItems(pieces, name, items);
  for (const item of items) yield readFailed && item.kind === 'error' ? { ...item, readFailed } : item;
  if (!splitter.sawContent && readError === undefined) {
    yield { kind: 'skipped', origin: { file: name, position: 'line 1' }, reason: 'empty input: no JSON value' };
  }
}

/** The input's bytes, gunzipped when they start with the gzip magic number. */
async function* decompressedChunks(input: NodeJS.ReadableStream | Readable): AsyncGenerator<Buffer> {
  const source = (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  let returned = false;
  const closeSource = async (): Promise<void> => {
    if (returned) return;
    returned = true;
    await source.return?.();
  };
  try {
    let head: Buffer = Buffer.alloc(0);
    while (head.length < 2) {
      const next = await source.next();
      if (next.done) break;
      const chunk = toBuffer(next.value);
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    }
    if (head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
      const feed = Readable.from(rest(head, source, closeSource), { objectMode: false });
      const gunzip = pipeline(feed, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), () => {});
      for await (const chunk of gunzip) yield chunk as Buffer;
      return;
    }
    if (head.length > 0) yield head;
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      yield toBuffer(next.value);
    }
  } finally {
    await closeSource();
  }
}

async function* rest(head: Buffer, source: AsyncIterator<unknown>, close: () => Promise<void>): AsyncGenerator<Buffer> {
  try {
    yield head;
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      yield toBuffer(next.value);
    }
  } finally {
    await close();
  }
}

const toBuffer = (chunk: unknown): Buffer => {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`expected the input stream to yield bytes or strings, got ${typeof chunk}`);
};

/** zlib's errors (`Z_BUF_ERROR`, `Z_DATA_ERROR`, ...) mean the gzip data is cut or corrupt. */
const isGzipDataError = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
};

const describeReadError = (error: unknown): string => {
  if (!(error instanceof Error)) return oneLine(String(error));
  return oneLine(isGzipDataError(error) ? `gzip: ${error.message}` : error.message);
};

const oneLine = (message: string): string => {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 3)}...` : line;
};

/** Parses and classifies the pieces, appending items. */
function toItems(pieces: readonly SplitPiece[], file: string, items: ReadItem[]): void {
  for (const piece of pieces) {
    if (piece.kind === 'error') {
      items.push({ kind: 'error', origin: { file, position: piece.position }, message: piece.message });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(piece.text);
    } catch (error) {
      // V8 adds where in the text the problem is; the origin already says where the text is.
      const reason = (error instanceof Error ? error.message : String(error)).replace(V8_LINE_COLUMN, '');
      const message = `not valid JSON: ${reason}`;
      items.push({ kind: 'error', origin: { file, position: piece.position }, message: oneLine(message) });
      continue;
    }
    if (piece.kind === 'value' && Array.isArray(value)) {
      value.forEach((element, index) => {
        classify(element, { file, position: `${piece.position}, record ${index}` }, items);
      });
    } else {
      classify(value, { file, position: piece.position }, items);
    }
  }
}

/**
 * Where an EventBridge event carries a CloudTrail record: every CloudTrail detail type ends so
 * ("AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", "AWS Service Event via
 * CloudTrail", "AWS Insight via CloudTrail", ...).
 */
const CLOUDTRAIL_DETAIL_TYPE = /via CloudTrail$/;

/** Sorts one parsed value into a record, an error or a skip. */
function classify(value: unknown, origin: EventOrigin, items: ReadItem[]): void {
  if (!isObject(value)) {
    items.push({
      kind: 'error',
      origin,
      message: `expected a CloudTrail record (a JSON object), found ${describeType(value)}`,
    });
    return;
  }
  if ('Records' in value) {
    const records = value.Records;
    if (!Array.isArray(records)) {
      items.push({
        kind: 'error',
        origin,
        message: `expected "Records" to be an array, found ${describeType(records)}`,
      });
      return;
    }
    records.forEach((record, index) => {
      classify(record, { file: origin.file, position: `${origin.position}, record ${index}` }, items);
    });
    return;
  }
  const detailType = value['detail-type'];
  if (typeof detailType === 'string' && 'detail' in value) {
    const detail = value.detail;
    if (!CLOUDTRAIL_DETAIL_TYPE.test(detailType)) {
      items.push({ kind: 'skipped', origin, reason: `EventBridge event "${detailType}" carries no CloudTrail record` });
    } else if (!isObject(detail)) {
      items.push({
        kind: 'error',
        origin,
        message: `expected the "detail" of EventBridge event "${detailType}" to be a CloudTrail record (a JSON object), found ${describeType(detail)}`,
      });
    } else {
      items.push({ kind: 'record', record: detail as CloudTrailRecord, origin });
    }
    return;
  }
  if ('digestStartTime' in value && 'digestEndTime' in value && !('eventName' in value)) {
    items.push({ kind: 'skipped', origin, reason: 'CloudTrail digest file (log file integrity), holds no events' });
    return;
  }
  items.push({ kind: 'record', record: value as CloudTrailRecord, origin });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describeType = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
};
