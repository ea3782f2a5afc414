/**
 * The file ledger in the state table (`FILE#<bucket>/<key>` / `FILE`). Markers expire: CloudTrail
 * never rewrites a delivered file, so a marker only has to outlive redeliveries.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../core/ports.ts';
import { type DynamoMetrics, isConditionFailed, newDynamoMetrics } from './dynamo-items.ts';
import { checkTtlDays, DAY_SECONDS, type FileLedger } from './file-ledger.ts';
import { fileMarkerKey } from './state-table.ts';

export type { FileLedger } from './file-ledger.ts';

const systemClock: Clock = { now: () => Date.now() };

/** FileLedger over the state table. */
export class DynamoFileLedger implements FileLedger {
  /**
   * @param clock the wall clock the markers expire by
   * @default clock - the system clock
   * @default metrics - a record of this ledger's own
   */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
    readonly metrics: DynamoMetrics = newDynamoMetrics(),
  ) {}

  /** Conditional put: succeeds when no live marker for this file at this etag exists. */
  async claim(fileKey: string, etag: string, ttlDays: number): Promise<boolean> {
    checkTtlDays(ttlDays);
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    this.metrics.writes += 1;
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...fileMarkerKey(fileKey),
            etag,
            claimedAt: nowSeconds,
            expiresAt: nowSeconds + ttlDays * DAY_SECONDS,
          },
          // DynamoDB deletes expired items late (up to days), so an expired marker counts as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR etag <> :etag OR expiresAt < :now',
          ExpressionAttributeValues: { ':etag': etag, ':now': nowSeconds },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.metrics.writeUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      return true;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      this.metrics.writeUnits += 1;
      return false;
    }
  }

  /** Deletes the marker; releasing a file never claimed is not an error. */
  async release(fileKey: string): Promise<void> {
    this.metrics.writes += 1;
    const out = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: fileMarkerKey(fileKey), ReturnConsumedCapacity: 'TOTAL' }),
    );
    this.metrics.writeUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  }
}
