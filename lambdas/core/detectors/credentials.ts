/** Credentials used where they should not be: workload role credentials outside AWS, and attack distributions. */
import type { DetectorDefinition } from '../detector.ts';
import { actor, asString, fromOutsideAws, inProduction, whereIs } from './helpers.ts';

const ID = 'credentials.instance-credentials-outside-aws';

/** The runtime an AWS SDK reports in its user agent inside Lambda and ECS (`exec-env/AWS_Lambda_nodejs20.x`). */
const RUNTIME = /exec-env\/AWS_(Lambda|ECS)/;

/**
 * A workload's role credentials (an EC2 instance profile, or a role seen running in Lambda or ECS)
 * used from an address outside AWS, or through a VPC endpoint in another account. Those
 * credentials only ever leave their workload when someone takes them (SSRF, a compromised host).
 */
export const instanceCredentialsOutsideAws: DetectorDefinition = {
  id: ID,
  title: 'Workload role credentials used outside their workload',
  severity: 'high',
  attack: ['T1552.005', 'T1078.004'],
  techniques: [
    'stratus:aws.credential-access.ec2-steal-instance-credentials',
    'guardduty:UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
    'guardduty:UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS',
    'vigil:lambda-ecs-credentials-outside-aws',
  ],
  triggers: [],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    "Revoke the role's active sessions (IAM console: Revoke active sessions, an inline deny on aws:TokenIssueTime), then find how the credentials left: SSRF to the metadata service (enforce IMDSv2), a compromised host, or leaked environment variables.",
  detect(event, ctx) {
    if (event.principal.type !== 'AssumedRole' || event.principal.key.startsWith('person:')) return null;
    const runtime = RUNTIME.exec(event.userAgent);
    if (runtime) {
      // The workload itself calling: remember what kind of workload this role runs.
      ctx.memory(ID).workload = runtime[1] === 'Lambda' ? 'Lambda function' : 'ECS task';
      return null;
    }
    // Read without ctx.memory, which would give every role in the organisation an empty memory.
    const learnt = ctx.state.detectorMemory?.[ID]?.workload;
    const instanceId = event.principal.context.instanceId;
    const workload = instanceId ? 'EC2 instance' : typeof learnt === 'string' ? learnt : undefined;
    if (!workload || ctx.isTrustedAutomation(event.principal)) return null;
    const endpointAccount = asString(event.raw.vpcEndpointAccountId);
    const otherAccount =
      endpointAccount !== undefined &&
      endpointAccount !== event.accountId &&
      endpointAccount !== event.principal.accountId
        ? endpointAccount
        : null;
    const outside = fromOutsideAws(event, ctx);
    if (!outside && !otherAccount) return null;
    const where = otherAccount ? `through a VPC endpoint of account ${otherAccount}` : `from ${event.sourceIp}`;
    return {
      severity: inProduction('high', event, ctx),
      title: `Credentials of ${workload} role ${event.principal.name}${instanceId ? ` (${instanceId})` : ''} used ${where}`,
      dedupKey: otherAccount ?? event.sourceIp ?? 'outside',
      evidence: {
        workload,
        instanceId: instanceId ?? null,
        api: event.api,
        vpcEndpointAccountId: otherAccount,
        userAgent: event.userAgent,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

const PLATFORM_TOKEN = /^\[?(linux\/|os\/linux#|md\/distrib#|distrib#|exe\/|source\/)/i;
const DISTRIBUTION = /(kali|parrot|pentoo)/i;

/** The penetration-testing distribution a user agent reports (Kali, Parrot, Pentoo), or null. */
export const pentestDistribution = (userAgent: string): string | null => {
  // Most agents name none of the three: one scan rules them out before splitting into tokens.
  if (!DISTRIBUTION.test(userAgent)) return null;
  for (const token of userAgent.split(/\s+/)) {
    if (!PLATFORM_TOKEN.test(token)) continue;
    const match = DISTRIBUTION.exec(token);
    if (match?.[1]) return match[1].toLowerCase();
  }
  return null;
};

const DISTRIBUTION_NAMES: Readonly<Record<string, string>> = {
  kali: 'Kali Linux',
  parrot: 'Parrot OS',
  pentoo: 'Pentoo',
};

/** API calls from a penetration-testing distribution (its name in the SDK's user agent). */
export const pentestUserAgent: DetectorDefinition = {
  id: 'useragent.pentest-tool',
  title: 'API calls from a penetration-testing distribution',
  severity: 'medium',
  attack: ['T1078.004', 'T1588.002'],
  techniques: [
    'guardduty:PenTest:IAMUser/KaliLinux',
    'guardduty:PenTest:IAMUser/ParrotLinux',
    'guardduty:PenTest:IAMUser/PentooLinux',
    'guardduty:PenTest:S3/KaliLinux',
    'guardduty:PenTest:S3/ParrotLinux',
    'guardduty:PenTest:S3/PentooLinux',
  ],
  triggers: [],
  fastPath: false,
  dedupWindowMinutes: 24 * 60,
  runbook:
    "Check whether a penetration test is scheduled for this principal (then suppress it for the test's duration). If not: the credentials are in an attacker's hands; deactivate them and review every call in the finding.",
  detect(event, ctx) {
    const distribution = pentestDistribution(event.userAgent);
    if (!distribution || ctx.isTrustedAutomation(event.principal)) return null;
    const name = DISTRIBUTION_NAMES[distribution] ?? distribution;
    return {
      severity: inProduction('medium', event, ctx),
      title: `${event.principal.name} called AWS from ${name}`,
      dedupKey: distribution,
      evidence: {
        distribution: name,
        userAgent: event.userAgent,
        api: event.api,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
