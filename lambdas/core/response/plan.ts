/**
 * What containing a principal takes, planned before anything is done: for an IAM user, a deny-all
 * inline policy first (it cuts every credential at once), then its access keys, console password
 * and managed policies; for a role, its older sessions; for a person behind a role, that person's
 * sessions; and, where IAM cannot reach, plain instructions for an administrator.
 */
import type { Finding } from '../finding.ts';
import { wildcardMatch } from '../patterns.ts';
import { bucketDenySid, denyPersonPolicyName, POLICY_NAMES } from './policies.ts';
import type { ResponseSettings } from './settings.ts';
import type { ActionSpec, ContainTarget, Enrichment, PlannedAction } from './types.ts';

/** What planning needs besides the target. */
export interface PlanInput {
  readonly caseId: string;
  readonly finding: Finding;
  readonly target: ContainTarget;
  readonly enrichment: Enrichment;
  readonly settings: ResponseSettings;
  /** Epoch ms: older sessions are those issued before this. */
  readonly now: number;
}

const ACCESS_KEY = /^AKIA[0-9A-Z]{12,}$/;
/** Keys last used this long before the first event of the finding count as used in it. */
const KEY_USE_SLACK_MS = 60 * 60 * 1000;

/** Strings found under `names` anywhere in evidence (one level of nesting, arrays included). */
const evidenceStrings = (evidence: Record<string, unknown>, names: readonly string[]): string[] => {
  const found: string[] = [];
  const take = (value: unknown) => {
    if (typeof value === 'string') found.push(value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') found.push(v);
  };
  for (const [key, value] of Object.entries(evidence)) {
    if (names.includes(key)) take(value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value as Record<string, unknown>)) if (names.includes(inner)) take(v);
    }
  }
  return [...new Set(found)];
};

/** Long-term access keys the finding's events used (`accessKeyId`/`accessKeyIds` in evidence). */
export const keysSeen = (finding: Finding): string[] =>
  evidenceStrings(finding.evidence, ['accessKeyId', 'accessKeyIds']).filter((id) => ACCESS_KEY.test(id));

/** Buckets the finding names (`bucket`, `bucketName`, `buckets` in evidence). */
export const bucketsNamed = (finding: Finding): string[] =>
  evidenceStrings(finding.evidence, ['bucket', 'bucketName', 'buckets']);

const action = (id: string, target: string, description: string, spec: ActionSpec): PlannedAction => ({
  id,
  target,
  description,
  spec,
});

const chooseKeys = (input: PlanInput, userName: string): { ids: string[] | null; why: string } => {
  const { enrichment, finding, settings } = input;
  const known = enrichment.kind === 'iam-user' ? enrichment.accessKeys : null;
  if (settings.deactivateAllKeys)
    return {
      ids: known ? known.filter((k) => k.status === 'Active').map((k) => k.id) : null,
      why: 'configured to deactivate every key',
    };
  const seen = keysSeen(finding);
  if (seen.length > 0) return { ids: seen, why: "seen in the case's events" };
  if (known) {
    const since = Date.parse(finding.firstEventTime) - KEY_USE_SLACK_MS;
    const used = known.filter(
      (k) => k.status === 'Active' && k.lastUsedAt !== null && Date.parse(k.lastUsedAt) >= since,
    );
    if (used.length > 0) return { ids: used.map((k) => k.id), why: "used since the case's first event" };
    return {
      ids: known.filter((k) => k.status === 'Active').map((k) => k.id),
      why: 'the keys used are unknown, so every active key',
    };
  }
  return {
    ids: null,
    why: `the keys used are unknown and ${userName}'s keys could not be listed, so every active key`,
  };
};

