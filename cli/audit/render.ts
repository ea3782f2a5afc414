/**
 * How audit records are shown to a person (a table, one line a record) and written for
 * machines (JSON Lines that can be checked against their hashes). Record fields quote
 * attacker-chosen text, so everything shown on a terminal is stripped of control and
 * bidirectional-override characters first.
 */
import { once } from 'node:events';
import type { AuditRecord } from '../../lambdas/core/audit/record.ts';

/** Writes `text`, waiting for the stream to drain when it asks, so output of any size streams in bounded memory. */
export const writeOut = async (out: NodeJS.WritableStream, text: string): Promise<void> => {
  if (!out.write(text)) await once(out, 'drain');
};

// C0 and C1 controls (tab and newline included: a record is one line) and the bidi controls that can reorder a line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text safe to print on a terminal: control characters shown as `\u{…}` escapes. */
export const safeText = (text: string): string =>
  text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`);

/** ISO-8601 to the second: what the table shows. */
export const shortTime = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

/** The JSON Lines form of a record: its id, its hashed content as stored, its hash. */
export const recordLine = (record: AuditRecord): string => {
  const { id, hash, ...content } = record;
  return `${JSON.stringify({ id, ...content, hash })}\n`;
};

const compact = (value: unknown, max = 80): string => {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

const dataField = (record: AuditRecord, field: string): unknown => record.data?.[field];

const cloudTrailCount = (record: AuditRecord): string => {
  const records = dataField(record, 'records');
  if (!Array.isArray(records)) return '';
  return ` (${records.length} CloudTrail record${records.length === 1 ? '' : 's'})`;
};

/** One line saying what a record is about, by type. */
export const summarise = (record: AuditRecord): string => {
  const finding = dataField(record, 'finding') as { title?: unknown } | undefined;
  const title = typeof finding?.title === 'string' ? `: ${finding.title}` : '';
  const result = record.result === undefined ? '' : `: ${record.result}`;
  switch (record.type) {
    case 'finding':
      return `${record.severity ?? '?'} ${record.detector ?? '?'}${title}${cloudTrailCount(record)}`;
    case 'finding-suppressed':
      return `suppressed by ${String(dataField(record, 'suppression') ?? '?')}: ${record.detector ?? '?'}${title}`;
    case 'finding-updated':
      return `severity now ${record.severity ?? '?'}: ${record.detector ?? '?'}${title}`;
    case 'case-opened': {
      const mode = dataField(record, 'mode');
      const about = [record.severity, typeof mode === 'string' ? `mode ${mode}` : undefined].filter(Boolean).join(', ');
      return `case opened for finding ${record.findingId ?? '?'}${about === '' ? '' : ` (${about})`}`;
    }
    case 'decision': {
      const reasons = dataField(record, 'reasons');
      const why = Array.isArray(reasons)
        ? reasons.map(String).join('; ')
        : record.data === undefined
          ? ''
          : compact(record.data);
      return `decided ${record.result ?? '?'}${why === '' ? '' : `: ${why}`}`;
    }
    case 'approval':
      return `approved by ${record.actor}`;
    case 'denial':
      return `denied by ${record.actor}`;
    case 'action': {
      const action = dataField(record, 'action');
      const change =
        record.before === undefined && record.after === undefined
          ? ''
          : ` (${compact(record.before, 40)} -> ${compact(record.after, 40)})`;
      return `${typeof action === 'string' ? action : 'action'} on ${record.target ?? '?'}${result}${change}`;
    }
    case 'notification': {
      const subject = dataField(record, 'subject');
      return `notified ${record.target ?? '?'}${result}${typeof subject === 'string' ? ` (${subject})` : ''}`;
    }
    case 'case-closed':
      return `case closed${result}`;
    case 'config-change':
      return `${record.actor} changed ${record.target ?? 'the configuration'}${result}`;
  }
};

const COLUMNS = [
  { title: 'TIME', width: 20 },
  { title: 'TYPE', width: 18 },
  { title: 'PRINCIPAL', width: 30 },
  { title: 'CASE', width: 20 },
  { title: 'WHAT', width: 0 },
] as const;

const row = (cells: readonly string[]): string =>
  `${cells
    .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(COLUMNS[i]?.width ?? 0)))
    .join('  ')
    .trimEnd()}\n`;

/** The header of the table. */
export const tableHeader = (): string => row(COLUMNS.map((c) => c.title));

/** One record as a table row; long values widen their column rather than being cut. */
export const tableRow = (record: AuditRecord): string =>
  row(
    [shortTime(record.at), record.type, record.principalKey ?? '-', record.caseId ?? '-', summarise(record)].map(
      safeText,
    ),
  );
