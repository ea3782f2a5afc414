/**
 * Who a containment acts on. A finding names its principal by key, ARN and type; this reads the
 * IAM user, the role, or the person behind a role out of them.
 */
import type { Finding } from '../finding.ts';
import { principalMatches } from '../patterns.ts';
import type { Principal, PrincipalContext } from '../principal.ts';
import type { ContainTarget } from './types.ts';

const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]+$/;

/** Role name and session name of an assumed-role ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`). */
export const parseAssumedRoleArn = (arn: string | null): { roleName: string; sessionName: string } | null => {
  if (arn === null) return null;
  const match = /^arn:[^:]+:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return match?.[1] && match[2] ? { roleName: match[1], sessionName: match[2] } : null;
};

const partitionOf = (arn: string | null): string => (arn?.split(':')[1] ? (arn.split(':')[1] ?? 'aws') : 'aws');

/** The IAM ARN of a role in `accountId`. */
const roleArn = (partition: string, accountId: string, roleName: string): string =>
  `arn:${partition}:iam::${accountId}:role/${roleName}`;

/** The target of a finding's principal. */
export const targetOf = (principal: Finding['principal']): ContainTarget => {
  const { accountId, arn } = principal;
  const partition = partitionOf(arn);
  if (principal.type === 'IAMUser') {
    return {
      kind: 'iam-user',
      accountId,
      userName: principal.name,
      arn: arn ?? `arn:${partition}:iam::${accountId}:user/${principal.name}`,
    };
  }
  const assumed = parseAssumedRoleArn(arn);
  if (principal.key.startsWith('role:') && (principal.type === 'AssumedRole' || assumed)) {
    const roleName = assumed?.roleName ?? principal.name;
    return { kind: 'iam-role', accountId, roleName, arn: roleArn(partition, accountId, roleName) };
  }
  if (principal.key.startsWith('person:') && assumed) {
    const sso = SSO_ROLE.exec(assumed.roleName);
    if (sso?.[1]) {
      return {
        kind: 'identity-center',
        accountId,
        roleName: assumed.roleName,
        permissionSet: sso[1],
        userName: assumed.sessionName,
        arn: roleArn(partition, accountId, assumed.roleName),
      };
    }
    return {
      kind: 'role-person',
      accountId,
      roleName: assumed.roleName,
      sourceIdentity: principal.name,
      arn: roleArn(partition, accountId, assumed.roleName),
    };
  }
  return { kind: 'unsupported', accountId, principalType: principal.type, name: principal.name, arn };
};

/** The principal as the pattern matcher sees it: the role behind an assumed role counts too. */
export const asPrincipal = (principal: Finding['principal']): Principal => {
  const assumed = parseAssumedRoleArn(principal.arn);
  const context: PrincipalContext = assumed
    ? {
        roleName: assumed.roleName,
        roleArn: roleArn(partitionOf(principal.arn), principal.accountId, assumed.roleName),
        sessionName: assumed.sessionName,
      }
    : {};
  return { ...principal, context };
};

/** The first protected pattern the principal matches, or null. */
export const protectedBy = (patterns: readonly string[], principal: Finding['principal']): string | null => {
  const subject = asPrincipal(principal);
  return patterns.find((pattern) => principalMatches(pattern, subject)) ?? null;
};
