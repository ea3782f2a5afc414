/**
 * Principal state in the state table (`P#<principalKey>` / `STATE`), read in batches and written
 * with a version condition so two scorers never overwrite each other's counts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type PrincipalStateStore, VersionConflictError } from '../core/ports.ts';
import { emptyPrincipalState, type PrincipalState } from '../core/state.ts';
import { batchGetItems, type DynamoMetrics, newDynamoMetrics, putVersioned } from './dynamo-items.ts';
import { principalStateKey, STATE_PREFIX } from './state-table.ts';

/** The item a principal state is stored as. */
export const principalStateItem = (state: PrincipalState): Record<string, unknown> => {
  const { key, version: _version, ...attributes } = state;
  return { ...principalStateKey(key), ...attributes };
};

/**
 * The principal state an item holds. Fields an older Vigil did not write take the values a new
 * principal starts with, so a store outlives additions to PrincipalState.
 */
export const principalStateFromItem = (item: Record<string, unknown>): PrincipalState => {
  const { pk, sk: _sk, expiresAt: _expiresAt, ...attributes } = item;
  const stored = attributes as Omit<PrincipalState, 'key'>;
  const key = String(pk).slice(STATE_PREFIX.principal.length);
  return { ...emptyPrincipalState(key, stored.principal, stored.firstSeen), ...stored, key };
};

/** PrincipalStateStore over the state table. */
export class DynamoPrincipalStateStore implements PrincipalStateStore {
  /**
   * @param metrics capacity consumed; pass one record to several stores to total them
   * @default metrics - a record of this store's own
   */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly metrics: DynamoMetrics = newDynamoMetrics(),
  ) {}

  /** States by key; missing keys are absent from the map. */
  async getMany(keys: readonly string[]): Promise<Map<string, PrincipalState>> {
    const items = await batchGetItems(this.doc, this.tableName, keys.map(principalStateKey), this.metrics);
    return new Map(
      items.map((item) => {
        const state = principalStateFromItem(item);
        return [state.key, state];
      }),
    );
  }

  /**
   * Writes `state` if the stored version is still `state.version`, and on success advances
   * `state.version` so the caller's copy matches what is stored and can be written again.
   */
  async put(state: PrincipalState): Promise<void> {
    const written = await putVersioned(
      this.doc,
      this.tableName,
      principalStateItem(state),
      state.version,
      this.metrics,
    );
    if (!written) throw new VersionConflictError(state.key);
    state.version += 1;
  }
}
