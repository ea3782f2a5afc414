/**
 * `vigil audit query`: the audit records that match, oldest first, as a table or as JSON Lines,
 * streamed page by page.
 */

import type { AuditFilter } from '../../lambdas/adapters/audit-reader.ts';
import { AUDIT_RECORD_TYPES, isAuditRecordType } from '../../lambdas/core/audit/record.ts';
import { parseTimeRange } from '../../lambdas/core/audit/time-range.ts';
import { UsageError } from '../errors.ts';
import { type AuditDeps, asUsage, nowOf, readerOf } from './deps.ts';
import { recordLine, shortTime, tableHeader, tableRow, writeOut } from './render.ts';

/** Options of `vigil audit query`. */
export interface AuditQueryOptions {
  /** Principal key, as findings carry it (`user:123456789012:alice`). */
  readonly principal?: string;
  readonly caseId?: string;
  readonly findingId?: string;
  readonly detector?: string;
  /** Who acted: an approver's ARN, `vigil:playbook`. Finding records are not searched by actor. */
  readonly actor?: string;
  /** A record type: finding, finding-suppressed, case-opened, decision, approval, denial, action, ... */
  readonly type?: string;
  /** ISO date or date-time, a month, or a time ago (`7d`); inclusive. */
  readonly since?: string;
  /** As `since`; exclusive. */
  readonly until?: string;
  /** @default - every match */
  readonly limit?: number;
  readonly format: 'table' | 'jsonl';
}

/** How far back a query that names no principal, case, finding, detector or actor reads by default. */
export const DEFAULT_QUERY_DAYS = 7;

/** What a query printed. */
export interface AuditQueryResult {
  readonly records: number;
  /** True when `limit` stopped the query with more records matching. */
  readonly truncated: boolean;
}

/**
 * Writes the records matching `opts` to `out`. With no principal, case, finding, detector or
 * actor it reads by day, from `since` (default 7 days ago) to `until` (default now). Throws
 * UsageError for a bad type, time or limit.
 */
export const auditQuery = async (
  opts: AuditQueryOptions,
  deps: AuditDeps,
  out: NodeJS.WritableStream,
): Promise<AuditQueryResult> => {
  if (opts.type !== undefined && !isAuditRecordType(opts.type)) {
    throw new UsageError(
      `--type ${JSON.stringify(opts.type)} is not a record type; expected one of ${AUDIT_RECORD_TYPES.join(', ')}`,
    );
  }
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) {
    throw new UsageError(`--limit ${JSON.stringify(opts.limit)} is not a count; expected a whole number from 1`);
  }
  const now = nowOf(deps);
  const range = asUsage(() => parseTimeRange(opts.since, opts.until, now));
  const filter: AuditFilter = {
    ...(opts.principal === undefined ? {} : { principalKey: opts.principal }),
    ...(opts.caseId === undefined ? {} : { caseId: opts.caseId }),
    ...(opts.findingId === undefined ? {} : { findingId: opts.findingId }),
    ...(opts.detector === undefined ? {} : { detector: opts.detector }),
    ...(opts.actor === undefined ? {} : { actor: opts.actor }),
    ...(opts.type === undefined ? {} : { type: opts.type }),
    ...range,
  };
  const byDay = [filter.principalKey, filter.caseId, filter.findingId, filter.detector, filter.actor].every(
    (v) => v === undefined,
  );
  const until = range.until ?? now + 1;
  const since = range.since ?? until - DEFAULT_QUERY_DAYS * 86_400_000;
  const read = byDay ? { ...filter, since, until } : filter;

  if (opts.format === 'table') await writeOut(out, tableHeader());
  let records = 0;
  let truncated = false;
  for await (const record of readerOf(deps).query(read)) {
    if (opts.limit !== undefined && records >= opts.limit) {
      truncated = true;
      break;
    }
    await writeOut(out, opts.format === 'table' ? tableRow(record) : recordLine(record));
    records += 1;
  }
  if (opts.format === 'table') {
    const more = truncated ? '; more match (raise --limit or narrow --since/--until)' : '';
    const span = byDay
      ? ` from ${shortTime(new Date(since).toISOString())} to ${shortTime(new Date(until).toISOString())}`
      : '';
    await writeOut(out, `${records} record${records === 1 ? '' : 's'}${span}${more}\n`);
  }
  return { records, truncated };
};
