import { describe, expect, it } from 'vitest';
import type { EventTrigger } from '../../../lambdas/core/detector.ts';
import { DETECTORS, detectorById, fastPathTriggers } from '../../../lambdas/core/detectors/registry.ts';
import { FIXTURES } from './fixtures/index.ts';
import { findingsOf, scoreRecords } from './score-fixture.ts';

const REQUIRED_IDS = [
  'root.credential-use',
  'signin.console-login-without-mfa',
  'cloudtrail.logging-disabled',
  'iam.access-key-created-for-other-user',
  'iam.admin-policy-attached',
  'iam.role-trust-policy-backdoor',
  'ec2.snapshot-shared-externally',
  'secretsmanager.batch-read-burst',
  'useragent.pentest-tool',
  'credentials.instance-credentials-outside-aws',
];

const matches = (
  trigger: EventTrigger,
  record: { eventSource?: string; eventName?: string; userIdentity?: { type?: string } },
): boolean =>
  'userIdentityType' in trigger
    ? record.userIdentity?.type === trigger.userIdentityType
    : trigger.source === record.eventSource && trigger.names.includes(record.eventName ?? '');

describe('the detector registry', () => {
  it('keeps the ids the demo and the contract rely on', () => {
    expect(REQUIRED_IDS.filter((id) => !detectorById(id))).toEqual([]);
  });

  it('has unique dotted ids', () => {
    const ids = DETECTORS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !/^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(id))).toEqual([]);
  });

  it('gives every detector ATT&CK ids, named techniques, a runbook and a dedup window', () => {
    const problems = DETECTORS.flatMap((d) => [
      ...(d.attack.length > 0 && d.attack.every((t) => /^T\d{4}(\.\d{3})?$/.test(t))
        ? []
        : [`${d.id}: attack ${d.attack.join(',')}`]),
      ...(d.techniques.length > 0 && d.techniques.every((t) => /^(stratus|guardduty|vigil):\S+$/.test(t))
        ? []
        : [`${d.id}: techniques`]),
      ...(d.runbook.length > 40 ? [] : [`${d.id}: runbook`]),
      ...(d.dedupWindowMinutes > 0 ? [] : [`${d.id}: dedup window`]),
    ]);
    expect(problems).toEqual([]);
  });

  it('puts only rule detectors with explicit triggers on the fast path', () => {
    const wrong = DETECTORS.filter((d) => d.fastPath && ((d.kind ?? 'rule') !== 'rule' || d.triggers.length === 0)).map(
      (d) => d.id,
    );
    expect(wrong).toEqual([]);
  });

  it('fires only on events its triggers name, so the fast-path rule routes everything it needs', async () => {
    // Prepare
    const strays: string[] = [];
    for (const fixture of FIXTURES.filter((f) => f.fires)) {
      const detector = detectorById(fixture.detector);
      if (!detector || detector.triggers.length === 0) continue;
      // Act
      const scored = await scoreRecords(fixture.records, fixture.config ? { config: fixture.config } : {});
      const ids = new Set(findingsOf(scored, fixture.detector).flatMap((s) => s.finding.eventIds));
      // Assess
      for (const record of fixture.records) {
        if (ids.has(record.eventID ?? '') && !detector.triggers.some((t) => matches(t, record))) {
          strays.push(`${detector.id}: ${record.eventSource} ${record.eventName}`);
        }
      }
    }
    expect(strays).toEqual([]);
  });
});

describe('fastPathTriggers', () => {
  const triggers = fastPathTriggers();

  it('routes every call of the root user', () => {
    expect(triggers.userIdentityTypes).toEqual(['Root']);
  });

  it('merges names per source, sorted, without duplicates', () => {
    expect(triggers.sources.get('cloudtrail.amazonaws.com')).toEqual([
      'DeleteTrail',
      'PutEventSelectors',
      'StopLogging',
    ]);
    expect(triggers.sources.get('s3.amazonaws.com')).toEqual([
      'DeleteAccountPublicAccessBlock',
      'DeleteBucketPublicAccessBlock',
      'PutAccountPublicAccessBlock',
      'PutBucketAcl',
      'PutBucketLifecycle',
      'PutBucketLogging',
      'PutBucketPolicy',
      'PutBucketPublicAccessBlock',
    ]);
    for (const names of triggers.sources.values()) expect(names).toEqual([...new Set(names)].sort());
  });

  it('leaves out what only the bulk path needs (reads, data events, bursts)', () => {
    expect(triggers.sources.has('secretsmanager.amazonaws.com')).toBe(false);
    expect(triggers.sources.has('bedrock.amazonaws.com')).toBe(false);
    expect(triggers.sources.get('ec2.amazonaws.com')).not.toContain('GetPasswordData');
    expect(triggers.sources.get('ssm.amazonaws.com')).toEqual(['SendCommand']);
  });

  it('lists sources in sorted order', () => {
    expect([...triggers.sources.keys()]).toEqual([...triggers.sources.keys()].sort());
  });
});
