/**
 * Findings in the state table (`F#<findingId>` / `FINDING`), written with a version condition so
 * two scorers that saw the same finding (an event that came by both paths) merge, not overwrite.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type FindingStore, type StoredFinding, VersionConflictError } from '../core/ports.ts';
import { batchGetItems, type DynamoMetrics, newDynamoMetrics, putVersioned } from './dynamo-items.ts';
import { findingKey } from './state-table.ts';

/** The item a stored finding is kept as. */
export const findingItem = (stored: StoredFinding): Record<string, unknown> => ({
  ...findingKey(stored.finding.id),
  finding: stored.finding,
  occurrences: stored.occurrences,
  suppressedBy: stored.suppressedBy,
});

/** The stored finding an item holds. */
export const findingFromItem = (item: Record<string, unknown>): StoredFinding => ({
  finding: item.finding as StoredFinding['finding'],
  occurrences: item.occurrences as number,
  suppressedBy: (item.suppressedBy ?? null) as string | null,
  version: item.version as number,
});

/** FindingStore over the state table. */
export class DynamoFindingStore implements FindingStore {
  /**
   * @param metrics capacity consumed; pass one record to several stores to total them
   * @default metrics - a record of this store's own
   */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly metrics: DynamoMetrics = newDynamoMetrics(),
  ) {}

  /** Stored findings by id; missing ids are absent from the map. */
  async getMany(ids: readonly string[]): Promise<Map<string, StoredFinding>> {
    const items = await batchGetItems(this.doc, this.tableName, ids.map(findingKey), this.metrics);
    return new Map(
      items.map((item) => {
        const stored = findingFromItem(item);
        return [stored.finding.id, stored];
      }),
    );
  }

  /**
   * Writes `stored` as version `stored.version + 1` if the stored version is still
   * `stored.version`. The caller's object is left as it is (its version is readonly): the caller
   * knows the new version is one more.
   */
  async put(stored: StoredFinding): Promise<void> {
    const written = await putVersioned(this.doc, this.tableName, findingItem(stored), stored.version, this.metrics);
    if (!written) throw new VersionConflictError(stored.finding.id, 'finding');
  }
}
