/** EC2 detectors: sharing disks and images out, opening the network, running code, and reaching into instances. */
import type { DetectorContext, DetectorDefinition } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import type { Severity } from '../finding.ts';
import {
  actor,
  asNumber,
  asRecord,
  asString,
  countDistinct,
  forgetBefore,
  inProduction,
  isExternalAccount,
  listOf,
  minutes,
  param,
  succeeded,
  whereIs,
} from './helpers.ts';

/** Accounts a `{ add: { items: [{ userId }, { group: 'all' }] } }` permission change adds. */
const addedPermissions = (permission: unknown): { accounts: string[]; everyone: boolean } => {
  const added = listOf(asRecord(asRecord(permission).add)).map(asRecord);
  return {
    accounts: added.map((entry) => asString(entry.userId)).filter((id): id is string => id !== undefined),
    everyone: added.some((entry) => entry.group === 'all'),
  };
};

/** What a share of a snapshot or image with other accounts looks like to a responder. */
const shareDetection = (
  event: VigilEvent,
  ctx: DetectorContext,
  kind: string,
  resource: string,
  added: { accounts: string[]; everyone: boolean },
) => {
  const external = added.accounts.filter((account) => isExternalAccount(account, event, ctx));
  if (!added.everyone && external.length === 0) return null;
  let severity: Severity = added.everyone ? 'critical' : inProduction('high', event, ctx);
  if (ctx.isTrustedAutomation(event.principal)) severity = 'medium';
  return {
    severity,
    title: `${kind} ${resource} shared with ${added.everyone ? 'everyone (public)' : `account ${external.join(', ')}`}`,
    dedupKey: resource,
    evidence: {
      resource,
      sharedWith: added.everyone ? ['all'] : external,
      public: added.everyone,
      actor: actor(event),
      ...whereIs(event, ctx),
    },
  };
};

