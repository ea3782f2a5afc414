/**
 * What the DynamoDB stores share: batched reads that finish what DynamoDB left unprocessed,
 * versioned conditional writes, and a count of the capacity units they consumed.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { itemSizeBytes, type StateItemKey } from './state-table.ts';

/** Capacity a store consumed, as DynamoDB reported it: the benchmark reports units per 1,000 events. */
export interface DynamoMetrics {
  /** Read capacity units consumed. */
  readUnits: number;
  /** Write capacity units consumed, failed conditional writes included. */
  writeUnits: number;
  /** Items asked for by key. */
  reads: number;
  /** Items written, or attempted: a failed condition is billed too. */
  writes: number;
}

/** A zeroed metrics record; pass one to several stores to total them. */
export const newDynamoMetrics = (): DynamoMetrics => ({ readUnits: 0, writeUnits: 0, reads: 0, writes: 0 });

/** BatchGetItem takes at most this many keys a request. */
export const BATCH_GET_LIMIT = 100;
const MAX_BATCH_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 1_000;

/** DynamoDB kept leaving keys unprocessed (throttling) after every retry. */
export class UnprocessedKeysError extends Error {
  override readonly name = 'UnprocessedKeysError';
  constructor(
    readonly tableName: string,
    readonly unprocessed: number,
  ) {
    super(
      `BatchGetItem on ${tableName} still left ${unprocessed} keys unprocessed after ${MAX_BATCH_ATTEMPTS} attempts; expected every key read`,
    );
  }
}

const sumUnits = (consumed: readonly ConsumedCapacity[] | ConsumedCapacity | undefined): number => {
  if (consumed === undefined) return 0;
  const all = Array.isArray(consumed) ? consumed : [consumed as ConsumedCapacity];
  return all.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Full jitter: spreads retries of concurrent scorers so they do not throttle together again. */
const backoff = (attempt: number): number => Math.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);

/**
 * Reads items by key, strongly consistent (a conditional write after a stale read would only
 * conflict and read again), in requests of 100, retrying what DynamoDB leaves unprocessed.
 * Duplicate keys are read once. Items come back in no particular order.
 */
export const batchGetItems = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly StateItemKey[],
  metrics: DynamoMetrics,
): Promise<Record<string, unknown>[]> => {
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  const chunks: StateItemKey[][] = [];
  for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) chunks.push(unique.slice(i, i + BATCH_GET_LIMIT));
  const results = await Promise.all(chunks.map((chunk) => getChunk(doc, tableName, chunk, metrics)));
  return results.flat();
};

const getChunk = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  chunk: readonly StateItemKey[],
  metrics: DynamoMetrics,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let pending: readonly Record<string, unknown>[] = chunk.map((k) => ({ pk: k.pk, sk: k.sk }));
  metrics.reads += chunk.length;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= MAX_BATCH_ATTEMPTS) throw new UnprocessedKeysError(tableName, pending.length);
    if (attempt > 0) await sleep(backoff(attempt));
    const out = await doc.send(
      new BatchGetCommand({
        RequestItems: { [tableName]: { Keys: [...pending], ConsistentRead: true } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    metrics.readUnits += sumUnits(out.ConsumedCapacity);
    items.push(...(out.Responses?.[tableName] ?? []));
    pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return items;
};

/** True when a conditional write failed its condition. By name: the SDK may be loaded twice. */
export const isConditionFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * Writes `item` (which carries its key) as version `expectedVersion + 1` if the stored version is
 * still `expectedVersion` (the item absent when 0). Returns false when the condition failed.
 */
export const putVersioned = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  expectedVersion: number,
  metrics: DynamoMetrics,
): Promise<boolean> => {
  const stored = { ...item, version: expectedVersion + 1 };
  metrics.writes += 1;
  try {
    const out = await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: stored,
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    metrics.writeUnits += sumUnits(out.ConsumedCapacity);
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    // A failed condition reports no capacity but is billed as the write would have been.
    metrics.writeUnits += Math.max(1, Math.ceil(itemSizeBytes(stored) / 1024));
    return false;
  }
};
