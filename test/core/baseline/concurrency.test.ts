import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPrincipalStateStore } from '../../../lambdas/adapters/dynamo-principal-state-store.ts';
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../../lambdas/adapters/local-dynamo.ts';
import { STATE_TABLE } from '../../../lambdas/adapters/state-table.ts';
import { PeerBook, peerStateKey, readPeer } from '../../../lambdas/core/baseline/peers.ts';
import type { Baseline } from '../../../lambdas/core/baseline/profile.ts';
import type { PrincipalStateStore } from '../../../lambdas/core/ports.ts';
import { scoreEvents } from '../../../lambdas/core/score.ts';
import type { PrincipalState } from '../../../lambdas/core/state.ts';
import { DAY, events, HOUR, keyOf, MONDAY, record, routine, scorer } from './fixtures.ts';

const alice = { user: 'alice' } as const;

/** Lets a test choose the order two scorers' reads and writes reach the table in. */
class GatedStore implements PrincipalStateStore {
  constructor(
    private readonly inner: PrincipalStateStore,
    private readonly beforeRead: () => Promise<void>,
    private readonly afterRead: () => void,
    private readonly beforeWrite: () => Promise<void>,
    private readonly afterWrite: () => void,
  ) {}

  async getMany(keys: readonly string[]): Promise<Map<string, PrincipalState>> {
    await this.beforeRead();
    const states = await this.inner.getMany(keys);
    this.afterRead();
    return states;
  }

  async put(state: PrincipalState): Promise<void> {
    await this.beforeWrite();
    try {
      await this.inner.put(state);
    } finally {
      this.afterWrite();
    }
  }
}

const signal = () => {
  let fire = () => {};
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fire, fired };
};

describe('two scorers updating one principal in DynamoDB (dynalite)', () => {
  let local: LocalDynamo;
  beforeAll(async () => {
    local = await startLocalDynamo({ dir: null });
    await ensureTables(local.client, [STATE_TABLE]);
  });
  afterAll(async () => {
    await local.close();
  });

  it('loses no update: the scorer that loses the version race reloads and learns on top', async () => {
    // Prepare: both read the empty state; B writes first; A's write then fails its condition.
    const aRead = signal();
    const bWritten = signal();
    const table = () => new DynamoPrincipalStateStore(local.doc, STATE_TABLE.localName);
    let aWrites = 0;
    const storeA = new GatedStore(
      table(),
      async () => {},
      () => aRead.fire(),
      async () => {
        if (aWrites++ === 0) await bWritten.fired;
      },
      () => {},
    );
    const storeB = new GatedStore(
      table(),
      () => aRead.fired,
      () => {},
      async () => {},
      () => bWritten.fire(),
    );
    const a = scorer({}, storeA);
    const b = scorer({}, storeB);
    const monday = events(routine({ actor: alice, days: 1, reads: 3 }));
    const tuesday = events([
      ...routine({ actor: alice, days: 1, fromDay: 1, reads: 3 }),
      record({ actor: alice, at: MONDAY + DAY + 12 * HOUR, api: 'iam:ListRoles' }),
    ]);

    // Act
    const [resultA, resultB] = await Promise.all([
      scoreEvents(tuesday, a.deps, { learn: true }),
      scoreEvents(monday, b.deps, { learn: true }),
    ]);

    // Assess
    const stored = (await table().getMany([keyOf(alice)])).get(keyOf(alice));
    const baseline = stored?.baseline as unknown as Baseline;
    // A lost the race twice: for alice's state and for her peer group's, and merged both.
    expect([resultA.conflicts, resultB.conflicts]).toEqual([2, 0]);
    expect([stored?.version, stored?.eventCount]).toEqual([2, monday.length + tuesday.length]);
    expect([baseline.nd, baseline.api['ec2:DescribeInstances'], baseline.api['iam:ListRoles']]).toEqual([
      2,
      [0, 1, 2],
      [1, 1, 1],
    ]);
    expect(baseline.s3['acme-customer-data']).toEqual([0, 1, 6, 0, 1]);
  });

  it('lets concurrent scorers of different principals both through, untouched by each other', async () => {
    // Prepare
    const table = new DynamoPrincipalStateStore(local.doc, STATE_TABLE.localName);
    const a = scorer({}, table);
    const b = scorer({}, new DynamoPrincipalStateStore(local.doc, STATE_TABLE.localName));
    const bob = { user: 'bob' } as const;

    // Act
    await Promise.all([
      scoreEvents(events(routine({ actor: bob, days: 1 })), a.deps, { learn: true }),
      scoreEvents(events(routine({ actor: { user: 'carol' }, days: 1 })), b.deps, { learn: true }),
    ]);

    // Assess
    const states = await table.getMany([keyOf(bob), keyOf({ user: 'carol' })]);
    expect([...states.values()].map((s) => [s.key, s.version, s.eventCount]).sort()).toEqual([
      ['user:111122223333:bob', 1, 24],
      ['user:111122223333:carol', 1, 24],
    ]);
  });
});

describe('peer groups stored beside the principals (dynalite)', () => {
  let local: LocalDynamo;
  beforeAll(async () => {
    local = await startLocalDynamo({ dir: null });
    await ensureTables(local.client, [STATE_TABLE]);
  });
  afterAll(async () => {
    await local.close();
  });

  const member = (api: string) => ({ apis: [api], buckets: [], countries: ['GB'], asns: [] });

  it('adds up what two scorers learnt about one group, whoever stores first', async () => {
    // Prepare: two Lambda containers, each seeing different members of one group.
    const store = () => new DynamoPrincipalStateStore(local.doc, STATE_TABLE.localName);
    const [one, two] = [new PeerBook(), new PeerBook()];
    const key = peerStateKey('ps:Developer');
    for (const book of [one, two]) book.load(await store().getMany([key]));
    one.join('ps:Developer', 'person:ann', member('ec2:DescribeInstances'));
    one.join('ps:Developer', 'person:bob', member('ec2:DescribeInstances'));
    two.join('ps:Developer', 'person:cat', member('ec2:DescribeInstances'));
    two.note('ps:Developer', 'api', 'iam:ListRoles');

    // Act: both store at once; one of them meets the other's write and merges.
    const conflicts = await Promise.all([one.flush(store(), MONDAY), two.flush(store(), MONDAY)]);

    // Assess
    const stored = (await store().getMany([key])).get(key);
    const peer = readPeer(stored?.baseline ?? {});
    expect(conflicts.reduce((a, b) => a + b, 0)).toBe(1);
    expect([stored?.version, peer?.m.length, peer?.api, peer?.cc]).toEqual([
      2,
      3,
      { 'ec2:DescribeInstances': 3, 'iam:ListRoles': 1 },
      { GB: 3 },
    ]);
  });

  it('lets a fresh container judge against peers others learnt: load, then share', async () => {
    // Prepare
    const store = new DynamoPrincipalStateStore(local.doc, STATE_TABLE.localName);
    const writer = new PeerBook();
    const key = peerStateKey('ps:Finance');
    writer.load(await store.getMany([key]));
    for (const name of ['a', 'b', 'c', 'd'])
      writer.join('ps:Finance', `person:${name}`, member('athena:StartQueryExecution'));
    await writer.flush(store, MONDAY);
    const reader = new PeerBook();

    // Act
    reader.load(await store.getMany([keyOf(alice), key]));

    // Assess
    expect(reader.share('ps:Finance', 'api', 'athena:StartQueryExecution', { key: 'person:new', has: false })).toEqual({
      members: 4,
      count: 4,
      share: 1,
    });
  });
});
