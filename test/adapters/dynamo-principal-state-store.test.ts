import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPrincipalStateStore, principalStateItem } from '../../lambdas/adapters/dynamo-principal-state-store.ts';
import type { LocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import { itemSizeBytes } from '../../lambdas/adapters/state-table.ts';
import { VersionConflictError } from '../../lambdas/core/ports.ts';
import { openStateTable, STATE as TABLE } from './local-store.ts';
import { realisticPrincipalState } from './realistic-state.ts';
import { principalStateStoreContract } from './store-contract.ts';

principalStateStoreContract('DynamoPrincipalStateStore', async () => {
  const local = await openStateTable();
  return { subject: new DynamoPrincipalStateStore(local.doc, TABLE), close: () => local.close() };
});

describe('DynamoPrincipalStateStore', () => {
  let local: LocalDynamo;
  beforeAll(async () => {
    local = await openStateTable();
  });
  afterAll(async () => {
    await local.close();
  });

  it('keeps a principal under P#<key> / STATE with the baseline as a native map, not the key', async () => {
    // Prepare
    const store = new DynamoPrincipalStateStore(local.doc, TABLE);
    const state = realisticPrincipalState('person:layout@example.com');

    // Act
    await store.put(state);
    const raw = await local.doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'P#person:layout@example.com', sk: 'STATE' } }),
    );

    // Assess
    const { key: _key, ...attributes } = realisticPrincipalState('person:layout@example.com');
    expect(raw.Item).toEqual({ pk: 'P#person:layout@example.com', sk: 'STATE', ...attributes, version: 1 });
  });

  it('keeps a realistic principal item under 3 KB: three write units, one read unit', () => {
    // Act
    const size = itemSizeBytes({ ...principalStateItem(realisticPrincipalState()), version: 1 });

    // Assess
    expect(size).toBe(2_880);
  });

  it('counts the capacity DynamoDB reports, a write that lost its condition included', async () => {
    // Prepare
    const store = new DynamoPrincipalStateStore(local.doc, TABLE);
    const state = realisticPrincipalState('person:metrics@example.com');

    // Act
    await store.put(state);
    await store.getMany([state.key, 'person:absent@example.com']);
    await store.put(state);
    const stale = store.put(realisticPrincipalState('person:metrics@example.com'));
    await stale.catch(() => undefined);

    // Assess
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    expect(store.metrics).toEqual({ readUnits: 2, writeUnits: 9, reads: 2, writes: 3 });
  });

  it('gives fields an older item lacks the values a new principal starts with', async () => {
    // Prepare
    const store = new DynamoPrincipalStateStore(local.doc, TABLE);
    const { key: _key, detectorMemory: _memory, ...older } = realisticPrincipalState('person:older@example.com');
    await local.doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: 'P#person:older@example.com', sk: 'STATE', ...older, version: 4 },
      }),
    );

    // Act
    const found = (await store.getMany(['person:older@example.com'])).get('person:older@example.com');

    // Assess
    expect(found).toEqual({ ...realisticPrincipalState('person:older@example.com'), detectorMemory: {}, version: 4 });
  });
});
