/**
 * Reads the audit table for the auditors' tools: records by principal, case, finding, detector,
 * actor or day, oldest first, a page at a time; and the raw chains and anchors for verify.
 * Nothing is loaded whole: every method is an async generator over DynamoDB pages.
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { ANCHOR_CHAIN, type AuditRecord } from '../core/audit/record.ts';
import { daysOf } from '../core/audit/time-range.ts';
import type { ChainItem } from '../core/audit/verify.ts';
import type { AuditRecordType } from '../core/ports.ts';
import { toAuditRecord, toChainItem } from './audit-item.ts';
import { AUDIT_INDEX, AUDIT_INDEX_PARTITION, AUDIT_PK, type AuditIndexName, chainPartition } from './audit-table.ts';
import { batchGetItems, newDynamoMetrics } from './dynamo-items.ts';

/** What to read. Every field set must match; `since` is inclusive, `until` exclusive (epoch ms of `at`). */
export interface AuditFilter {
  readonly principalKey?: string;
  readonly caseId?: string;
  readonly findingId?: string;
  readonly detector?: string;
  /** The approver, person or playbook that acted (finding types are not indexed by actor). */
  readonly actor?: string;
  readonly type?: AuditRecordType;
  readonly since?: number;
  readonly until?: number;
}

/** A chain as registered by the writer that opened it. */
export interface ChainRegistration {
  readonly chain: string;
  readonly writer: string;
  readonly startedAt: string;
}

/** A read without an index partition to read (no principal, case, finding, detector or actor) needs both ends. */
export class AuditRangeError extends Error {
  override readonly name = 'AuditRangeError';
}

/** Options of a DynamoAuditReader. */
export interface DynamoAuditReaderOptions {
  /** @default 100 - index entries a page (BatchGetItem reads up to 100 keys) */
  readonly pageSize?: number;
  /** Told about items that cannot be read as records (tampered bodies); they are skipped. @default - ignored */
  readonly onSkipped?: (key: string, reason: string) => void;
}

/** The index a filter is best read from, in order of how narrow each usually is. */
const INDEX_ORDER: readonly [keyof AuditFilter, AuditIndexName][] = [
  ['caseId', AUDIT_INDEX.case],
  ['findingId', AUDIT_INDEX.finding],
  ['principalKey', AUDIT_INDEX.principal],
  ['detector', AUDIT_INDEX.detector],
  ['actor', AUDIT_INDEX.actor],
];

