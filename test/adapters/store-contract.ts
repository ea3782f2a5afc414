/**
 * The behaviour every PrincipalStateStore, FindingStore and FileLedger shares, run against the
 * in-memory adapters and the DynamoDB ones alike so the core's tests on memory hold on DynamoDB.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileLedger } from '../../lambdas/adapters/file-ledger.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import {
  type Clock,
  type FindingStore,
  type PrincipalStateStore,
  type StoredFinding,
  VersionConflictError,
} from '../../lambdas/core/ports.ts';
import { emptyPrincipalState, type PrincipalState } from '../../lambdas/core/state.ts';
import { realisticPrincipalState } from './realistic-state.ts';

/** A store under test and how to dispose of it. */
export interface Fixture<T> {
  readonly subject: T;
  close(): Promise<void>;
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

const bob = (key: string): PrincipalState =>
  emptyPrincipalState(
    key,
    { arn: `arn:aws:iam::123456789012:user/${key}`, type: 'IAMUser', accountId: '123456789012', name: key },
    Date.UTC(2026, 5, 1),
  );

/** Runs the PrincipalStateStore contract against stores `open` makes, one fresh store a test. */
export const principalStateStoreContract = (name: string, open: () => Promise<Fixture<PrincipalStateStore>>): void => {
  describe(`${name} (PrincipalStateStore contract)`, () => {
    let fixture: Fixture<PrincipalStateStore>;
    let store: PrincipalStateStore;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.subject;
    });
    afterEach(async () => {
      await fixture.close();
    });

    it('returns nothing for principals never stored', async () => {
      // Act
      const found = await store.getMany(['user:123456789012:nobody']);

      // Assess
      expect(found).toEqual(new Map());
    });

    it('stores a realistic state, nested baseline included, as version 1', async () => {
      // Prepare
      const state = realisticPrincipalState();
      const expected = { ...structuredClone(state), version: 1 };

      // Act
      await store.put(state);
      const found = await store.getMany([state.key]);

      // Assess
      expect(state.version).toBe(1);
      expect(found).toEqual(new Map([[state.key, expected]]));
    });

    it('rejects a first write for a principal someone else stored first', async () => {
      // Prepare
      await store.put(bob('alice'));

      // Act
      const second = store.put(bob('alice'));

      // Assess
      await expect(second).rejects.toThrow(new VersionConflictError('alice'));
      await expect(second).rejects.toBeInstanceOf(VersionConflictError);
    });

    it('lets one of two concurrent writers win; the other reloads, reapplies and loses nothing', async () => {
      // Prepare
      await store.put(bob('carol'));
      const [first, second] = await Promise.all([store.getMany(['carol']), store.getMany(['carol'])]);
      const a = first.get('carol') as PrincipalState;
      const b = second.get('carol') as PrincipalState;
      a.eventCount += 3;
      a.watermarkIds.push('event-a');
      b.eventCount += 5;
      b.watermarkIds.push('event-b');

      // Act
      const results = await Promise.allSettled([store.put(a), store.put(b)]);
      const loser = results[0].status === 'rejected' ? a : b;
      const reloaded = (await store.getMany(['carol'])).get('carol') as PrincipalState;
      reloaded.eventCount += loser === b ? 5 : 3;
      reloaded.watermarkIds.push(loser === b ? 'event-b' : 'event-a');
      await store.put(reloaded);
      const final = (await store.getMany(['carol'])).get('carol');

      // Assess
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toEqual(new VersionConflictError('carol'));
      expect(final?.version).toBe(3);
      expect(final?.eventCount).toBe(8);
      expect(final?.watermarkIds.sort()).toEqual(['event-a', 'event-b']);
    });

    it('keeps what it stored apart from the objects callers hold', async () => {
      // Prepare
      const state = bob('dave');
      await store.put(state);
      state.eventCount = 99;
      const read = (await store.getMany(['dave'])).get('dave') as PrincipalState;
      read.baseline.poisoned = true;

      // Act
      const again = (await store.getMany(['dave'])).get('dave');

      // Assess
      expect(again?.eventCount).toBe(0);
      expect(again?.baseline).toEqual({});
    });

    it('reads 260 principals in one call, skipping missing and repeated keys', async () => {
      // Prepare
      const keys = Array.from({ length: 260 }, (_, i) => `user:123456789012:u${String(i).padStart(3, '0')}`);
      await Promise.all(keys.map((key, i) => store.put({ ...bob(key), eventCount: i })));
      const asked = [...keys, 'user:123456789012:missing', keys[0] as string, keys[259] as string];

      // Act
      const found = await store.getMany(asked);

      // Assess
      expect(found.size).toBe(260);
      expect([...found.keys()].sort()).toEqual(keys);
      expect(keys.map((key) => found.get(key)?.eventCount)).toEqual(keys.map((_, i) => i));
    });
  });
};