const userPlan = (input: PlanInput, target: Extract<ContainTarget, { kind: 'iam-user' }>): PlannedAction[] => {
  const { userName, arn } = target;
  const { enrichment } = input;
  const user = enrichment.kind === 'iam-user' ? enrichment : null;
  const plan: PlannedAction[] = [
    action(
      'deny-all-user',
      arn,
      `Attach inline policy ${POLICY_NAMES.denyAll} denying every action to IAM user ${userName}`,
      { kind: 'deny-all-user', userName, policyName: POLICY_NAMES.denyAll },
    ),
  ];
  const keys = chooseKeys(input, userName);
  if (keys.ids === null || keys.ids.length > 0) {
    const which =
      keys.ids === null
        ? 'every active access key'
        : `access key${keys.ids.length > 1 ? 's' : ''} ${keys.ids.join(', ')}`;
    plan.push(
      action('deactivate-access-keys', arn, `Deactivate ${which} of IAM user ${userName} (${keys.why})`, {
        kind: 'deactivate-access-keys',
        userName,
        accessKeyIds: keys.ids,
      }),
    );
  }
  if (user === null || user.loginProfile !== null) {
    plan.push(
      action('delete-login-profile', arn, `Remove the console password of IAM user ${userName}`, {
        kind: 'delete-login-profile',
        userName,
      }),
    );
  }
  const policies = user ? user.attachedPolicies.map((p) => p.arn) : null;
  if (policies === null || policies.length > 0) {
    const names = user ? user.attachedPolicies.map((p) => p.name).join(', ') : 'every managed policy';
    plan.push(
      action('detach-user-policies', arn, `Detach ${names} from IAM user ${userName}`, {
        kind: 'detach-user-policies',
        userName,
        policyArns: policies,
      }),
    );
  }
  return plan;
};

const rolePlan = (input: PlanInput, target: Extract<ContainTarget, { kind: 'iam-role' }>): PlannedAction[] => {
  const issuedBefore = new Date(input.now).toISOString();
  const plan = [
    action(
      'revoke-role-sessions',
      target.arn,
      `Revoke every session of role ${target.roleName} issued before ${issuedBefore} (inline policy ${POLICY_NAMES.revokeOlderSessions})`,
      {
        kind: 'revoke-role-sessions',
        roleName: target.roleName,
        policyName: POLICY_NAMES.revokeOlderSessions,
        issuedBefore,
      },
    ),
  ];
  if (input.settings.denyAllOnRoles) {
    plan.push(
      action(
        'deny-all-role',
        target.arn,
        `Attach inline policy ${POLICY_NAMES.denyAll} denying every action to role ${target.roleName}`,
        {
          kind: 'deny-all-role',
          roleName: target.roleName,
          policyName: POLICY_NAMES.denyAll,
        },
      ),
    );
  }
  return plan;
};

const identityCenterSteps = (target: Extract<ContainTarget, { kind: 'identity-center' }>): string[] => [
  `In IAM Identity Center, disable user access for ${target.userName} (Users > ${target.userName} > Disable user access), so no new session starts.`,
  `Delete ${target.userName}'s active sessions there (Users > ${target.userName} > Active sessions > Delete session).`,
  `Role credentials already issued through permission set ${target.permissionSet} stay valid until they expire (the permission set's session duration, at most 12 hours). To cut them now, add to permission set ${target.permissionSet} an inline policy that denies every action when aws:userid matches "*:${target.userName}", and reprovision it. Vigil cannot do this from account ${target.accountId}: IAM refuses changes to AWSReservedSSO_ roles.`,
];

const unsupportedSteps = (target: Extract<ContainTarget, { kind: 'unsupported' }>): string[] => {
  switch (target.principalType) {
    case 'Root':
      return [
        `Sign in as the root user of account ${target.accountId}, change its password and replace its MFA device.`,
        `Delete any root access keys of account ${target.accountId}; in an organisation, remove the root credentials with centralised root access.`,
      ];
    case 'FederatedUser':
      return [
        `Federated user ${target.name} was issued by GetFederationToken: deny the IAM user that issued it (an inline deny-all), which also cuts its federation tokens.`,
      ];
    case 'AWSAccount':
      return [
        `Calls came from account ${target.accountId}: review and remove the trust that lets it in (role trust policies, resource policies).`,
      ];
    default:
      return [
        `Vigil cannot contain a ${target.principalType} principal (${target.name}) through IAM: revoke its access at its identity provider and review the roles it can assume.`,
      ];
  }
};

