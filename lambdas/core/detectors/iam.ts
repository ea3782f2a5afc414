/** IAM persistence and privilege escalation detectors. */
import type { DetectorDefinition } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import type { Severity } from '../finding.ts';
import {
  actor,
  asNumber,
  asRecord,
  externalAccountsOf,
  hasRestrictingCondition,
  inProduction,
  param,
  policyStatements,
  succeeded,
  whereIs,
} from './helpers.ts';

/** True when the call targets the calling IAM user itself (or names no user, which means the caller). */
const targetsSelf = (event: VigilEvent, target: string | undefined): boolean =>
  target === undefined || (event.principal.type === 'IAMUser' && target === event.principal.name);

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
    if (targetsSelf(event, target) || ctx.isTrustedAutomation(event.principal)) return null;
    const accessKey = asRecord(event.response.accessKey);
    return {
      severity: inProduction('high', event, ctx),
      title: `${event.principal.name} created an access key for ${target}`,
      dedupKey: target,
      evidence: {
        targetUser: target,
        newAccessKeyId: typeof accessKey.accessKeyId === 'string' ? accessKey.accessKeyId : null,
        actor: actor(event),
        ...whereIs(event, ctx),
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

/** True when an inline policy allows every action (or every IAM action) on every resource. */
const grantsAdmin = (policy: unknown): boolean =>
  policyStatements(policy).some(
    (s) =>
      s.effect === 'Allow' &&
      !s.notAction &&
      s.resources.includes('*') &&
      s.actions.some((action) => action === '*' || action.toLowerCase() === 'iam:*'),
  );

const TARGET_KIND: Readonly<Record<string, 'user' | 'role' | 'group'>> = {
  AttachUserPolicy: 'user',
  AttachRolePolicy: 'role',
  AttachGroupPolicy: 'group',
  PutUserPolicy: 'user',
  PutRolePolicy: 'role',
  PutGroupPolicy: 'group',
};

/** AdministratorAccess (or IAMFullAccess, PowerUserAccess, or an inline `*:*` policy) given to a user, group or role. */
export const adminPolicyAttached: DetectorDefinition = {
  id: 'iam.admin-policy-attached',
  title: 'Administrator policy attached',
  severity: 'high',
  attack: ['T1098.003'],
  techniques: ['stratus:aws.persistence.iam-create-admin-user'],
  triggers: [
    {
      source: 'iam.amazonaws.com',
      names: [
        'AttachUserPolicy',
        'AttachRolePolicy',
        'AttachGroupPolicy',
        'PutUserPolicy',
        'PutRolePolicy',
        'PutGroupPolicy',
      ],
    },
  ],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Check the change against a ticket. If unexpected: detach or delete the policy, review what the target did with it, and review the caller.',
  detect(event, ctx) {
    const kind = TARGET_KIND[event.name];
    if (!kind || event.source !== 'iam.amazonaws.com' || !succeeded(event)) return null;
    const policyArn = param(event, 'policyArn');
    const inline = event.name.startsWith('Put');
    if (inline ? !grantsAdmin(event.request.policyDocument) : !policyArn || !ADMIN_POLICIES.has(policyArn)) return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const policy = inline
      ? `inline policy ${param(event, 'policyName') ?? ''}`.trim()
      : (policyArn?.split('/').pop() ?? 'policy');
    const target = param(event, `${kind}Name`) ?? 'unknown';
    const self = kind === 'user' && event.principal.type === 'IAMUser' && target === event.principal.name;
    return {
      severity: inProduction(self ? 'critical' : 'high', event, ctx),
      title: `${policy} (administrator) attached to ${kind} ${target}${self ? ' by that user' : ''}`,
      dedupKey: `${kind}/${target}/${policyArn ?? param(event, 'policyName') ?? 'inline'}`,
      evidence: { policy: policyArn ?? policy, targetType: kind, target, actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};

/**
 * A role's trust policy lets an account outside the organisation, or anyone, assume it: on
 * `UpdateAssumeRolePolicy` (backdooring an existing role) or `CreateRole` (a new backdoor role).
 */
export const roleTrustPolicyBackdoor: DetectorDefinition = {
  id: 'iam.role-trust-policy-backdoor',
  title: 'Role trust policy lets an outside account assume the role',
  severity: 'high',
  attack: ['T1098.003', 'T1199'],
  techniques: ['stratus:aws.persistence.iam-backdoor-role', 'stratus:aws.persistence.iam-create-backdoor-role'],
  triggers: [{ source: 'iam.amazonaws.com', names: ['UpdateAssumeRolePolicy', 'CreateRole'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Find who owns the outside account. If nobody expects it: restore the trust policy (aws iam update-assume-role-policy) or delete the new role, revoke its active sessions (an inline deny on aws:TokenIssueTime), and look for AssumeRole calls from that account in CloudTrail.',
  detect(event, ctx) {
    if (event.source !== 'iam.amazonaws.com' || !succeeded(event)) return null;
    if (event.name !== 'UpdateAssumeRolePolicy' && event.name !== 'CreateRole') return null;
    const document =
      event.name === 'CreateRole' ? event.request.assumeRolePolicyDocument : event.request.policyDocument;
    const statements = policyStatements(document).filter((s) => s.effect === 'Allow');
    const anyone = statements.some((s) => s.anyone && !hasRestrictingCondition(s));
    const accounts = [...new Set(statements.flatMap((s) => externalAccountsOf(s, event, ctx)))];
    if (!anyone && accounts.length === 0) return null;
    // Vendors' cross-account roles demand an ExternalId; a bare outside principal is the backdoor shape.
    const externalId = statements.some((s) =>
      Object.values(s.condition).some((block) =>
        Object.keys(asRecord(block)).some((k) => k.toLowerCase() === 'sts:externalid'),
      ),
    );
    let severity: Severity = anyone ? 'critical' : externalId ? 'medium' : 'high';
    if (ctx.isTrustedAutomation(event.principal)) severity = 'low';
    else severity = inProduction(severity, event, ctx);
    const role = param(event, 'roleName') ?? 'unknown role';
    const who = anyone ? 'anyone' : `account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')}`;
    return {
      severity,
      title: `${event.name === 'CreateRole' ? 'New role' : 'Role'} ${role} can be assumed by ${who}`,
      dedupKey: role,
      evidence: {
        role,
        action: event.name,
        trustedAccounts: accounts,
        anyone,
        externalIdRequired: externalId,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** A console password created or reset for another IAM user: a way in that survives key rotation. */
export const loginProfileForOtherUser: DetectorDefinition = {
  id: 'iam.login-profile-for-other-user',
  title: 'Console password set for another user',
  severity: 'high',
  attack: ['T1098.001'],
  techniques: [
    'stratus:aws.persistence.iam-create-user-login-profile',
    'stratus:aws.privilege-escalation.iam-update-user-login-profile',
  ],
  triggers: [{ source: 'iam.amazonaws.com', names: ['CreateLoginProfile', 'UpdateLoginProfile'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Ask the target user whether they asked for a password (re)set. If not: delete the login profile (aws iam delete-login-profile) or force a reset, check console sign-ins for the user since, and review the caller.',
  detect(event, ctx) {
    if (event.source !== 'iam.amazonaws.com' || !succeeded(event)) return null;
    if (event.name !== 'CreateLoginProfile' && event.name !== 'UpdateLoginProfile') return null;
    const target = param(event, 'userName');
    if (targetsSelf(event, target) || ctx.isTrustedAutomation(event.principal)) return null;
    const created = event.name === 'CreateLoginProfile';
    return {
      severity: inProduction('high', event, ctx),
      title: `${event.principal.name} ${created ? 'created a console password' : 'changed the console password'} for ${target}`,
      dedupKey: target,
      evidence: {
        targetUser: target,
        action: event.name,
        passwordResetRequired: event.request.passwordResetRequired ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** Shortest password length we accept without complexity rules (the CIS benchmark's 14). */
const STRONG_LENGTH = 14;
/** Below this, a password policy is weak whatever else it requires (AWS's own default is 8). */
const MINIMUM_LENGTH = 8;

/** The account password policy weakened or deleted. */
export const passwordPolicyWeakened: DetectorDefinition = {
  id: 'iam.password-policy-weakened',
  title: 'Account password policy weakened',
  severity: 'medium',
  attack: ['T1556', 'T1562'],
  techniques: ['guardduty:Stealth:IAMUser/PasswordPolicyChange'],
  triggers: [{ source: 'iam.amazonaws.com', names: ['UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy'] }],
  fastPath: true,
  dedupWindowMinutes: 24 * 60,
  runbook:
    "Restore the organisation's password policy (aws iam update-account-password-policy), and look for password changes and new login profiles made while it was weak.",
  detect(event, ctx) {
    if (event.source !== 'iam.amazonaws.com' || !succeeded(event)) return null;
    let weaknesses: string[];
    if (event.name === 'DeleteAccountPasswordPolicy') {
      weaknesses = ['policy deleted'];
    } else if (event.name === 'UpdateAccountPasswordPolicy') {
      const length = asNumber(event.request.minimumPasswordLength) ?? MINIMUM_LENGTH;
      const complexity = [
        'requireSymbols',
        'requireNumbers',
        'requireUppercaseCharacters',
        'requireLowercaseCharacters',
      ].filter((rule) => event.request[rule] === true);
      weaknesses = [];
      if (length < MINIMUM_LENGTH) weaknesses.push(`minimum length ${length}`);
      else if (length < STRONG_LENGTH && complexity.length === 0)
        weaknesses.push(`minimum length ${length} without complexity rules`);
      if (weaknesses.length === 0) return null;
    } else {
      return null;
    }
    return {
      severity: ctx.isTrustedAutomation(event.principal) ? 'low' : inProduction('medium', event, ctx),
      title: `Account password policy weakened: ${weaknesses.join(', ')}`,
      dedupKey: event.accountId,
      evidence: { weaknesses, request: event.request, actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};
