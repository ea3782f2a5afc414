import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { batchGetItems, newDynamoMetrics } from '../../lambdas/adapters/dynamo-items.ts';
import type { LocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import { openStateTable, STATE } from './local-store.ts';

describe('batchGetItems', () => {
  let local: LocalDynamo;
  beforeAll(async () => {
    local = await openStateTable();
  });
  afterAll(async () => {
    await local.close();
  });

  it('asks again for the keys DynamoDB left unprocessed until it has them all', async () => {
    // Prepare: 100 items of 20 KB overflow one response (dynalite, like DynamoDB, stops near 1 MB)
    const padding = 'x'.repeat(20_000);
    const keys = Array.from({ length: 100 }, (_, i) => ({ pk: `BIG#${i}`, sk: 'X' }));
    await Promise.all(
      keys.map((key) => local.doc.send(new PutCommand({ TableName: STATE, Item: { ...key, padding } }))),
    );
    const send = vi.spyOn(local.doc, 'send');

    // Act
    const items = await batchGetItems(local.doc, STATE, keys, newDynamoMetrics());

    // Assess
    expect(send).toHaveBeenCalledTimes(2);
    expect(items.map((item) => item.pk).sort()).toEqual(keys.map((key) => key.pk).sort());
    send.mockRestore();
  });
});
