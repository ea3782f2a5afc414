/** What the auditor's commands are given: the table and how to tell the time. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditReader } from '../../lambdas/adapters/audit-reader.ts';
import { TimeValueError } from '../../lambdas/core/audit/time-range.ts';
import { UsageError } from '../errors.ts';

/** The audit table to read: the local store's (`--store`) or a deployed one (`--table NAME`). */
export interface AuditDeps {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default Date.now - the time relative forms (`7d`) count back from */
  readonly now?: () => number;
  /** Where warnings go (records that cannot be read). @default - standard error */
  readonly warn?: (message: string) => void;
  /** @default 100 - records read a page */
  readonly pageSize?: number;
}

/** The reader over `deps`' table, warning about records it skips. */
export const readerOf = (deps: AuditDeps): DynamoAuditReader =>
  new DynamoAuditReader(deps.doc, deps.tableName, {
    ...(deps.pageSize === undefined ? {} : { pageSize: deps.pageSize }),
    onSkipped: (key, reason) => warnOf(deps)(`skipped audit item ${key}: ${reason} (run vigil audit verify)`),
  });

/** The warning sink of `deps`. */
export const warnOf =
  (deps: AuditDeps): ((message: string) => void) =>
  (message) =>
    deps.warn === undefined ? process.stderr.write(`vigil: warning: ${message}\n`) : deps.warn(message);

/** The current time of `deps`. */
export const nowOf = (deps: AuditDeps): number => (deps.now ?? Date.now)();

/** Runs `parse`, turning a bad time into the CLI's usage error (exit status 2). */
export const asUsage = <T>(parse: () => T): T => {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TimeValueError) throw new UsageError(error.message);
    throw error;
  }
};