const bucketPlan = (input: PlanInput): PlannedAction[] => {
  const { settings, finding, target } = input;
  if (!settings.denyBucketAccess) return [];
  const buckets = bucketsNamed(finding).filter((b) => settings.sensitiveBuckets.some((p) => wildcardMatch(p, b)));
  const principalArns = target.kind === 'iam-user' || target.kind === 'iam-role' ? [target.arn] : [];
  const userIdPatterns =
    target.kind === 'identity-center'
      ? [`*:${target.userName}`]
      : target.kind === 'role-person'
        ? [`*:${target.sourceIdentity}`]
        : [];
  if (principalArns.length === 0 && userIdPatterns.length === 0) return [];
  const sid = bucketDenySid(input.caseId);
  return buckets.map((bucket) =>
    action(
      `deny-bucket-access:${bucket}`,
      `arn:aws:s3:::${bucket}`,
      `Deny ${finding.principal.name} every S3 action on sensitive bucket ${bucket} (bucket policy statement ${sid})`,
      { kind: 'deny-bucket-access', bucket, sid, principalArns, userIdPatterns },
    ),
  );
};

/** Turns automated steps into instructions: used when the principal lives in another account. */
const asManual = (plan: readonly PlannedAction[], accountId: string, responderAccountId: string): PlannedAction[] =>
  plan.length === 0
    ? []
    : [
        action('manual:other-account', accountId, `Contain in account ${accountId} by hand`, {
          kind: 'manual',
          title: `The principal is in account ${accountId}; Vigil's responders act in account ${responderAccountId}`,
          steps: plan.map((a) => `In account ${accountId}: ${a.description}.`),
        }),
      ];

/** The containment plan for a case, in the order the steps run. */
export const planContainment = (input: PlanInput): PlannedAction[] => {
  const { target, settings } = input;
  let automated: PlannedAction[];
  let manual: PlannedAction[] = [];
  switch (target.kind) {
    case 'iam-user':
      automated = userPlan(input, target);
      break;
    case 'iam-role':
      automated = rolePlan(input, target);
      break;
    case 'role-person':
      automated = [
        action(
          'deny-person-on-role',
          target.arn,
          `Deny every action to sessions of role ${target.roleName} with source identity ${target.sourceIdentity} (inline policy ${denyPersonPolicyName(target.sourceIdentity)})`,
          {
            kind: 'deny-person-on-role',
            roleName: target.roleName,
            policyName: denyPersonPolicyName(target.sourceIdentity),
            sourceIdentity: target.sourceIdentity,
          },
        ),
      ];
      break;
    case 'identity-center':
      automated = [];
      manual = [
        action('manual:identity-center', target.arn, `Revoke ${target.userName}'s Identity Center sessions`, {
          kind: 'manual',
          title: `${target.userName} signs in through IAM Identity Center (permission set ${target.permissionSet})`,
          steps: identityCenterSteps(target),
        }),
      ];
      break;
    case 'unsupported':
      automated = [];
      manual = [
        action(`manual:${target.principalType}`, target.arn ?? target.accountId, `Contain ${target.name} by hand`, {
          kind: 'manual',
          title: `Vigil has no automated containment for a ${target.principalType} principal`,
          steps: unsupportedSteps(target),
        }),
      ];
      break;
  }
  automated = [...automated, ...bucketPlan(input)];
  if (settings.responderAccountId !== null && target.accountId !== settings.responderAccountId) {
    const buckets = automated.filter((a) => a.spec.kind === 'deny-bucket-access');
    const inAccount = automated.filter((a) => a.spec.kind !== 'deny-bucket-access');
    return [...asManual(inAccount, target.accountId, settings.responderAccountId), ...buckets, ...manual];
  }
  return [...automated, ...manual];
};

/** True when a plan has a step a responder performs (not only instructions). */
export const hasAutomatedSteps = (plan: readonly PlannedAction[]): boolean =>
  plan.some((a) => a.spec.kind !== 'manual');
