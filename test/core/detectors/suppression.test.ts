import { describe, expect, it } from 'vitest';
import type { Suppression } from '../../../lambdas/core/config.ts';
import { ACCOUNT, at, call, ciRole, IP, iamUser, TRUSTED_CI } from './fixtures/builders.ts';
import { findingsOf, scoreRecords } from './score-fixture.ts';

// A backdoor key made by mallory from the attacker's address: a high finding that alerts by default.
const backdoorKey = call({
  identity: iamUser('mallory'),
  source: 'iam.amazonaws.com',
  name: 'CreateAccessKey',
  time: at(0),
  ip: IP.attacker,
  request: { userName: 'svc-reporting' },
});

const rule = (id: string, match: Partial<Suppression>, expires = '2026-12-31'): Suppression => ({
  id,
  reason: 'red team exercise RT-42',
  owner: 'secops@example.com',
  expires,
  ...match,
});

describe('suppressions', () => {
  it('publishes the unsuppressed finding (the baseline for the cases below)', async () => {
    // Act
    const scored = await scoreRecords([backdoorKey]);
    // Assess
    const [stored] = findingsOf(scored, 'iam.access-key-created-for-other-user');
    expect(stored?.suppressedBy).toBeNull();
    expect(scored.published.map((f) => f.title)).toEqual(['mallory created an access key for svc-reporting']);
  });

  it.each([
    ['principal pattern', rule('by-principal', { principal: 'arn:aws:iam::*:user/mallory' })],
    ['source CIDR', rule('by-cidr', { cidr: '185.220.101.0/24' })],
    ['account', rule('by-account', { account: ACCOUNT })],
    ['detector', rule('by-detector', { detector: 'iam.access-key-*' })],
    [
      'detector and principal together',
      rule('by-both', { detector: 'iam.access-key-created-for-other-user', principal: 'mallory' }),
    ],
  ])('suppresses by %s: stored and audited as suppressed, never published', async (_, suppression) => {
    // Act
    const scored = await scoreRecords([backdoorKey], { config: { suppressions: [suppression] } });
    // Assess
    const [stored] = findingsOf(scored, 'iam.access-key-created-for-other-user');
    expect(stored?.suppressedBy).toBe(suppression.id);
    expect(stored?.finding.severity).toBe('high');
    expect(scored.published).toEqual([]);
    expect(scored.audit.map((entry) => [entry.type, entry.data?.suppression])).toEqual([
      ['finding-suppressed', suppression.id],
    ]);
  });

  it.each([
    ['an expired rule', rule('expired', { principal: 'mallory' }, '2026-01-01')],
    ['a rule for another principal', rule('other', { principal: 'heidi' })],
    ['a rule for another CIDR', rule('office', { cidr: '81.2.69.0/24' })],
    ['a rule whose detector matches but principal does not', rule('half', { detector: 'iam.*', principal: 'heidi' })],
  ])('ignores %s', async (_, suppression) => {
    // Act
    const scored = await scoreRecords([backdoorKey], { config: { suppressions: [suppression] } });
    // Assess
    expect(findingsOf(scored, 'iam.access-key-created-for-other-user').map((s) => s.suppressedBy)).toEqual([null]);
    expect(scored.published.map((f) => f.detector)).toEqual(['iam.access-key-created-for-other-user']);
  });
});

describe("trusted automation and Vigil's own principals", () => {
  const pipelineKey = call({
    identity: ciRole(),
    source: 'iam.amazonaws.com',
    name: 'CreateAccessKey',
    time: at(0),
    ip: IP.awsUsEast,
    request: { userName: 'svc-legacy-sftp' },
  });

  it("flags the pipeline's key creation when the pipeline is not configured as trusted", async () => {
    const scored = await scoreRecords([pipelineKey]);
    expect(findingsOf(scored, 'iam.access-key-created-for-other-user').map((s) => s.finding.severity)).toEqual([
      'high',
    ]);
  });

  it('does not flag it once the pipeline is trusted automation', async () => {
    const scored = await scoreRecords([pipelineKey], { config: TRUSTED_CI });
    expect(scored.findings).toEqual([]);
  });

  it("never flags Vigil's own roles where trusted automation is exempt", async () => {
    // Prepare
    const responder = { ...ciRole(), arn: `arn:aws:sts::${ACCOUNT}:assumed-role/vigil-responder/case-1` };
    const attach = call({
      identity: responder,
      source: 'iam.amazonaws.com',
      name: 'AttachUserPolicy',
      time: at(0),
      ip: IP.awsUsEast,
      request: { userName: 'mallory', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    });
    // Act
    const scored = await scoreRecords([attach], { ownPrincipals: ['arn:aws:sts::*:assumed-role/vigil-responder/*'] });
    // Assess
    expect(scored.findings).toEqual([]);
  });

  it("stores but never publishes other findings about Vigil's own roles", async () => {
    // Prepare
    const responder = { ...ciRole(), arn: `arn:aws:sts::${ACCOUNT}:assumed-role/vigil-responder/case-1` };
    const leave = call({
      identity: responder,
      source: 'organizations.amazonaws.com',
      name: 'LeaveOrganization',
      time: at(0),
      ip: IP.awsUsEast,
      error: { code: 'AccessDeniedException' },
    });
    // Act
    const scored = await scoreRecords([leave], { ownPrincipals: ['arn:aws:sts::*:assumed-role/vigil-responder/*'] });
    // Assess
    expect(findingsOf(scored, 'organizations.leave-organization').map((s) => s.finding.severity)).toEqual(['high']);
    expect(scored.published).toEqual([]);
  });
});