/** Reads the audit table. */
export class DynamoAuditReader {
  private readonly pageSize: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoAuditReaderOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 100;
  }

  /**
   * Records matching `filter`, oldest first (by `at`), read page by page from the narrowest
   * index the filter names. With none named, reads the days from `since` to `until`, which must
   * then both be set (AuditRangeError otherwise).
   */
  async *query(filter: AuditFilter): AsyncGenerator<AuditRecord> {
    const chosen = INDEX_ORDER.find(([field]) => filter[field] !== undefined);
    if (chosen !== undefined) {
      const [field, indexName] = chosen;
      yield* this.readIndex(indexName, String(filter[field]), filter);
      return;
    }
    if (filter.since === undefined || filter.until === undefined) {
      throw new AuditRangeError(
        'reading records by day needs both since and until; expected a time range, or a principal, case, finding, detector or actor',
      );
    }
    for (const day of daysOf(filter.since, filter.until)) yield* this.readIndex(AUDIT_INDEX.day, day, filter);
  }

  /** The registered chains, in chain id order. */
  async *chains(): AsyncGenerator<ChainRegistration> {
    for await (const item of this.pages({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': AUDIT_PK.registry },
    })) {
      yield { chain: String(item.sk), writer: String(item.writer), startedAt: String(item.startedAt) };
    }
  }

  /** A chain's items in key order, strongly consistent so a just-anchored record is never missed. */
  async *chainItems(chain: string): AsyncGenerator<ChainItem> {
    const partition = chain === ANCHOR_CHAIN ? AUDIT_PK.anchors : chainPartition(chain);
    for await (const item of this.pages({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ConsistentRead: true,
    })) {
      yield toChainItem(item);
    }
  }

  private async *readIndex(
    indexName: AuditIndexName,
    partition: string,
    filter: AuditFilter,
  ): AsyncGenerator<AuditRecord> {
    const range = atCondition(filter);
    const pages = this.pages(
      {
        IndexName: indexName,
        KeyConditionExpression: `#p = :p${range.expression}`,
        ExpressionAttributeNames: { '#p': AUDIT_INDEX_PARTITION[indexName], ...range.names },
        ExpressionAttributeValues: { ':p': partition, ...range.values },
        Limit: this.pageSize,
      },
      true,
    );
    for await (const keys of pages) {
      const items = await batchGetItems(
        this.doc,
        this.tableName,
        keys as { pk: string; sk: string }[],
        newDynamoMetrics(),
      );
      const byKey = new Map(items.map((item) => [`${String(item.pk)}\u0000${String(item.sk)}`, item]));
      for (const key of keys) {
        const item = byKey.get(`${String(key.pk)}\u0000${String(key.sk)}`);
        if (item === undefined) continue;
        const record = toAuditRecord(item);
        if ('undecodable' in record) {
          this.options.onSkipped?.(`${String(key.pk)}/${String(key.sk)}`, record.undecodable);
          continue;
        }
        if (matches(record, filter)) yield record;
      }
    }
  }

  /**
   * Pages of a Query; with `asPages`, yields each page's items as one array. The next page is
   * asked for as soon as a page arrives, so DynamoDB's latency overlaps the caller's work; at
   * most two pages are held.
   */
  private pages(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Record<string, unknown>>;
  private pages(input: Omit<QueryCommandInput, 'TableName'>, asPages: true): AsyncGenerator<Record<string, unknown>[]>;
  private async *pages(
    input: Omit<QueryCommandInput, 'TableName'>,
    asPages = false,
  ): AsyncGenerator<Record<string, unknown> | Record<string, unknown>[]> {
    const ask = (start: Record<string, unknown> | undefined): Promise<QueryCommandOutput> => {
      const page = this.doc.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }));
      // Awaited below; this only keeps a failure while the caller is busy from counting as unhandled.
      page.catch(() => {});
      return page;
    };
    let next: Promise<QueryCommandOutput> | null = ask(undefined);
    while (next !== null) {
      const out: QueryCommandOutput = await next;
      next = out.LastEvaluatedKey === undefined ? null : ask(out.LastEvaluatedKey);
      const items = out.Items ?? [];
      if (asPages) {
        if (items.length > 0) yield items;
      } else {
        yield* items;
      }
    }
  }
}

const atCondition = (
  filter: AuditFilter,
): { expression: string; names: Record<string, string>; values: Record<string, number> } => {
  const { since, until } = filter;
  const names = { '#at': 'at' };
  if (since !== undefined && until !== undefined) {
    return { expression: ' AND #at BETWEEN :since AND :last', names, values: { ':since': since, ':last': until - 1 } };
  }
  if (since !== undefined) return { expression: ' AND #at >= :since', names, values: { ':since': since } };
  if (until !== undefined) return { expression: ' AND #at < :until', names, values: { ':until': until } };
  return { expression: '', names: {}, values: {} };
};

const matches = (record: AuditRecord, filter: AuditFilter): boolean => {
  if (filter.principalKey !== undefined && record.principalKey !== filter.principalKey) return false;
  if (filter.caseId !== undefined && record.caseId !== filter.caseId) return false;
  if (filter.findingId !== undefined && record.findingId !== filter.findingId) return false;
  if (filter.detector !== undefined && record.detector !== filter.detector) return false;
  if (filter.actor !== undefined && record.actor !== filter.actor) return false;
  if (filter.type !== undefined && record.type !== filter.type) return false;
  const at = Date.parse(record.at);
  if (filter.since !== undefined && at < filter.since) return false;
  if (filter.until !== undefined && at >= filter.until) return false;
  return true;
};
