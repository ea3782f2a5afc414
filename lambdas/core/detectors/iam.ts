/** IAM persistence and privilege escalation detectors. */
import type { DetectorDefinition } from '../detector.ts';
import { actor, inProduction, param, succeeded } from './helpers.ts';

/** An access key created for a user other than the caller: the classic backdoor key. */
export const accessKeyForOtherUser: DetectorDefinition = {
  id: 'iam.access-key-created-for-other-user',
  title: 'Access key created for another user',
  severity: 'high',
  attack: ['T1098.001'],
  techniques: ['stratus:aws.persistence.iam-backdoor-user'],
  triggers: [{ source: 'iam.amazonaws.com', names: ['CreateAccessKey'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Ask the target user and the caller. If not expected: deactivate the new key (aws iam update-access-key --status Inactive), check where it was used since, and review the caller.',
  detect(event, ctx) {
    if (event.name !== 'CreateAccessKey' || !succeeded(event)) return null;
    const target = param(event, 'userName');
    // No userName: the caller created a key for itself.
    if (!target || (event.principal.type === 'IAMUser' && target === event.principal.name)) return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const accessKey = (event.response.accessKey ?? {}) as Record<string, unknown>;
    return {
      severity: inProduction('high', event, ctx),
      title: `${event.principal.name} created an access key for ${target}`,
      dedupKey: target,
      evidence: {
        targetUser: target,
        newAccessKeyId: typeof accessKey.accessKeyId === 'string' ? accessKey.accessKeyId : null,
        actor: actor(event),
        sourceIp: event.sourceIp,
        userAgent: event.userAgent,
      },
    };
  },
};

const ADMIN_POLICIES = new Set([
  'arn:aws:iam::aws:policy/AdministratorAccess',
  'arn:aws:iam::aws:policy/IAMFullAccess',
  'arn:aws:iam::aws:policy/PowerUserAccess',
]);

/** AdministratorAccess (or IAMFullAccess, PowerUserAccess) attached to a user, group or role. */
export const adminPolicyAttached: DetectorDefinition = {
  id: 'iam.admin-policy-attached',
  title: 'Administrator policy attached',
  severity: 'high',
  attack: ['T1098.003'],
  techniques: ['stratus:aws.persistence.iam-create-admin-user', 'privilege escalation: attach admin policy'],
  triggers: [{ source: 'iam.amazonaws.com', names: ['AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Check the change against a ticket. If unexpected: detach the policy, review what the target did with it, and review the caller.',
  detect(event, ctx) {
    if (!event.name.startsWith('Attach') || !succeeded(event)) return null;
    const policyArn = param(event, 'policyArn');
    if (!policyArn || !ADMIN_POLICIES.has(policyArn)) return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const kind = event.name === 'AttachUserPolicy' ? 'user' : event.name === 'AttachRolePolicy' ? 'role' : 'group';
    const target = param(event, `${kind}Name`) ?? 'unknown';
    const self = kind === 'user' && event.principal.type === 'IAMUser' && target === event.principal.name;
    return {
      severity: inProduction(self ? 'critical' : 'high', event, ctx),
      title: `${policyArn.split('/').pop()} attached to ${kind} ${target}${self ? ' (by that user)' : ''}`,
      dedupKey: `${kind}/${target}/${policyArn}`,
      evidence: { policyArn, targetType: kind, target, actor: actor(event), sourceIp: event.sourceIp },
    };
  },
};
