/**
 * The audit table: every finding, decision, approval, action and notification Vigil records,
 * kept for good (no TTL), in hash chains that `vigil audit verify` checks. The chain design is
 * written down in `dynamo-audit-log.ts`.
 *
 * | item            | pk               | sk                        | indexed |
 * |-----------------|------------------|---------------------------|---------|
 * | audit record    | `C#<chainId>`    | sequence, 12 digits       | yes     |
 * | anchor          | `A`              | sequence, 12 digits       | no      |
 * | chain registry  | `R`              | `<chainId>`               | no      |
 *
 * A chain's records sit in one partition in sequence order, so verifying a chain is one paged
 * Query. The six indexes answer the auditors' questions; each is sorted by `at` (epoch ms of
 * what happened) and is sparse: a record carries an index's partition attribute only when it has
 * that property. They project keys only: records are written far more often than audited, a
 * keys-only index entry costs one write unit where a full copy of a finding with its CloudTrail
 * records costs several, and a query reads the records it found with BatchGetItem.
 *
 * | index         | partition key   | sort key | answers                                        |
 * |---------------|-----------------|----------|------------------------------------------------|
 * | `byPrincipal` | `principalKey`  | `at`     | what Vigil saw and did about this person        |
 * | `byDay`       | `day` (UTC)     | `at`     | everything, across the organisation, by time    |
 * | `byCase`      | `caseId`        | `at`     | a case from opening to closing                  |
 * | `byDetector`  | `detector`      | `at`     | what one detector found                         |
 * | `byActor`     | `actorKey`      | `at`     | what an approver or playbook did (not findings) |
 * | `byFinding`   | `findingId`     | `at`     | a finding's history and the cases it opened     |
 *
 * `actorKey` is the record's actor on every type but the finding types, whose actor is always
 * the scorer: indexing those would pile every finding into one index partition for nothing.
 * `byDay` takes every record of a day in one partition; at one write unit an index entry that is
 * about a thousand records a second across the organisation, far above what findings and actions
 * reach.
 */
import type { IndexDefinition, TableDefinition } from './table-definition.ts';

/** Index names of the audit table. */
export const AUDIT_INDEX = {
  principal: 'byPrincipal',
  day: 'byDay',
  case: 'byCase',
  detector: 'byDetector',
  actor: 'byActor',
  finding: 'byFinding',
} as const;

/** An audit table index name. */
export type AuditIndexName = (typeof AUDIT_INDEX)[keyof typeof AUDIT_INDEX];

/** The attribute each index is partitioned on. */
export const AUDIT_INDEX_PARTITION: Readonly<Record<AuditIndexName, string>> = {
  byPrincipal: 'principalKey',
  byDay: 'day',
  byCase: 'caseId',
  byDetector: 'detector',
  byActor: 'actorKey',
  byFinding: 'findingId',
};

const index = (indexName: AuditIndexName): IndexDefinition => ({
  indexName,
  partitionKey: { name: AUDIT_INDEX_PARTITION[indexName], type: 'S' },
  sortKey: { name: 'at', type: 'N' },
  projection: 'KEYS_ONLY',
});

/** The audit table: hash-chained records, anchors and the chain registry. No TTL: findings and actions are kept. */
export const AUDIT_TABLE: TableDefinition = {
  id: 'Audit',
  localName: 'vigil-audit',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: Object.values(AUDIT_INDEX).map(index),
};

/** Partition keys and prefixes of the audit table's item kinds. */
export const AUDIT_PK = {
  /** Prefix of a chain's partition: `C#<chainId>`. */
  chainPrefix: 'C#',
  /** The anchor chain's partition. */
  anchors: 'A',
  /** The chain registry's partition. */
  registry: 'R',
} as const;

/** The partition key of a chain's records. */
export const chainPartition = (chainId: string): string => `${AUDIT_PK.chainPrefix}${chainId}`;
