/** Discovery: enumeration that workloads never do and attackers always do. */
import type { DetectorDefinition } from '../detector.ts';
import {
  actor,
  countDistinct,
  forgetBefore,
  fromOutsideAws,
  inProduction,
  mark,
  markedWithin,
  minutes,
  viaConsole,
  whereIs,
} from './helpers.ts';

/** Calls that map an account: who exists, what is logged, what is stored. */
const RECON = new Set([
  'sts:GetCallerIdentity',
  's3:ListBuckets',
  'iam:GetAccountSummary',
  'iam:GetAccountAuthorizationDetails',
  'iam:ListUsers',
  'iam:ListRoles',
  'iam:ListGroups',
  'iam:ListPolicies',
  'iam:ListAccessKeys',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'ec2:DescribeSnapshots',
  'cloudtrail:DescribeTrails',
  'guardduty:ListDetectors',
  'securityhub:DescribeHub',
  'organizations:DescribeOrganization',
  'organizations:ListAccounts',
  'secretsmanager:ListSecrets',
  'ssm:DescribeParameters',
  'lambda:ListFunctions20150331',
  'kms:ListKeys',
  'rds:DescribeDBInstances',
  'dynamodb:ListTables',
]);

const ENUMERATION_FINDING = 5;
const ENUMERATION_HIGH = 8;
const ENUMERATION_MINUTES = 15;

/** An EC2 instance's role enumerating the account (IAM, S3, trails, detectors): a compromised instance. */
export const instanceRoleEnumeration: DetectorDefinition = {
  id: 'discovery.instance-role-enumeration',
  title: 'EC2 instance role enumerating the account',
  severity: 'medium',
  attack: ['T1580', 'T1526', 'T1087.004'],
  techniques: ['stratus:aws.discovery.ec2-enumerate-from-instance'],
  triggers: [...new Set([...RECON].map((api) => api.split(':')[0] ?? ''))].map((service) => ({
    source: `${service}.amazonaws.com`,
    names: [...RECON].filter((api) => api.startsWith(`${service}:`)).map((api) => api.split(':')[1] ?? ''),
  })),
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    "Find the instance (the session name is its id) and what runs on it: treat it as compromised, isolate it (a quarantine security group), snapshot its disk for forensics, and revoke the role's sessions.",
  detect(event, ctx) {
    const instanceId = event.principal.context.instanceId;
    if (!instanceId || !RECON.has(event.api) || viaConsole(event) || ctx.isTrustedAutomation(event.principal))
      return null;
    const memory = ctx.memory('discovery.instance-role-enumeration');
    forgetBefore(memory, event.time, minutes(ENUMERATION_MINUTES));
    const count = countDistinct(memory, 'apis', event.api, event.time, minutes(ENUMERATION_MINUTES));
    if (event.api === 'iam:GetAccountAuthorizationDetails') mark(memory, 'gaad', event.time);
    if (count < ENUMERATION_FINDING) return null;
    const dump = markedWithin(memory, 'gaad', event.time, minutes(ENUMERATION_MINUTES));
    return {
      severity: count >= ENUMERATION_HIGH || dump ? inProduction('high', event, ctx) : 'medium',
      title: `Instance ${instanceId} (role ${event.principal.name}) made at least ${count} different enumeration calls in ${ENUMERATION_MINUTES} minutes`,
      evidence: {
        instanceId,
        distinctCalls: count,
        authorizationDetailsDumped: dump,
        lastCall: event.api,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

const SES_RECON = [
  'GetAccountSendingEnabled',
  'GetSendQuota',
  'GetSendStatistics',
  'ListIdentities',
  'GetIdentityVerificationAttributes',
  'ListVerifiedEmailAddresses',
  'ListEmailIdentities',
  'GetAccount',
];
const SES_FINDING = 3;

/**
 * SES sending limits and identities enumerated from code, the first thing done with a stolen key
 * meant for phishing or spam. The SES console makes the same calls, so console sessions are left out.
 */
export const sesEnumeration: DetectorDefinition = {
  id: 'ses.enumeration',
  title: 'SES sending capability enumerated',
  severity: 'medium',
  attack: ['T1526', 'T1580'],
  techniques: ['stratus:aws.discovery.ses-enumerate'],
  triggers: [{ source: 'ses.amazonaws.com', names: SES_RECON }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    'Ask the owner of the principal whether they work on email. If not, treat the key as stolen: deactivate it, check SES for new identities and sending statistics, and look for the key in public code.',
  detect(event, ctx) {
    if (event.source !== 'ses.amazonaws.com' || !SES_RECON.includes(event.name)) return null;
    if (viaConsole(event) || ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('ses.enumeration');
    forgetBefore(memory, event.time, minutes(15));
    const count = countDistinct(memory, 'calls', event.name, event.time, minutes(15));
    if (count < SES_FINDING) return null;
    const longLivedOutside = event.accessKeyId?.startsWith('AKIA') === true && fromOutsideAws(event, ctx);
    return {
      severity: longLivedOutside ? inProduction('high', event, ctx) : 'medium',
      title: `${event.principal.name} enumerated SES (at least ${count} different calls)${longLivedOutside ? ' with a long-lived key from outside AWS' : ''}`,
      evidence: {
        distinctCalls: count,
        accessKeyId: event.accessKeyId,
        region: event.region,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