const finding = (id: string): Finding => ({
  id,
  detector: 'iam.access-key-created-for-other-user',
  title: 'alice created an access key for bob',
  severity: 'high',
  risk: 42,
  principal: {
    key: 'user:123456789012:alice',
    arn: 'arn:aws:iam::123456789012:user/alice',
    type: 'IAMUser',
    accountId: '123456789012',
    name: 'alice',
  },
  eventIds: ['0b1c2d3e-0000-4000-8000-000000000001'],
  firstEventTime: '2026-06-01T10:00:00.000Z',
  lastEventTime: '2026-06-01T10:00:00.000Z',
  attack: ['T1098.001'],
  evidence: {
    targetUser: 'bob',
    accessKeyId: 'AKIAEXAMPLE',
    sourceIp: '203.0.113.7',
    nested: { list: [1, 'two', null] },
  },
  response: null,
});

/** Runs the FindingStore contract against stores `open` makes, one fresh store a test. */
export const findingStoreContract = (name: string, open: () => Promise<Fixture<FindingStore>>): void => {
  describe(`${name} (FindingStore contract)`, () => {
    let fixture: Fixture<FindingStore>;
    let store: FindingStore;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.subject;
    });
    afterEach(async () => {
      await fixture.close();
    });

    it('stores a finding as version 1 and leaves the caller object as it was', async () => {
      // Prepare
      const stored: StoredFinding = { finding: finding('f-1'), occurrences: 1, suppressedBy: null, version: 0 };

      // Act
      await store.put(stored);
      const found = await store.getMany(['f-1', 'f-unknown']);

      // Assess
      expect(stored.version).toBe(0);
      expect(found).toEqual(
        new Map([['f-1', { finding: finding('f-1'), occurrences: 1, suppressedBy: null, version: 1 }]]),
      );
    });

    it('updates at the version read, and rejects a writer that read an older one', async () => {
      // Prepare
      await store.put({ finding: finding('f-2'), occurrences: 1, suppressedBy: null, version: 0 });
      const read = (await store.getMany(['f-2'])).get('f-2') as StoredFinding;

      // Act
      await store.put({ ...read, occurrences: 2, suppressedBy: 'allow-ci-keys' });
      const stale = store.put({ ...read, occurrences: 7 });

      // Assess
      await expect(stale).rejects.toThrow(new VersionConflictError('f-2', 'finding'));
      expect((await store.getMany(['f-2'])).get('f-2')).toEqual({
        finding: finding('f-2'),
        occurrences: 2,
        suppressedBy: 'allow-ci-keys',
        version: 2,
      });
    });

    it('keeps what it stored apart from the objects callers hold', async () => {
      // Prepare
      const stored: StoredFinding = { finding: finding('f-3'), occurrences: 1, suppressedBy: null, version: 0 };
      await store.put(stored);
      stored.finding.eventIds.push('later');
      const read = (await store.getMany(['f-3'])).get('f-3') as StoredFinding;
      read.finding.evidence.poisoned = true;

      // Act
      const again = (await store.getMany(['f-3'])).get('f-3');

      // Assess
      expect(again?.finding).toEqual(finding('f-3'));
    });
  });
};

/** Runs the FileLedger contract against ledgers `open` makes on the given clock. */
export const fileLedgerContract = (name: string, open: (clock: Clock) => Promise<Fixture<FileLedger>>): void => {
  describe(`${name} (FileLedger contract)`, () => {
    const file = 'org-trail/AWSLogs/o-abc/123456789012/CloudTrail/eu-west-1/2026/06/01/file_1.json.gz';
    let clock: ManualClock;
    let fixture: Fixture<FileLedger>;
    let ledger: FileLedger;
    beforeEach(async () => {
      clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
      fixture = await open(clock);
      ledger = fixture.subject;
    });
    afterEach(async () => {
      await fixture.close();
    });

    it('lets a file be claimed once', async () => {
      // Act
      const first = await ledger.claim(file, 'etag-1', 7);
      const second = await ledger.claim(file, 'etag-1', 7);

      // Assess
      expect([first, second]).toEqual([true, false]);
    });

    it('lets a file be claimed again with new content, after release, or once the claim expired', async () => {
      // Prepare
      await ledger.claim(file, 'etag-1', 7);

      // Act
      const newContent = await ledger.claim(file, 'etag-2', 7);
      await ledger.release(file);
      const afterRelease = await ledger.claim(file, 'etag-2', 7);
      clock.ms += 7 * 86_400_000;
      const atExpiry = await ledger.claim(file, 'etag-2', 7);
      clock.ms += 1_000;
      const afterExpiry = await ledger.claim(file, 'etag-2', 7);

      // Assess
      expect({ newContent, afterRelease, atExpiry, afterExpiry }).toEqual({
        newContent: true,
        afterRelease: true,
        atExpiry: false,
        afterExpiry: true,
      });
    });

    it('rejects a claim lifetime that is not a positive whole number of days', async () => {
      // Act
      const claim = ledger.claim(file, 'etag-1', 0.5);

      // Assess
      await expect(claim).rejects.toThrow('ttlDays 0.5 is not valid; expected a positive whole number of days');
    });
  });
};
