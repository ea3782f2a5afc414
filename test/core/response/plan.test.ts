import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../lambdas/core/finding.ts';
import { planContainment } from '../../../lambdas/core/response/plan.ts';
import { targetOf } from '../../../lambdas/core/response/target.ts';
import type { Enrichment } from '../../../lambdas/core/response/types.ts';
import { roleFinding, settingsFor, ssoFinding, userFinding } from './fixtures.ts';

const NOW = Date.parse('2025-03-04T10:06:00.000Z');
const unavailable: Enrichment = { kind: 'unavailable', reason: 'test' };

const mallory: Enrichment = {
  kind: 'iam-user',
  userName: 'mallory',
  accessKeys: [
    {
      id: 'AKIAMALLORYKEY000001',
      status: 'Active',
      createdAt: null,
      lastUsedAt: '2025-03-04T10:04:00.000Z',
      lastUsedService: 'iam',
    },
    {
      id: 'AKIAMALLORYKEY000002',
      status: 'Active',
      createdAt: null,
      lastUsedAt: '2024-01-01T00:00:00.000Z',
      lastUsedService: 's3',
    },
    { id: 'AKIAMALLORYKEY000003', status: 'Inactive', createdAt: null, lastUsedAt: null, lastUsedService: null },
  ],
  attachedPolicies: [{ name: 'PowerUserAccess', arn: 'arn:aws:iam::aws:policy/PowerUserAccess' }],
  inlinePolicies: [],
  groups: ['engineers'],
  loginProfile: null,
  tags: {},
};

const plan = (
  finding: Finding,
  enrichment: Enrichment,
  input: Parameters<typeof settingsFor>[0] = {},
  account: string | null = '111122223333',
) =>
  planContainment({
    caseId: 'case-0123456789abcdef0123',
    finding,
    target: targetOf(finding.principal),
    enrichment,
    settings: settingsFor(input, account),
    now: NOW,
  });

