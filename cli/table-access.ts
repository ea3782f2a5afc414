/**
 * Where the auditor's and responder's commands read: the local store (`--store DIR`, the
 * default) or Vigil's tables in AWS (`--table NAME`, the usual credential chain, `--region`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

/** Flags every table-reading command takes. */
export interface TableFlags {
  readonly store: string;
  readonly table?: string;
  readonly region?: string;
}

/** An opened table: the document client and the table name, and how to let go of them. */
export interface OpenedTable {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The state table beside it (local store only; in AWS, named by `--state-table`). */
  readonly stateTableName: string | null;
  readonly local: boolean;
  close(): Promise<void>;
}

/** Adds `--store`, `--table` and `--region` to a command. */
export const withTableFlags = (command: Command, what: string): Command =>
  command
    .option('--store <dir>', 'local store folder written by vigil replay or vigil demo', '.vigil/')
    .option('--table <name>', `the deployed ${what} table in AWS (uses the usual AWS credentials)`)
    .option('--region <region>', 'AWS region of --table (default: the AWS_REGION of your environment)');

/** Opens the audit table named by the flags. */
export const openAuditTable = async (flags: TableFlags): Promise<OpenedTable> => {
  if (flags.table !== undefined) {
    const [{ DynamoDBClient }, { createDocumentClient }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../lambdas/adapters/document-client.ts'),
    ]);
    const client = new DynamoDBClient(flags.region ? { region: flags.region } : {});
    return {
      doc: createDocumentClient(client),
      tableName: flags.table,
      stateTableName: null,
      local: false,
      async close() {
        client.destroy();
      },
    };
  }
  const [{ startLocalDynamo, STORE_MARKER }, { AUDIT_TABLE, STATE_TABLE }] = await Promise.all([
    import('../lambdas/adapters/local-dynamo.ts'),
    import('../lambdas/adapters/tables.ts'),
  ]);
  if (!existsSync(join(flags.store, STORE_MARKER))) {
    throw new UsageError(
      `${flags.store} is not a Vigil store yet: run vigil replay or vigil demo first, or pass --store DIR or --table NAME`,
    );
  }
  const dynamo = await startLocalDynamo({ dir: flags.store });
  return {
    doc: dynamo.doc,
    tableName: AUDIT_TABLE.localName,
    stateTableName: STATE_TABLE.localName,
    local: true,
    close: () => dynamo.close(),
  };
};
