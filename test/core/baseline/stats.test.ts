import { describe, expect, it } from 'vitest';
import { PeerBook, peerGroupOf } from '../../../lambdas/core/baseline/peers.ts';
import {
  dequantise,
  growthOf,
  mad,
  median,
  pushClipped,
  quantise,
  summarise,
} from '../../../lambdas/core/baseline/stats.ts';
import type { Principal } from '../../../lambdas/core/principal.ts';

describe('robust statistics', () => {
  it('keeps counts and bytes as quantised logs, a fifth of a doubling apart', () => {
    expect([0, 1, 20, 1_000, 2 ** 40].map(quantise)).toEqual([0, 4, 18, 40, 160]);
    expect([0, 18, 40].map((q) => Math.round(dequantise(q)))).toEqual([0, 22, 1023]);
  });

  it('takes medians and median absolute deviations', () => {
    expect([median([]), median([3, 1, 2]), median([4, 1, 3, 2]), mad([1, 2, 3, 4, 100])]).toEqual([0, 2, 2.5, 1]);
  });

  it('summarises a history: the median day and what counts as high, undisturbed by one huge day', () => {
    // Act
    const calm = summarise([18, 18, 19, 17, 18, 18, 19]);
    const spiked = summarise([18, 18, 19, 17, 18, 18, 60]);

    // Assess
    expect([Math.round(calm.median), Math.round(calm.high)]).toEqual([22, 37]);
    expect([Math.round(spiked.median), Math.round(spiked.high)]).toEqual([22, 37]);
  });

  it('bounds how far one day moves the history: at most 6 steps (2.8x) above its median', () => {
    // Prepare
    const history = [18, 18, 18, 18, 18];

    // Act
    const stored = pushClipped(history, 60, 30, 6);

    // Assess
    expect([stored, history]).toEqual([24, [18, 18, 18, 18, 18, 24]]);
  });

  it('measures a rise: rising days, where it started, and how spread the rise is', () => {
    // Act: a ramp, a ramp with one flat day, a step change.
    const ramp = growthOf(
      [18, 18, 19, 21, 22, 23, 25, 26],
      [18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 19, 21, 22, 23, 25],
    );
    const paused = growthOf([18, 19, 21, 21, 23, 25], [18, 18, 18, 18, 18, 18, 19, 21, 21, 23]);
    const step = growthOf([18, 18, 18, 26, 27, 28], [18, 18, 18, 18, 18, 18, 24, 24]);

    // Assess
    expect([ramp.risingDays, Math.round(ramp.anchor), ramp.largestStepShare]).toEqual([6, 22, 0.25]);
    expect([paused.risingDays, paused.largestStepShare]).toEqual([4, 0.29]);
    expect([step.risingDays, step.largestStepShare]).toEqual([3, 0.8]);
  });
});

describe('peer groups', () => {
  const person = (permissionSet: string): Principal => ({
    key: 'person:a',
    arn: null,
    type: 'IdentityCenterUser',
    accountId: '111122223333',
    name: 'a',
    context: { permissionSet, roleName: `AWSReservedSSO_${permissionSet}_0123456789abcdef` },
  });

  it('groups by permission set, else role, else the account’s IAM users', () => {
    const role: Principal = { ...person('x'), type: 'AssumedRole', context: { roleName: 'ci-deploy' } };
    const user: Principal = { ...person('x'), type: 'IAMUser', context: {} };
    const root: Principal = { ...person('x'), type: 'Root', context: {} };
    expect([peerGroupOf(person('Developer')), peerGroupOf(role), peerGroupOf(user), peerGroupOf(root)]).toEqual([
      'ps:Developer',
      'role:ci-deploy',
      'iam-users:111122223333',
      null,
    ]);
  });

  it('counts each member once, and never counts a member as its own peer', () => {
    // Prepare
    const book = new PeerBook();
    const profile = { apis: ['ec2:DescribeInstances'], buckets: [], countries: ['GB'], asns: [] };

    // Act
    for (const key of ['a', 'b', 'c', 'a']) book.join('ps:Dev', key, profile);
    book.note('ps:Dev', 'api', 'iam:ListRoles');

    // Assess
    expect(book.share('ps:Dev', 'api', 'ec2:DescribeInstances')).toEqual({ members: 3, count: 3, share: 1 });
    expect(book.share('ps:Dev', 'api', 'ec2:DescribeInstances', { key: 'a', has: true })).toEqual({
      members: 2,
      count: 2,
      share: 1,
    });
    expect(book.share('ps:Dev', 'api', 'iam:ListRoles', { key: 'c', has: false })).toEqual({
      members: 2,
      count: 1,
      share: 0.5,
    });
    expect(book.share(null, 'cc', 'GB')).toEqual({ members: 0, count: 0, share: 0 });
  });

  it('tells a group-wide surge (a quarter-end) from one member’s rise', () => {
    // Prepare: three members reading 20 a day for ten days each.
    const together = new PeerBook();
    const alone = new PeerBook();
    for (const book of [together, alone]) {
      for (const key of ['a', 'b', 'c'])
        book.join('ps:Finance', key, { apis: [], buckets: [], countries: [], asns: [] });
      for (let i = 0; i < 30; i++) book.noteDay('ps:Finance', quantise(20), quantise(40e6));
    }

    // Act: all three at four times for two days; or one member at four times.
    for (let i = 0; i < 6; i++) together.noteDay('ps:Finance', quantise(80), quantise(160e6));
    for (let i = 0; i < 6; i++) alone.noteDay('ps:Finance', i % 3 === 0 ? quantise(80) : quantise(20), quantise(40e6));

    // Assess
    const surge = together.surge('ps:Finance');
    expect([Math.round(surge.objects * 10) / 10, Math.round(surge.bytes * 10) / 10]).toEqual([3.5, 4]);
    expect(alone.surge('ps:Finance')).toEqual({ objects: 1, bytes: 1 });
  });
});
