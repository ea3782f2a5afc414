/** Stream helpers for the ingest tests: inputs cut into chosen chunks, and what a reader yields, flattened. */
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { type ReadItem, type ReadOptions, readRecords } from '../../lambdas/ingest/read-records.ts';

/** What a reader yielded, in a shape tests compare with `toEqual`. */
export type Seen =
  | { record: unknown; at: string }
  | { error: string; at: string; readFailed?: true }
  | { skipped: string; at: string };

/** `input` cut into chunks of `size` bytes (the last may be shorter). */
export const chunked = (input: Buffer | string, size: number): Buffer[] => {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
};

/** A small deterministic generator (mulberry32), so random chunkings can be replayed from their seed. */
export const randomSource = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** `input` cut at random places into chunks of 1 to `max` bytes. */
export const randomlyChunked = (input: Buffer | string, seed: number, max: number): Buffer[] => {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const random = randomSource(seed);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const size = 1 + Math.floor(random() * max);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
};

/** A readable stream of the given chunks. */
export const streamOf = (chunks: readonly (Buffer | string)[]): Readable =>
  Readable.from(chunks, { objectMode: false });

/** Flattens one item. */
export const seen = (item: ReadItem): Seen => {
  if (item.kind === 'record') return { record: item.record, at: item.origin.position };
  if (item.kind === 'error') {
    return item.readFailed
      ? { error: item.message, at: item.origin.position, readFailed: true }
      : { error: item.message, at: item.origin.position };
  }
  return { skipped: item.reason, at: item.origin.position };
};

/** Everything `readRecords` yields for `input`, flattened; also checks each origin names the file. */
export const readAll = async (
  input: Buffer | string | readonly (Buffer | string)[] | Readable,
  options: ReadOptions = {},
  name = 'input.json',
): Promise<Seen[]> => {
  const stream =
    input instanceof Readable ? input : streamOf(typeof input === 'string' || Buffer.isBuffer(input) ? [input] : input);
  const items: Seen[] = [];
  for await (const item of readRecords(stream, name, options)) {
    if (item.origin.file !== name) throw new Error(`origin file ${item.origin.file}, expected ${name}`);
    items.push(seen(item));
  }
  return items;
};

/** `records` as a reader reports them: each at `record N`, or at what `at` gives. */
export const asSeen = (records: readonly unknown[], at: (index: number) => string = (i) => `record ${i}`): Seen[] =>
  records.map((record, index) => ({ record, at: at(index) }));
