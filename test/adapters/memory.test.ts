import { describe, expect, it } from 'vitest';
import {
  MemoryAuditLog,
  MemoryFileLedger,
  MemoryFindingPublisher,
  MemoryFindingStore,
  MemoryPrincipalStateStore,
} from '../../lambdas/adapters/memory.ts';
import type { AuditEntry } from '../../lambdas/core/ports.ts';
import { fileLedgerContract, findingStoreContract, principalStateStoreContract } from './store-contract.ts';

const noop = async (): Promise<void> => {};

principalStateStoreContract('MemoryPrincipalStateStore', async () => ({
  subject: new MemoryPrincipalStateStore(),
  close: noop,
}));
findingStoreContract('MemoryFindingStore', async () => ({ subject: new MemoryFindingStore(), close: noop }));
fileLedgerContract('MemoryFileLedger', async (clock) => ({ subject: new MemoryFileLedger(clock), close: noop }));

describe('MemoryAuditLog', () => {
  it('keeps copies of the entries appended, in order', async () => {
    // Prepare
    const log = new MemoryAuditLog();
    const entry: AuditEntry = {
      type: 'decision',
      at: 1_780_000_000_000,
      actor: 'vigil:playbook',
      data: { mode: 'dry-run' },
    };

    // Act
    await log.append([entry]);
    await log.append([{ type: 'action', at: 1_780_000_000_001, actor: 'vigil:playbook', result: 'would-revoke' }]);
    (entry.data as Record<string, unknown>).mode = 'auto';

    // Assess
    expect(log.entries).toEqual([
      { type: 'decision', at: 1_780_000_000_000, actor: 'vigil:playbook', data: { mode: 'dry-run' } },
      { type: 'action', at: 1_780_000_000_001, actor: 'vigil:playbook', result: 'would-revoke' },
    ]);
  });
});

describe('MemoryFindingPublisher', () => {
  it('records what it was given and starts no playbook', async () => {
    // Prepare
    const publisher = new MemoryFindingPublisher();
    const finding = {
      id: 'f-1',
      detector: 'root.activity',
      title: 'root signed in',
      severity: 'critical' as const,
      risk: 80,
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
      attack: ['T1078.004'],
      evidence: {},
      response: null,
    };

    // Act
    const responses = await publisher.publish([finding]);

    // Assess
    expect(responses).toEqual(new Map([['f-1', null]]));
    expect(publisher.published).toEqual([finding]);
  });
});

describe('MemoryFindingStore.all', () => {
  it('lists every stored finding in the order first written', async () => {
    // Prepare
    const store = new MemoryFindingStore();
    const base = {
      detector: 'root.activity',
      title: 'root signed in',
      severity: 'critical' as const,
      risk: 80,
      principal: {
        key: 'root:123456789012',
        arn: null,
        type: 'Root' as const,
        accountId: '123456789012',
        name: 'root',
      },
      eventIds: [],
      firstEventTime: '2026-06-01T10:00:00.000Z',
      lastEventTime: '2026-06-01T10:00:00.000Z',
      attack: [],
      evidence: {},
      response: null,
    };
    await store.put({ finding: { ...base, id: 'f-b' }, occurrences: 1, suppressedBy: null, version: 0 });
    await store.put({ finding: { ...base, id: 'f-a' }, occurrences: 1, suppressedBy: null, version: 0 });

    // Act
    const ids = store.all().map((stored) => stored.finding.id);

    // Assess
    expect(ids).toEqual(['f-b', 'f-a']);
  });
});
