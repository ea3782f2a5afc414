/**
 * `vigil audit export`: every audit record of a time range, oldest first, streamed to a file as
 * CSV (for spreadsheets) or JSON Lines (for tools).
 *
 * A JSON Lines export can be checked without the table: each line is `{id, ...content, hash}`,
 * and `hash` is the SHA-256 of the canonical JSON (keys sorted, no whitespace) of the line
 * without `id` and `hash`; `prev` is the hash of the record before it in its chain.
 *
 * The file is written under a temporary name and renamed when complete, so a file with the
 * export's name is always a whole export.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { csvRow } from '../../lambdas/core/audit/csv.ts';
import type { AuditRecord } from '../../lambdas/core/audit/record.ts';
import { parseTimeRange } from '../../lambdas/core/audit/time-range.ts';
import { UsageError } from '../errors.ts';
import { type AuditDeps, asUsage, nowOf, readerOf } from './deps.ts';
import { recordLine, shortTime, writeOut } from './render.ts';

/** Options of `vigil audit export`. */
export interface AuditExportOptions {
  /** ISO date or date-time, a month (`2026-06`), or a time ago (`30d`); inclusive. */
  readonly since: string;
  /** As `since`; exclusive. @default - now */
  readonly until?: string;
  readonly format: 'csv' | 'jsonl';
  /** File to write; replaced if it exists. */
  readonly out: string;
}

/** What an export wrote. */
export interface AuditExportResult {
  readonly records: number;
  readonly path: string;
  readonly bytes: number;
  /** SHA-256 of the file, for the auditor's notes. */
  readonly sha256: string;
}

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  'id',
  'at',
  'recorded_at',
  'type',
  'actor',
  'principal',
  'case',
  'finding',
  'detector',
  'severity',
  'target',
  'result',
  'execution',
  'before',
  'after',
  'data',
  'chain',
  'seq',
  'prev',
  'hash',
] as const;

/** Spreadsheets hold at most 32,767 characters a cell; longer JSON is cut and says so. */
export const MAX_CSV_JSON = 32_000;

const json = (value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length > MAX_CSV_JSON
    ? `${text.slice(0, MAX_CSV_JSON)}… (cut at ${MAX_CSV_JSON} characters; the JSON Lines export has it whole)`
    : text;
};

/** One record as a CSV row. */
export const csvRecord = (r: AuditRecord): string =>
  csvRow([
    r.id,
    r.at,
    r.recordedAt,
    r.type,
    r.actor,
    r.principalKey,
    r.caseId,
    r.findingId,
    r.detector,
    r.severity,
    r.target,
    r.result,
    r.executionId,
    json(r.before),
    json(r.after),
    json(r.data),
    r.chain,
    r.seq,
    r.prev,
    r.hash,
  ]);

/**
 * Streams the records of `[since, until)` to `opts.out` and tells `log` what was written.
 * Throws UsageError for a bad time or format.
 */
export const auditExport = async (
  opts: AuditExportOptions,
  deps: AuditDeps,
  log: NodeJS.WritableStream,
): Promise<AuditExportResult> => {
  if (opts.format !== 'csv' && opts.format !== 'jsonl') {
    throw new UsageError(`--format ${JSON.stringify(opts.format)} is not an export format; expected csv or jsonl`);
  }
  const now = nowOf(deps);
  const range = asUsage(() => parseTimeRange(opts.since, opts.until ?? 'now', now));
  const since = range.since as number;
  const until = range.until as number;
  const partial = `${opts.out}.partial`;
  const handle = await open(partial, 'w').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `--out ${opts.out} cannot be written (${error.code ?? error.message}); expected a file in an existing folder`,
    );
  });
  const file = handle.createWriteStream();
  let failure: Error | undefined;
  // Kept, not thrown from an event: a full disk fails the export at the next write, cleanly.
  file.on('error', (error) => {
    failure = error;
  });
  const hash = createHash('sha256');
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    if (failure !== undefined) throw failure;
    hash.update(text);
    bytes += Buffer.byteLength(text);
    await writeOut(file, text);
  };
  let records = 0;
  try {
    if (opts.format === 'csv') await write(csvRow(CSV_COLUMNS));
    for await (const record of readerOf(deps).query({ since, until })) {
      await write(opts.format === 'csv' ? csvRecord(record) : recordLine(record));
      records += 1;
    }
    file.end();
    await finished(file);
    await rename(partial, opts.out);
  } catch (error) {
    file.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  const sha256 = hash.digest('hex');
  await writeOut(
    log,
    `exported ${records} record${records === 1 ? '' : 's'} from ${shortTime(new Date(since).toISOString())} to ${shortTime(new Date(until).toISOString())} to ${opts.out} (${opts.format}, ${bytes} bytes, sha256 ${sha256})\n`,
  );
  return { records, path: opts.out, bytes, sha256 };
};
