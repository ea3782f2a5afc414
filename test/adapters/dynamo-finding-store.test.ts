import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoFindingStore } from '../../lambdas/adapters/dynamo-finding-store.ts';
import { openStateTable, STATE } from './local-store.ts';
import { findingStoreContract } from './store-contract.ts';

findingStoreContract('DynamoFindingStore', async () => {
  const local = await openStateTable();
  return { subject: new DynamoFindingStore(local.doc, STATE), close: () => local.close() };
});

describe('DynamoFindingStore', () => {
  it('keeps a finding under F#<id> / FINDING and counts its capacity', async () => {
    // Prepare
    const local = await openStateTable();
    const store = new DynamoFindingStore(local.doc, STATE);
    const finding = {
      id: 'f-0123456789abcdef',
      detector: 'cloudtrail.logging-stopped',
      title: 'CloudTrail logging stopped on org-trail',
      severity: 'critical' as const,
      risk: 90,
      principal: {
        key: 'root:123456789012',
        arn: null,
        type: 'Root' as const,
        accountId: '123456789012',
        name: 'root',
      },
      eventIds: ['e-1'],
      firstEventTime: '2026-06-01T10:00:00.000Z',
      lastEventTime: '2026-06-01T10:00:00.000Z',
      attack: ['T1562.008'],
      evidence: { trailName: 'org-trail' },
      response: { playbook: 'contain-principal', mode: 'dry-run', executionId: 'case-1' },
    };

    // Act
    await store.put({ finding, occurrences: 1, suppressedBy: null, version: 0 });
    const raw = await local.doc.send(
      new GetCommand({ TableName: STATE, Key: { pk: 'F#f-0123456789abcdef', sk: 'FINDING' } }),
    );
    await local.close();

    // Assess
    expect(raw.Item).toEqual({
      pk: 'F#f-0123456789abcdef',
      sk: 'FINDING',
      finding,
      occurrences: 1,
      suppressedBy: null,
      version: 1,
    });
    expect(store.metrics).toEqual({ readUnits: 0, writeUnits: 1, reads: 0, writes: 1 });
  });
});
