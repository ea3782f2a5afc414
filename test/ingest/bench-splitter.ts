/**
 * Throughput of the ingest splitter against JSON.parse of the whole file, on a generated CloudTrail
 * log file (~50 MB by default) and the same records as JSON Lines. Not a test: run with
 * `node --expose-gc --import tsx test/ingest/bench-splitter.ts [MB]`. The variants run interleaved,
 * so load from other processes hits them alike; each line is the median of the runs.
 */
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { JsonSplitter, type SplitPiece } from '../../lambdas/ingest/json-splitter.ts';
import { readRecords } from '../../lambdas/ingest/read-records.ts';
import { sampleRecord } from './sample-records.ts';

const targetMb = Number(process.argv[2] ?? 50);
const RUNS = 7;
const CHUNK = 64 * 1024;

const texts: string[] = [];
let bytes = 0;
while (bytes < targetMb * 1e6) {
  const text = JSON.stringify(sampleRecord(texts.length));
  texts.push(text);
  bytes += Buffer.byteLength(text) + 1;
}
const recordsFile = Buffer.from(`{"Records":[${texts.join(',')}]}`);
const jsonLines = Buffer.from(`${texts.join('\n')}\n`);
const gzipped = gzipSync(recordsFile);
const count = texts.length;

const chunksOf = (buffer: Buffer): Buffer[] => {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += CHUNK) chunks.push(buffer.subarray(offset, offset + CHUNK));
  return chunks;
};

const splitAndParse = (input: Buffer): number => {
  const splitter = new JsonSplitter();
  const pieces: SplitPiece[] = [];
  let seen = 0;
  const take = (): void => {
    for (const piece of pieces) {
      if (piece.kind !== 'error' && JSON.parse(piece.text) !== null) seen++;
    }
    pieces.length = 0;
  };
  for (const chunk of chunksOf(input)) {
    splitter.push(chunk, pieces);
    take();
  }
  splitter.end(pieces);
  take();
  return seen;
};

const readAll = async (input: Buffer): Promise<number> => {
  let seen = 0;
  for await (const item of readRecords(Readable.from(chunksOf(input)), 'bench')) if (item.kind === 'record') seen++;
  return seen;
};

interface Variant {
  readonly label: string;
  readonly size: number;
  readonly run: () => number | Promise<number>;
  readonly seconds: number[];
}

const variants: Variant[] = [
  {
    label: 'JSON.parse(whole file as string)',
    size: recordsFile.length,
    run: () => (JSON.parse(recordsFile.toString('utf8')) as { Records: unknown[] }).Records.length,
    seconds: [],
  },
  {
    label: 'JSON.parse of each record, already split',
    size: recordsFile.length,
    run: () => texts.filter((text) => JSON.parse(text) !== null).length,
    seconds: [],
  },
  {
    label: 'splitter + JSON.parse per record',
    size: recordsFile.length,
    run: () => splitAndParse(recordsFile),
    seconds: [],
  },
  { label: 'readRecords, log file', size: recordsFile.length, run: () => readAll(recordsFile), seconds: [] },
  { label: 'readRecords, JSON Lines', size: jsonLines.length, run: () => readAll(jsonLines), seconds: [] },
  {
    label: 'readRecords, gzipped log file (uncompressed MB)',
    size: recordsFile.length,
    run: () => readAll(gzipped),
    seconds: [],
  },
];

console.log(
  `${(recordsFile.length / 1e6).toFixed(1)} MB log file, ${count} records, ${CHUNK / 1024} KiB chunks, node ${process.version}, ${RUNS} runs`,
);
for (let r = 0; r < RUNS; r++) {
  for (const variant of variants) {
    const start = performance.now();
    const seen = await variant.run();
    variant.seconds.push((performance.now() - start) / 1000);
    if (seen !== count) throw new Error(`${variant.label}: expected ${count} records, got ${seen}`);
  }
}
const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const rates = variants.map((variant) => variant.size / 1e6 / median(variant.seconds));
variants.forEach((variant, k) => {
  const mbs = rates[k] ?? Number.NaN;
  const perSecond = (count / median(variant.seconds) / 1000).toFixed(0);
  const share = `${((mbs / (rates[0] ?? Number.NaN)) * 100).toFixed(0)}% of JSON.parse`;
  console.log(
    `${variant.label.padEnd(48)} ${mbs.toFixed(0).padStart(5)} MB/s ${perSecond.padStart(6)}k records/s  ${share}`,
  );
});

// Memory: stream the file once more, collecting garbage as it goes; what stays must not grow with the file.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.log('heap: run with `node --expose-gc --import tsx` to measure');
} else {
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let seen = 0;
  for await (const item of readRecords(Readable.from(chunksOf(recordsFile)), 'bench')) {
    if (item.kind === 'record' && ++seen % 2000 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  const mb = (recordsFile.length / 1e6).toFixed(0);
  console.log(`live heap while streaming the ${mb} MB file: +${((peak - before) / 1e6).toFixed(2)} MB at most`);
}
