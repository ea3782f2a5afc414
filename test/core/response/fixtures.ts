/** Findings and settings for the response tests. */
import { parseConfig, type VigilConfigInput } from '../../../lambdas/core/config.ts';
import type { Finding } from '../../../lambdas/core/finding.ts';
import { type ResponseSettings, responseSettings } from '../../../lambdas/core/response/settings.ts';

/** An IAM user finding: mallory created an access key for bob. */
export const userFinding = (overrides: Partial<Finding> = {}): Finding => ({
  id: 'f-0001',
  detector: 'iam.access-key-created-for-other-user',
  title: 'Access key created for another user',
  severity: 'critical',
  risk: 87,
  principal: {
    key: 'user:111122223333:mallory',
    arn: 'arn:aws:iam::111122223333:user/mallory',
    type: 'IAMUser',
    accountId: '111122223333',
    name: 'mallory',
  },
  eventIds: ['e-1', 'e-2'],
  firstEventTime: '2025-03-04T10:00:00.000Z',
  lastEventTime: '2025-03-04T10:05:00.000Z',
  attack: ['T1098.001'],
  evidence: { targetUser: 'bob', accessKeyId: 'AKIAMALLORYKEY000001' },
  response: null,
  ...overrides,
});

/** A role finding: the deploy role. */
export const roleFinding = (overrides: Partial<Finding> = {}): Finding =>
  userFinding({
    id: 'f-role',
    principal: {
      key: 'role:111122223333:Deployer',
      arn: 'arn:aws:sts::111122223333:assumed-role/Deployer/ci-run-42',
      type: 'AssumedRole',
      accountId: '111122223333',
      name: 'Deployer',
    },
    evidence: {},
    ...overrides,
  });

/** An Identity Center person. */
export const ssoFinding = (overrides: Partial<Finding> = {}): Finding =>
  userFinding({
    id: 'f-sso',
    principal: {
      key: 'person:carol@example.com',
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataAnalyst_0123456789abcdef/carol@example.com',
      type: 'IdentityCenterUser',
      accountId: '111122223333',
      name: 'carol@example.com',
    },
    evidence: { bucket: 'payroll-exports' },
    ...overrides,
  });

/** Settings from a configuration, Vigil's own roles protected as in AWS. */
export const settingsFor = (
  input: VigilConfigInput = {},
  responderAccountId: string | null = '111122223333',
): ResponseSettings =>
  responseSettings(parseConfig(input), {
    ownPrincipals: ['arn:aws:iam::111122223333:role/Vigil*'],
    responderAccountId,
  });
