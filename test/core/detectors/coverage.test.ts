import { describe, expect, it } from 'vitest';
import { detectorById } from '../../../lambdas/core/detectors/registry.ts';
import { compareSeverity } from '../../../lambdas/core/finding.ts';
import { FIXTURES } from './fixtures/index.ts';
import { findingsOf, scoreRecords } from './score-fixture.ts';

/**
 * Every technique issue 3 lists: every AWS technique of Stratus Red Team, the GuardDuty IAM and S3
 * policy findings it names, and the rest of its list (Lambda/ECS credentials, KMS, security services).
 */
const ISSUE_3_TECHNIQUES: readonly { technique: string; detector: string }[] = [
  { technique: 'stratus:aws.credential-access.ec2-get-password-data', detector: 'ec2.password-data-burst' },
  {
    technique: 'stratus:aws.credential-access.ec2-steal-instance-credentials',
    detector: 'credentials.instance-credentials-outside-aws',
  },
  {
    technique: 'stratus:aws.credential-access.secretsmanager-retrieve-secrets',
    detector: 'secretsmanager.batch-read-burst',
  },
  {
    technique: 'stratus:aws.credential-access.secretsmanager-batch-retrieve-secrets',
    detector: 'secretsmanager.batch-read-burst',
  },
  {
    technique: 'stratus:aws.credential-access.ssm-retrieve-securestring-parameters',
    detector: 'ssm.securestring-parameters-burst',
  },
  { technique: 'stratus:aws.defense-evasion.cloudtrail-delete', detector: 'cloudtrail.logging-disabled' },
  { technique: 'stratus:aws.defense-evasion.cloudtrail-stop', detector: 'cloudtrail.logging-disabled' },
  {
    technique: 'stratus:aws.defense-evasion.cloudtrail-event-selectors',
    detector: 'cloudtrail.event-selectors-reduced',
  },
  {
    technique: 'stratus:aws.defense-evasion.cloudtrail-lifecycle-rule',
    detector: 'cloudtrail.log-bucket-lifecycle-shortened',
  },
  { technique: 'stratus:aws.defense-evasion.dns-delete-logs', detector: 'route53resolver.query-logging-deleted' },
  { technique: 'stratus:aws.defense-evasion.vpc-remove-flow-logs', detector: 'ec2.flow-logs-deleted' },
  { technique: 'stratus:aws.defense-evasion.organizations-leave', detector: 'organizations.leave-organization' },
  { technique: 'stratus:aws.discovery.ec2-download-user-data', detector: 'ec2.user-data-download-burst' },
  { technique: 'stratus:aws.discovery.ec2-enumerate-from-instance', detector: 'discovery.instance-role-enumeration' },
  { technique: 'stratus:aws.discovery.ses-enumerate', detector: 'ses.enumeration' },
  { technique: 'stratus:aws.execution.ec2-launch-unusual-instances', detector: 'ec2.unusual-instance-type' },
  { technique: 'stratus:aws.execution.ec2-user-data', detector: 'ec2.user-data-modified' },
  {
    technique: 'stratus:aws.execution.sagemaker-update-lifecycle-config',
    detector: 'sagemaker.notebook-lifecycle-config-changed',
  },
  { technique: 'stratus:aws.execution.ssm-send-command', detector: 'ssm.send-command' },
  { technique: 'stratus:aws.execution.ssm-start-session', detector: 'ssm.start-session-burst' },
  {
    technique: 'stratus:aws.exfiltration.ec2-security-group-open-port-22-ingress',
    detector: 'ec2.security-group-admin-port-open-to-world',
  },
  { technique: 'stratus:aws.exfiltration.ec2-share-ami', detector: 'ec2.ami-shared-externally' },
  { technique: 'stratus:aws.exfiltration.ec2-share-ebs-snapshot', detector: 'ec2.snapshot-shared-externally' },
  { technique: 'stratus:aws.exfiltration.rds-share-snapshot', detector: 'rds.snapshot-shared-externally' },
  { technique: 'stratus:aws.exfiltration.s3-backdoor-bucket-policy', detector: 's3.bucket-shared-externally' },
  { technique: 'stratus:aws.impact.bedrock-invoke-model', detector: 'bedrock.unusual-model-invocation' },
  { technique: 'stratus:aws.impact.ec2-deregister-ami', detector: 'ec2.ami-deregistered' },
  { technique: 'stratus:aws.impact.s3-ransomware-batch-deletion', detector: 's3.mass-deletion' },
  {
    technique: 'stratus:aws.impact.s3-ransomware-client-side-encryption',
    detector: 's3.objects-encrypted-with-client-key',
  },
  { technique: 'stratus:aws.impact.s3-ransomware-individual-deletion', detector: 's3.mass-deletion' },
  { technique: 'stratus:aws.initial-access.console-login-without-mfa', detector: 'signin.console-login-without-mfa' },
  { technique: 'stratus:aws.lateral-movement.ec2-instance-connect', detector: 'ec2.instance-connect-burst' },
  {
    technique: 'stratus:aws.lateral-movement.ec2-serial-console-send-ssh-public-key',
    detector: 'ec2.serial-console-ssh-key-pushed',
  },
  { technique: 'stratus:aws.persistence.iam-backdoor-role', detector: 'iam.role-trust-policy-backdoor' },
  { technique: 'stratus:aws.persistence.iam-backdoor-user', detector: 'iam.access-key-created-for-other-user' },
  { technique: 'stratus:aws.persistence.iam-create-admin-user', detector: 'iam.admin-policy-attached' },
  { technique: 'stratus:aws.persistence.iam-create-backdoor-role', detector: 'iam.role-trust-policy-backdoor' },
  { technique: 'stratus:aws.persistence.iam-create-user-login-profile', detector: 'iam.login-profile-for-other-user' },
  { technique: 'stratus:aws.persistence.lambda-backdoor-function', detector: 'lambda.function-policy-external-access' },
  { technique: 'stratus:aws.persistence.lambda-layer-extension', detector: 'lambda.layer-from-external-account' },
  { technique: 'stratus:aws.persistence.lambda-overwrite-code', detector: 'lambda.function-code-overwritten' },
  {
    technique: 'stratus:aws.persistence.rolesanywhere-create-trust-anchor',
    detector: 'rolesanywhere.trust-anchor-created',
  },
  { technique: 'stratus:aws.persistence.sts-federation-token', detector: 'sts.federation-token-created' },
  {
    technique: 'stratus:aws.privilege-escalation.iam-update-user-login-profile',
    detector: 'iam.login-profile-for-other-user',
  },
  { technique: 'guardduty:Policy:IAMUser/RootCredentialUsage', detector: 'root.credential-use' },
  { technique: 'guardduty:Stealth:IAMUser/CloudTrailLoggingDisabled', detector: 'cloudtrail.logging-disabled' },
  { technique: 'guardduty:Stealth:IAMUser/PasswordPolicyChange', detector: 'iam.password-policy-weakened' },
  { technique: 'guardduty:Policy:S3/AccountBlockPublicAccessDisabled', detector: 's3.block-public-access-disabled' },
  { technique: 'guardduty:Policy:S3/BucketBlockPublicAccessDisabled', detector: 's3.block-public-access-disabled' },
  { technique: 'guardduty:Policy:S3/BucketAnonymousAccessGranted', detector: 's3.bucket-made-public' },
  { technique: 'guardduty:Policy:S3/BucketPublicAccessGranted', detector: 's3.bucket-made-public' },
  { technique: 'guardduty:Stealth:S3/ServerAccessLoggingDisabled', detector: 's3.server-access-logging-disabled' },
  { technique: 'guardduty:PenTest:IAMUser/KaliLinux', detector: 'useragent.pentest-tool' },
  { technique: 'guardduty:PenTest:IAMUser/ParrotLinux', detector: 'useragent.pentest-tool' },
  { technique: 'guardduty:PenTest:IAMUser/PentooLinux', detector: 'useragent.pentest-tool' },
  { technique: 'guardduty:PenTest:S3/KaliLinux', detector: 'useragent.pentest-tool' },
  { technique: 'guardduty:PenTest:S3/ParrotLinux', detector: 'useragent.pentest-tool' },
  { technique: 'guardduty:PenTest:S3/PentooLinux', detector: 'useragent.pentest-tool' },
  {
    technique: 'guardduty:UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
    detector: 'credentials.instance-credentials-outside-aws',
  },
  {
    technique: 'guardduty:UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS',
    detector: 'credentials.instance-credentials-outside-aws',
  },
  { technique: 'vigil:lambda-ecs-credentials-outside-aws', detector: 'credentials.instance-credentials-outside-aws' },
  { technique: 'vigil:kms-key-scheduled-for-deletion', detector: 'kms.key-scheduled-for-deletion' },
  { technique: 'vigil:guardduty-disabled', detector: 'security-services.disabled' },
  { technique: 'vigil:securityhub-disabled', detector: 'security-services.disabled' },
  { technique: 'vigil:config-disabled', detector: 'security-services.disabled' },
  { technique: 'vigil:macie-disabled', detector: 'security-services.disabled' },
];