describe('planContainment', () => {
  it('contains an IAM user: deny-all first, the keys seen, no console step without a password, its managed policies', () => {
    expect(plan(userFinding(), mallory).map((a) => [a.description, a.spec])).toEqual([
      [
        'Attach inline policy VigilDenyAll denying every action to IAM user mallory',
        { kind: 'deny-all-user', userName: 'mallory', policyName: 'VigilDenyAll' },
      ],
      [
        "Deactivate access key AKIAMALLORYKEY000001 of IAM user mallory (seen in the case's events)",
        { kind: 'deactivate-access-keys', userName: 'mallory', accessKeyIds: ['AKIAMALLORYKEY000001'] },
      ],
      [
        'Detach PowerUserAccess from IAM user mallory',
        { kind: 'detach-user-policies', userName: 'mallory', policyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'] },
      ],
    ]);
  });

  it.each([
    [
      'keys used since the first event when none is named',
      {},
      { accessKeyId: undefined },
      ['AKIAMALLORYKEY000001'],
      "used since the case's first event",
    ],
    [
      'every active key when configured',
      { response: { deactivateAllKeys: true } },
      {},
      ['AKIAMALLORYKEY000001', 'AKIAMALLORYKEY000002'],
      'configured to deactivate every key',
    ],
  ] as const)('chooses %s', (_, config, evidence, ids, why) => {
    const finding = userFinding({ evidence: { ...evidence } });
    const keys = plan(finding, mallory, config).find((a) => a.id === 'deactivate-access-keys');
    expect(keys?.spec).toEqual({ kind: 'deactivate-access-keys', userName: 'mallory', accessKeyIds: ids });
    expect(keys?.description.endsWith(`(${why})`)).toBe(true);
  });

  it('without IAM facts, deactivates every active key and removes the console password in case there is one', () => {
    const actions = plan(userFinding({ evidence: {} }), unavailable);
    expect(actions.map((a) => a.description)).toEqual([
      'Attach inline policy VigilDenyAll denying every action to IAM user mallory',
      "Deactivate every active access key of IAM user mallory (the keys used are unknown and mallory's keys could not be listed, so every active key)",
      'Remove the console password of IAM user mallory',
      'Detach every managed policy from IAM user mallory',
    ]);
  });

  it('revokes the older sessions of a role', () => {
    expect(plan(roleFinding(), unavailable, { response: {} })).toEqual([
      {
        id: 'revoke-role-sessions',
        target: 'arn:aws:iam::111122223333:role/Deployer',
        description:
          'Revoke every session of role Deployer issued before 2025-03-04T10:06:00.000Z (inline policy VigilRevokeOlderSessions)',
        spec: {
          kind: 'revoke-role-sessions',
          roleName: 'Deployer',
          policyName: 'VigilRevokeOlderSessions',
          issuedBefore: '2025-03-04T10:06:00.000Z',
        },
      },
    ]);
  });

  it('tells an administrator what to do in Identity Center', () => {
    const [manual] = plan(ssoFinding(), unavailable);
    expect(manual?.spec).toEqual({
      kind: 'manual',
      title: 'carol@example.com signs in through IAM Identity Center (permission set DataAnalyst)',
      steps: [
        'In IAM Identity Center, disable user access for carol@example.com (Users > carol@example.com > Disable user access), so no new session starts.',
        "Delete carol@example.com's active sessions there (Users > carol@example.com > Active sessions > Delete session).",
        'Role credentials already issued through permission set DataAnalyst stay valid until they expire (the permission set\'s session duration, at most 12 hours). To cut them now, add to permission set DataAnalyst an inline policy that denies every action when aws:userid matches "*:carol@example.com", and reprovision it. Vigil cannot do this from account 111122223333: IAM refuses changes to AWSReservedSSO_ roles.',
      ],
    });
  });

  it('denies a person on a shared role by source identity', () => {
    const finding = roleFinding({
      principal: {
        key: 'person:dave',
        arn: 'arn:aws:sts::111122223333:assumed-role/DataEng/dave-session',
        type: 'AssumedRole',
        accountId: '111122223333',
        name: 'dave',
      },
    });
    const [deny] = plan(finding, unavailable);
    expect(deny?.spec).toEqual({
      kind: 'deny-person-on-role',
      roleName: 'DataEng',
      policyName: 'VigilDenyPerson-61ea0803f885',
      sourceIdentity: 'dave',
    });
  });

  it('adds a bucket deny for the sensitive buckets a finding names, when configured', () => {
    const actions = plan(ssoFinding(), unavailable, { sensitiveBuckets: ['payroll-*'], response: {} });
    expect(actions.some((a) => a.spec.kind === 'deny-bucket-access')).toBe(false);
    const settings = { ...settingsFor({ sensitiveBuckets: ['payroll-*'] }), denyBucketAccess: true };
    const finding = ssoFinding();
    const withBucket = planContainment({
      caseId: 'case-0123456789abcdef0123',
      finding,
      target: targetOf(finding.principal),
      enrichment: unavailable,
      settings,
      now: NOW,
    });
    expect(withBucket.find((a) => a.spec.kind === 'deny-bucket-access')?.spec).toEqual({
      kind: 'deny-bucket-access',
      bucket: 'payroll-exports',
      sid: 'Vigilcase0123456789abcdef0123',
      principalArns: [],
      userIdPatterns: ['*:carol@example.com'],
    });
  });

  it('turns steps into instructions when the principal lives in another account', () => {
    const [manual, ...rest] = plan(userFinding(), mallory, {}, '999988887777');
    expect(rest).toEqual([]);
    expect(manual?.spec).toEqual({
      kind: 'manual',
      title: "The principal is in account 111122223333; Vigil's responders act in account 999988887777",
      steps: [
        'In account 111122223333: Attach inline policy VigilDenyAll denying every action to IAM user mallory.',
        "In account 111122223333: Deactivate access key AKIAMALLORYKEY000001 of IAM user mallory (seen in the case's events).",
        'In account 111122223333: Detach PowerUserAccess from IAM user mallory.',
      ],
    });
  });

  it('has only instructions for the root user', () => {
    const finding = userFinding({
      principal: {
        key: 'root:111122223333',
        arn: 'arn:aws:iam::111122223333:root',
        type: 'Root',
        accountId: '111122223333',
        name: 'root',
      },
    });
    expect(plan(finding, unavailable).map((a) => a.spec.kind)).toEqual(['manual']);
  });
});
