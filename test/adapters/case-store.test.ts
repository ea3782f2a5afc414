import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore, DynamoContainmentBudget } from '../../lambdas/adapters/case-store.ts';
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import { STATE_TABLE } from '../../lambdas/adapters/tables.ts';
import type { CaseRecord } from '../../lambdas/core/response/types.ts';
import { userFinding } from '../core/response/fixtures.ts';

let dynamo: LocalDynamo;
const AT = Date.parse('2025-03-04T10:06:00.000Z');

beforeAll(async () => {
  dynamo = await startLocalDynamo({ dir: null });
  await ensureTables(dynamo.client, [STATE_TABLE]);
});
afterAll(async () => {
  await dynamo.close();
});

const caseRecord = (caseId: string): CaseRecord => {
  const finding = userFinding();
  return {
    caseId,
    principal: finding.principal,
    openingFinding: finding,
    findingIds: [finding.id],
    severity: 'critical',
    mode: 'auto',
    status: 'open',
    executionId: `arn:exec:${caseId}`,
    openedAt: AT,
    updatedAt: AT,
    lastEventTime: Date.parse(finding.lastEventTime),
  };
};

describe('DynamoCaseStore', () => {
  it('creates a case once, and moves the current-case pointer only from what it expects', async () => {
    const store = new DynamoCaseStore(dynamo.doc, STATE_TABLE.localName);
    expect(await store.create(caseRecord('case-00000000000000000001'))).toBe(true);
    expect(await store.create(caseRecord('case-00000000000000000001'))).toBe(false);
    expect(await store.swapCurrent('user:1:mallory', null, 'case-00000000000000000001')).toBe(true);
    expect(await store.swapCurrent('user:1:mallory', null, 'case-00000000000000000002')).toBe(false);
    expect(await store.swapCurrent('user:1:mallory', 'case-00000000000000000001', 'case-00000000000000000002')).toBe(
      true,
    );
    expect(await store.currentCaseOf('user:1:mallory')).toBe('case-00000000000000000002');
    expect(await store.get('case-00000000000000000001')).toEqual(caseRecord('case-00000000000000000001'));
  });

  it('updates conditionally on status, and adds a finding once', async () => {
    const store = new DynamoCaseStore(dynamo.doc, STATE_TABLE.localName);
    await store.create(caseRecord('case-00000000000000000003'));
    expect(await store.update('case-00000000000000000003', { status: 'approved' }, ['awaiting-approval'])).toBe(false);
    expect(await store.update('case-00000000000000000003', { status: 'awaiting-approval' }, ['open'])).toBe(true);
    const later = userFinding({ id: 'f-0002', lastEventTime: '2025-03-04T11:00:00.000Z' });
    await store.attachFinding('case-00000000000000000003', later);
    await store.attachFinding('case-00000000000000000003', later);
    const stored = await store.get('case-00000000000000000003');
    expect(stored?.status).toBe('awaiting-approval');
    expect(stored?.findingIds).toEqual(['f-0001', 'f-0002']);
    expect(stored?.lastEventTime).toBe(Date.parse('2025-03-04T11:00:00.000Z'));
    expect(await store.update('case-99999999999999999999', { status: 'closed' })).toBe(false);
  });
});

describe('DynamoContainmentBudget', () => {
  it('counts each case once per hour and refuses past the maximum', async () => {
    const budget = new DynamoContainmentBudget(dynamo.doc, STATE_TABLE.localName);
    expect(await budget.reserve('case-a', AT, 2)).toEqual({ granted: true, used: 1, max: 2, hour: '2025-03-04T10' });
    expect(await budget.reserve('case-a', AT, 2)).toEqual({ granted: true, used: 1, max: 2, hour: '2025-03-04T10' });
    expect(await budget.reserve('case-b', AT, 2)).toEqual({ granted: true, used: 2, max: 2, hour: '2025-03-04T10' });
    expect(await budget.reserve('case-c', AT, 2)).toEqual({ granted: false, used: 2, max: 2, hour: '2025-03-04T10' });
    expect(await budget.reserve('case-c', AT + 3_600_000, 2)).toEqual({
      granted: true,
      used: 1,
      max: 2,
      hour: '2025-03-04T11',
    });
    expect(await budget.reserve('case-d', AT, 0)).toEqual({ granted: false, used: 2, max: 0, hour: '2025-03-04T10' });
  });
});