describe("coverage of issue 3's technique list", () => {
  it('lists 44 Stratus Red Team techniques and 22 others', () => {
    expect(ISSUE_3_TECHNIQUES.filter((t) => t.technique.startsWith('stratus:')).length).toBe(44);
    expect(ISSUE_3_TECHNIQUES.filter((t) => !t.technique.startsWith('stratus:')).length).toBe(22);
  });

  it.each(ISSUE_3_TECHNIQUES.map((t) => [t.technique, t.detector] as const))(
    '%s is caught by %s, whose fixtures pass',
    async (technique, detectorId) => {
      // Prepare
      const detector = detectorById(detectorId);
      const demonstrations = FIXTURES.filter(
        (f) => f.detector === detectorId && f.fires && f.techniques?.includes(technique),
      );
      const nearMisses = FIXTURES.filter((f) => f.detector === detectorId && !f.fires);
      expect(detector?.techniques).toContain(technique);
      expect(demonstrations.length).toBeGreaterThan(0);
      expect(nearMisses.length).toBeGreaterThan(0);
      for (const fixture of demonstrations) {
        // Act
        const scored = await scoreRecords(fixture.records, fixture.config ? { config: fixture.config } : {});
        // Assess
        const severities = findingsOf(scored, detectorId).map((s) => s.finding.severity);
        expect(severities.sort(compareSeverity).at(-1)).toBe(fixture.severity);
      }
      for (const fixture of nearMisses) {
        const scored = await scoreRecords(fixture.records, fixture.config ? { config: fixture.config } : {});
        expect(findingsOf(scored, detectorId)).toEqual([]);
      }
    },
  );

  it('names no technique in a detector that the list leaves out', () => {
    // Prepare
    const listed = new Set(ISSUE_3_TECHNIQUES.map((t) => t.technique));
    const declared = FIXTURES.flatMap((f) => detectorById(f.detector)?.techniques ?? []);
    // Assess
    expect([...new Set(declared)].filter((t) => !listed.has(t))).toEqual([]);
  });
});