/** An EBS snapshot shared with an account outside the organisation, or made public. */
export const snapshotSharedExternally: DetectorDefinition = {
  id: 'ec2.snapshot-shared-externally',
  title: 'EBS snapshot shared outside the organisation',
  severity: 'high',
  attack: ['T1537'],
  techniques: ['stratus:aws.exfiltration.ec2-share-ebs-snapshot'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['ModifySnapshotAttribute'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Remove the permission at once (aws ec2 modify-snapshot-attribute --create-volume-permission Remove=[...]): a copy may already exist in the other account, so treat the disk's data as exposed and find out what it held.",
  detect(event, ctx) {
    if (event.name !== 'ModifySnapshotAttribute' || !succeeded(event)) return null;
    const snapshot = param(event, 'snapshotId') ?? 'unknown snapshot';
    return shareDetection(event, ctx, 'Snapshot', snapshot, addedPermissions(event.request.createVolumePermission));
  },
};

/** An AMI shared with an account outside the organisation, or made public. */
export const amiSharedExternally: DetectorDefinition = {
  id: 'ec2.ami-shared-externally',
  title: 'AMI shared outside the organisation',
  severity: 'high',
  attack: ['T1537'],
  techniques: ['stratus:aws.exfiltration.ec2-share-ami'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['ModifyImageAttribute'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Remove the launch permission (aws ec2 modify-image-attribute --launch-permission Remove=[...]); the image's snapshots hold the instance's disks, so treat their data as exposed.",
  detect(event, ctx) {
    if (event.name !== 'ModifyImageAttribute' || !succeeded(event)) return null;
    const image = param(event, 'imageId') ?? 'unknown image';
    return shareDetection(event, ctx, 'AMI', image, addedPermissions(event.request.launchPermission));
  },
};

/** Ports whose exposure to the internet is an incident: remote administration and databases. */
const SENSITIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [23, 'Telnet'],
  [445, 'SMB'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [2375, 'Docker API'],
  [2376, 'Docker API'],
  [3306, 'MySQL'],
  [3389, 'RDP'],
  [5432, 'PostgreSQL'],
  [5900, 'VNC'],
  [5985, 'WinRM'],
  [5986, 'WinRM'],
  [6379, 'Redis'],
  [9200, 'Elasticsearch'],
  [27017, 'MongoDB'],
]);

interface IngressRule {
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly cidrs: readonly string[];
}

/** The rules an AuthorizeSecurityGroupIngress call adds, from either request shape. */
const ingressRules = (request: Readonly<Record<string, unknown>>): IngressRule[] => {
  const rules: IngressRule[] = [];
  const topCidr = asString(request.cidrIp);
  if (topCidr) {
    rules.push({
      protocol: asString(request.ipProtocol) ?? '-1',
      from: asNumber(request.fromPort) ?? 0,
      to: asNumber(request.toPort) ?? 65535,
      cidrs: [topCidr],
    });
  }
  for (const item of listOf(request.ipPermissions).map(asRecord)) {
    const cidrs = [
      ...listOf(item.ipRanges).map((r) => asString(asRecord(r).cidrIp)),
      ...listOf(item.ipv6Ranges).map((r) => asString(asRecord(r).cidrIpv6)),
    ].filter((c): c is string => c !== undefined);
    rules.push({
      protocol: String(item.ipProtocol ?? '-1'),
      from: asNumber(item.fromPort) ?? 0,
      to: asNumber(item.toPort) ?? 65535,
      cidrs,
    });
  }
  return rules;
};

/** Inbound SSH, RDP, a database or every port opened to the whole internet (any /0 range). */
export const securityGroupOpenToWorld: DetectorDefinition = {
  id: 'ec2.security-group-admin-port-open-to-world',
  title: 'Administration or database port opened to the internet',
  severity: 'high',
  attack: ['T1562.007', 'T1133'],
  techniques: ['stratus:aws.exfiltration.ec2-security-group-open-port-22-ingress'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['AuthorizeSecurityGroupIngress'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Revoke the rule (aws ec2 revoke-security-group-ingress --security-group-rule-ids ...), check which instances use the group and their logins since, and offer the team Session Manager or a VPN instead.',
  detect(event, ctx) {
    if (event.name !== 'AuthorizeSecurityGroupIngress' || !succeeded(event)) return null;
    const exposed: string[] = [];
    for (const rule of ingressRules(event.request)) {
      if (!rule.cidrs.some((cidr) => cidr.endsWith('/0'))) continue;
      const allPorts = rule.protocol === '-1' || rule.protocol === 'all' || (rule.from <= 0 && rule.to >= 65535);
      if (allPorts) {
        exposed.push('all ports');
        continue;
      }
      if (rule.protocol !== 'tcp' && rule.protocol !== '6' && rule.protocol !== 'udp' && rule.protocol !== '17')
        continue;
      for (const [port, service] of SENSITIVE_PORTS)
        if (port >= rule.from && port <= rule.to) exposed.push(`${service} (${port})`);
    }
    if (exposed.length === 0) return null;
    const group = param(event, 'groupId') ?? param(event, 'groupName') ?? 'unknown group';
    return {
      severity: ctx.isTrustedAutomation(event.principal) ? 'low' : inProduction('high', event, ctx),
      title: `Security group ${group} opens ${[...new Set(exposed)].join(', ')} to the internet`,
      dedupKey: group,
      evidence: { securityGroup: group, exposed: [...new Set(exposed)], actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};

/** GPU, accelerator, very large and bare-metal instance types: what miners launch. */
const UNUSUAL_TYPE =
  /^(p\d|g\d|gr\d|inf\d|trn\d|dl\d|f\d|vt\d|x\d|u\d?-|hpc\d)|\.(metal|(2[4-9]|[3-9]\d|\d{3,})xlarge)$/;

/** Instances of GPU, accelerator or very large types launched (or attempted) by someone other than the pipelines. */
export const unusualInstanceType: DetectorDefinition = {
  id: 'ec2.unusual-instance-type',
  title: 'Unusual EC2 instance type launched',
  severity: 'high',
  attack: ['T1496'],
  techniques: ['stratus:aws.execution.ec2-launch-unusual-instances'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['RunInstances'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Check with the team that owns the account. If nobody launched them: terminate the instances, look for new key pairs and security groups made by the same principal, and contain the principal. Attempts that failed show someone probing limits and permissions.',
  detect(event, ctx) {
    if (event.name !== 'RunInstances' || event.principal.context.invokedBy !== undefined) return null;
    const type = param(event, 'instanceType');
    if (!type || !UNUSUAL_TYPE.test(type) || ctx.isTrustedAutomation(event.principal)) return null;
    const first = asRecord(listOf(event.request.instancesSet)[0]);
    const count = asNumber(first.maxCount) ?? 1;
    const failed = !succeeded(event);
    return {
      severity: failed ? 'medium' : inProduction('high', event, ctx),
      title: failed
        ? `Attempt to launch ${count} × ${type} failed (${event.errorCode})`
        : `${count} × ${type} launched`,
      dedupKey: failed ? `attempt/${type}` : type,
      evidence: {
        instanceType: type,
        count,
        errorCode: event.errorCode,
        region: event.region,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** An instance's user data replaced: the script runs as root at the next start. */
export const userDataModified: DetectorDefinition = {
  id: 'ec2.user-data-modified',
  title: 'EC2 instance user data replaced',
  severity: 'high',
  attack: ['T1059', 'T1098'],
  techniques: ['stratus:aws.execution.ec2-user-data'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['ModifyInstanceAttribute'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Read the new user data (aws ec2 describe-instance-attribute --attribute userData) before the instance starts again, restore the previous script, and review the caller; if the instance already restarted, treat it as compromised.',
  detect(event, ctx) {
    if (event.name !== 'ModifyInstanceAttribute' || !succeeded(event)) return null;
    if (event.request.userData === undefined && param(event, 'attribute') !== 'userData') return null;
    const instance = param(event, 'instanceId') ?? 'unknown instance';
    return {
      severity: ctx.isTrustedAutomation(event.principal) ? 'low' : inProduction('high', event, ctx),
      title: `User data of instance ${instance} replaced`,
      dedupKey: instance,
      evidence: { instanceId: instance, actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};

/** Builds a burst detector over distinct instances touched by one API within a window. */
const instanceBurst = (
  memory: Record<string, unknown>,
  event: VigilEvent,
  instance: string,
  windowMinutes: number,
): number => {
  forgetBefore(memory, event.time, minutes(windowMinutes));
  return countDistinct(memory, 'instances', instance, event.time, minutes(windowMinutes));
};

/** Instances whose user data one principal reads (or tries to) before we call it harvesting. */
const USER_DATA_BURST = 5;

/** User data read from many instances in minutes: scripts and secrets harvested, Pacu's ec2__download_userdata. */
export const userDataDownloadBurst: DetectorDefinition = {
  id: 'ec2.user-data-download-burst',
  title: 'User data read from many instances',
  severity: 'medium',
  attack: ['T1552', 'T1580'],
  techniques: ['stratus:aws.discovery.ec2-download-user-data'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['DescribeInstanceAttribute'] }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    'Assume whatever the user data held (passwords, tokens, bootstrap keys) is known to the caller: rotate it, move secrets to Secrets Manager, and review the principal.',
  detect(event, ctx) {
    if (event.name !== 'DescribeInstanceAttribute' || param(event, 'attribute') !== 'userData') return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('ec2.user-data-download-burst');
    const instance = param(event, 'instanceId') ?? event.id;
    const count = instanceBurst(memory, event, instance, 10);
    if (succeeded(event)) memory.read = event.time;
    if (count < USER_DATA_BURST) return null;
    const anyRead = typeof memory.read === 'number' && event.time - memory.read <= minutes(10);
    return {
      severity: anyRead ? 'high' : 'medium',
      title: `${event.principal.name} read the user data of at least ${count} instances in 10 minutes${anyRead ? '' : ' (all denied)'}`,
      evidence: {
        instancesInWindow: count,
        anySucceeded: anyRead,
        lastErrorCode: event.errorCode,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** Instances whose Windows password one principal asks for before we call it harvesting. */
const PASSWORD_DATA_BURST = 5;

/** GetPasswordData on many instances in minutes, denied or not: someone hunting for Windows administrator passwords. */
export const passwordDataBurst: DetectorDefinition = {
  id: 'ec2.password-data-burst',
  title: 'Windows passwords requested for many instances',
  severity: 'high',
  attack: ['T1552'],
  techniques: ['stratus:aws.credential-access.ec2-get-password-data'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['GetPasswordData'] }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    'Rotate the administrator password of every instance that answered, check RDP logins on them since, and contain the principal if nobody expected this.',
  detect(event, ctx) {
    if (event.name !== 'GetPasswordData' || ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('ec2.password-data-burst');
    const count = instanceBurst(memory, event, param(event, 'instanceId') ?? event.id, 10);
    if (count < PASSWORD_DATA_BURST) return null;
    return {
      title: `${event.principal.name} requested the Windows password of at least ${count} instances in 10 minutes`,
      evidence: {
        instancesInWindow: count,
        lastErrorCode: event.errorCode,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** Deregistrations by one principal within half an hour that read as destruction, not housekeeping. */
const DEREGISTER_BURST = 3;

/**
 * AMIs deregistered: one is housekeeping (a low note), one that also deletes its snapshots is
 * worth a look, several in half an hour is destruction.
 */
export const amiDeregistered: DetectorDefinition = {
  id: 'ec2.ami-deregistered',
  title: 'AMI deregistered',
  severity: 'low',
  attack: ['T1485'],
  techniques: ['stratus:aws.impact.ec2-deregister-ami'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['DeregisterImage'] }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    'Check whether the images were meant to go (image pipeline retention). If not: restore from the snapshots if they remain (aws ec2 register-image), or from backups, and contain the principal.',
  detect(event, ctx) {
    if (event.name !== 'DeregisterImage' || !succeeded(event) || ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('ec2.ami-deregistered');
    forgetBefore(memory, event.time, minutes(30));
    const image = param(event, 'imageId') ?? event.id;
    const count = countDistinct(memory, 'images', image, event.time, minutes(30));
    const snapshotsToo = event.request.deleteAssociatedSnapshots === true;
    const severity: Severity =
      count >= DEREGISTER_BURST ? inProduction('high', event, ctx) : snapshotsToo ? 'medium' : 'low';
    return {
      severity,
      title:
        count >= DEREGISTER_BURST
          ? `${event.principal.name} deregistered at least ${count} AMIs in 30 minutes`
          : `AMI ${image} deregistered${snapshotsToo ? ' with its snapshots' : ''}`,
      evidence: {
        imageId: image,
        imagesInWindow: count,
        deleteAssociatedSnapshots: snapshotsToo,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** Instances one principal pushes SSH keys to within the window: a finding at 3, high at 5. */
const INSTANCE_CONNECT_FINDING = 3;
const INSTANCE_CONNECT_HIGH = 5;

/** EC2 Instance Connect keys pushed to several instances in minutes: one identity fanning out over SSH. */
export const instanceConnectBurst: DetectorDefinition = {
  id: 'ec2.instance-connect-burst',
  title: 'SSH keys pushed to many instances with EC2 Instance Connect',
  severity: 'medium',
  attack: ['T1021.004', 'T1098.004'],
  techniques: ['stratus:aws.lateral-movement.ec2-instance-connect'],
  triggers: [{ source: 'ec2-instance-connect.amazonaws.com', names: ['SendSSHPublicKey'] }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    "Ask the user what they were doing on those instances. If unexpected: review the instances' auth logs for the pushed key, isolate them, and contain the principal.",
  detect(event, ctx) {
    if (event.name !== 'SendSSHPublicKey' || !succeeded(event) || ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('ec2.instance-connect-burst');
    const count = instanceBurst(memory, event, param(event, 'instanceId') ?? event.id, 15);
    if (count < INSTANCE_CONNECT_FINDING) return null;
    return {
      severity: count >= INSTANCE_CONNECT_HIGH ? inProduction('high', event, ctx) : 'medium',
      title: `${event.principal.name} pushed SSH keys to at least ${count} instances in 15 minutes`,
      evidence: {
        instancesInWindow: count,
        osUser: param(event, 'instanceOSUser') ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** An SSH key pushed through the EC2 serial console, or serial console access switched on for the account. */
export const serialConsoleSshKey: DetectorDefinition = {
  id: 'ec2.serial-console-ssh-key-pushed',
  title: 'SSH key pushed through the EC2 serial console',
  severity: 'high',
  attack: ['T1021.004', 'T1098.004'],
  techniques: ['stratus:aws.lateral-movement.ec2-serial-console-send-ssh-public-key'],
  triggers: [
    { source: 'ec2-instance-connect.amazonaws.com', names: ['SendSerialConsoleSSHPublicKey'] },
    { source: 'ec2.amazonaws.com', names: ['EnableSerialConsoleAccess'] },
  ],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'The serial console bypasses security groups and network ACLs. Ask the user why; if unexpected, disable serial console access for the account (aws ec2 disable-serial-console-access), review the instances, and contain the principal.',
  detect(event, ctx) {
    if (!succeeded(event) || ctx.isTrustedAutomation(event.principal)) return null;
    if (event.name === 'EnableSerialConsoleAccess' && event.source === 'ec2.amazonaws.com') {
      return {
        severity: 'medium',
        title: `EC2 serial console access enabled in ${event.region}`,
        dedupKey: `enable/${event.region}`,
        evidence: { region: event.region, actor: actor(event), ...whereIs(event, ctx) },
      };
    }
    if (event.name !== 'SendSerialConsoleSSHPublicKey') return null;
    const instance = param(event, 'instanceId') ?? 'unknown instance';
    return {
      severity: inProduction('high', event, ctx),
      title: `SSH key pushed to the serial console of ${instance}`,
      evidence: {
        instanceId: instance,
        serialPort: event.request.serialPort ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** VPC flow logs deleted: network evidence stops being written. */
export const flowLogsDeleted: DetectorDefinition = {
  id: 'ec2.flow-logs-deleted',
  title: 'VPC flow logs deleted',
  severity: 'high',
  attack: ['T1562.008'],
  techniques: ['stratus:aws.defense-evasion.vpc-remove-flow-logs'],
  triggers: [{ source: 'ec2.amazonaws.com', names: ['DeleteFlowLogs'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Recreate the flow logs (aws ec2 create-flow-logs) and review what the actor did in the network while they were off.',
  detect(event, ctx) {
    if (event.name !== 'DeleteFlowLogs' || !succeeded(event)) return null;
    const ids = [...new Set(JSON.stringify(event.request).match(/fl-[0-9a-f]+/g) ?? [])];
    return {
      severity: ctx.isTrustedAutomation(event.principal) ? 'low' : inProduction('high', event, ctx),
      title: ids.length > 0 ? `VPC flow logs ${ids.join(', ')} deleted` : 'VPC flow logs deleted',
      dedupKey: event.region,
      evidence: { flowLogIds: ids, region: event.region, actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};
