/** Defense evasion beyond CloudTrail: DNS query logs, leaving the organisation, and security services switched off. */
import type { DetectorDefinition } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import type { Severity } from '../finding.ts';
import { actor, asRecord, inProduction, param, succeeded, whereIs } from './helpers.ts';

/** Route 53 Resolver query logging deleted or detached from a VPC: DNS evidence stops. */
export const dnsQueryLoggingDeleted: DetectorDefinition = {
  id: 'route53resolver.query-logging-deleted',
  title: 'DNS query logging deleted',
  severity: 'high',
  attack: ['T1562.008'],
  techniques: ['stratus:aws.defense-evasion.dns-delete-logs'],
  triggers: [
    {
      source: 'route53resolver.amazonaws.com',
      names: ['DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'],
    },
  ],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Recreate the query logging configuration and associate it with the VPCs again (aws route53resolver create-resolver-query-log-config), then review the actor's other changes.",
  detect(event, ctx) {
    if (event.source !== 'route53resolver.amazonaws.com' || !succeeded(event)) return null;
    if (event.name !== 'DeleteResolverQueryLogConfig' && event.name !== 'DisassociateResolverQueryLogConfig')
      return null;
    const config = param(event, 'resolverQueryLogConfigId') ?? 'unknown configuration';
    const deleted = event.name === 'DeleteResolverQueryLogConfig';
    return {
      severity: ctx.isTrustedAutomation(event.principal) ? 'low' : inProduction('high', event, ctx),
      title: deleted
        ? `DNS query logging ${config} deleted`
        : `DNS query logging ${config} detached from VPC ${param(event, 'resourceId') ?? ''}`.trim(),
      dedupKey: config,
      evidence: {
        configuration: config,
        destination: asRecord(event.response.resolverQueryLogConfig).destinationArn ?? null,
        vpc: param(event, 'resourceId') ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** An account tries to leave the organisation: its guardrails (SCPs), central trail and GuardDuty go with it. */
export const leaveOrganization: DetectorDefinition = {
  id: 'organizations.leave-organization',
  title: 'Account tried to leave the organisation',
  severity: 'critical',
  attack: ['T1666', 'T1562'],
  techniques: ['stratus:aws.defense-evasion.organizations-leave'],
  triggers: [{ source: 'organizations.amazonaws.com', names: ['LeaveOrganization'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'If it succeeded: the account is outside every SCP and central log; invite it back from the management account and contain the principal. If it failed: the SCP held; contain the principal anyway, nobody leaves by accident.',
  detect(event, ctx) {
    if (event.name !== 'LeaveOrganization' || event.source !== 'organizations.amazonaws.com') return null;
    const left = succeeded(event);
    return {
      severity: left ? 'critical' : 'high',
      title: left
        ? `Account ${event.accountId} left the organisation`
        : `Account ${event.accountId} tried to leave the organisation (${event.errorCode})`,
      dedupKey: left ? 'left' : 'attempt',
      evidence: {
        accountId: event.accountId,
        succeeded: left,
        errorCode: event.errorCode,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

interface Switch {
  readonly service: string;
  /** How bad it is when it happens; null when this call did not switch anything off. */
  readonly judge: (event: VigilEvent) => { severity: Severity; what: string } | null;
}

const always = (severity: Severity, what: string) => (): { severity: Severity; what: string } => ({ severity, what });

// Every call here switches a detective control off or cuts an account out of central monitoring.
const SWITCHES: Readonly<Record<string, Record<string, Switch>>> = {
  'guardduty.amazonaws.com': {
    DeleteDetector: { service: 'GuardDuty', judge: always('critical', 'detector deleted') },
    UpdateDetector: {
      service: 'GuardDuty',
      judge: (event) => (event.request.enable === false ? { severity: 'critical', what: 'detector suspended' } : null),
    },
    DisassociateFromMasterAccount: {
      service: 'GuardDuty',
      judge: always('high', 'account disassociated from the administrator'),
    },
    DisassociateFromAdministratorAccount: {
      service: 'GuardDuty',
      judge: always('high', 'account disassociated from the administrator'),
    },
    StopMonitoringMembers: { service: 'GuardDuty', judge: always('high', 'member accounts no longer monitored') },
    CreateFilter: {
      service: 'GuardDuty',
      judge: (event) =>
        event.request.action === 'ARCHIVE'
          ? { severity: 'high', what: 'findings auto-archived by a new filter' }
          : null,
    },
  },
  'securityhub.amazonaws.com': {
    DisableSecurityHub: { service: 'Security Hub', judge: always('high', 'disabled') },
    BatchDisableStandards: { service: 'Security Hub', judge: always('medium', 'standards disabled') },
    DisassociateFromAdministratorAccount: {
      service: 'Security Hub',
      judge: always('high', 'account disassociated from the administrator'),
    },
    DisassociateFromMasterAccount: {
      service: 'Security Hub',
      judge: always('high', 'account disassociated from the administrator'),
    },
  },
  'config.amazonaws.com': {
    StopConfigurationRecorder: { service: 'AWS Config', judge: always('high', 'recorder stopped') },
    DeleteConfigurationRecorder: { service: 'AWS Config', judge: always('high', 'recorder deleted') },
    DeleteDeliveryChannel: { service: 'AWS Config', judge: always('high', 'delivery channel deleted') },
  },
  'macie2.amazonaws.com': {
    DisableMacie: { service: 'Macie', judge: always('high', 'disabled') },
    UpdateMacieSession: {
      service: 'Macie',
      judge: (event) => (event.request.status === 'PAUSED' ? { severity: 'high', what: 'paused' } : null),
    },
    DisassociateFromAdministratorAccount: {
      service: 'Macie',
      judge: always('high', 'account disassociated from the administrator'),
    },
    DisassociateFromMasterAccount: {
      service: 'Macie',
      judge: always('high', 'account disassociated from the administrator'),
    },
  },
};

/** GuardDuty, Security Hub, AWS Config or Macie switched off, paused, or cut off from the administrator account. */
export const securityServiceDisabled: DetectorDefinition = {
  id: 'security-services.disabled',
  title: 'Security service switched off',
  severity: 'high',
  attack: ['T1562.001', 'T1562.008'],
  techniques: [
    'vigil:guardduty-disabled',
    'vigil:securityhub-disabled',
    'vigil:config-disabled',
    'vigil:macie-disabled',
  ],
  triggers: Object.entries(SWITCHES).map(([source, calls]) => ({ source, names: Object.keys(calls) })),
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Switch the service back on (re-create the detector, re-enable the hub, restart the recorder, resume Macie) and re-associate the account with the administrator. Then review what the actor did while the service was blind.',
  detect(event, ctx) {
    const control = SWITCHES[event.source]?.[event.name];
    if (!control || !succeeded(event)) return null;
    const verdict = control.judge(event);
    if (!verdict) return null;
    return {
      severity: ctx.isTrustedAutomation(event.principal) ? 'medium' : verdict.severity,
      title: `${control.service} ${verdict.what} in ${event.accountId} (${event.region})`,
      dedupKey: `${control.service}/${event.region}`,
      evidence: {
        service: control.service,
        action: event.name,
        region: event.region,
        detectorId: param(event, 'detectorId') ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** A KMS key scheduled for deletion: everything it encrypts becomes unreadable when the window ends. */
export const kmsKeyScheduledForDeletion: DetectorDefinition = {
  id: 'kms.key-scheduled-for-deletion',
  title: 'KMS key scheduled for deletion',
  severity: 'high',
  attack: ['T1485', 'T1486'],
  techniques: ['vigil:kms-key-scheduled-for-deletion'],
  triggers: [{ source: 'kms.amazonaws.com', names: ['ScheduleKeyDeletion'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Cancel the deletion now (aws kms cancel-key-deletion, then enable-key): it can be undone only during the waiting period. Then find what the key encrypts and who asked for its deletion.',
  detect(event, ctx) {
    if (event.name !== 'ScheduleKeyDeletion' || event.source !== 'kms.amazonaws.com' || !succeeded(event)) return null;
    const key = param(event, 'keyId') ?? 'unknown key';
    const days = event.request.pendingWindowInDays ?? 30;
    return {
      severity: ctx.isTrustedAutomation(event.principal) ? 'low' : inProduction('high', event, ctx),
      title: `KMS key ${key.split('/').pop()} scheduled for deletion in ${days} days`,
      dedupKey: key,
      evidence: {
        keyId: key,
        pendingWindowInDays: days,
        deletionDate: event.response.deletionDate ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
