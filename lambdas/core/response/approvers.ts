/**
 * Who may approve, deny or release a case: the caller's own AWS identity (from STS
 * GetCallerIdentity) checked against the configured approvers. An Identity Center session counts
 * as its user, because Identity Center names the session after the user and nobody can choose
 * it; any other role session counts only as the role, since its session name is the caller's
 * choice.
 */
import type { Finding } from '../finding.ts';
import { wildcardMatch } from '../patterns.ts';
import { namesSubject } from './decide.ts';
import { parseAssumedRoleArn } from './target.ts';

/** The caller is not a configured approver. */
export class NotAnApproverError extends Error {
  override readonly name = 'NotAnApproverError';
}

/** The caller is the subject of the case. */
export class SelfApprovalError extends Error {
  override readonly name = 'SelfApprovalError';
}

/** Names the caller answers to: its ARN, its role's ARN, and its Identity Center user name. */
export const callerNames = (callerArn: string): string[] => {
  const names = [callerArn];
  const assumed = parseAssumedRoleArn(callerArn);
  if (assumed) {
    const [, partition = 'aws', , , account = ''] = callerArn.split(':');
    names.push(`arn:${partition}:iam::${account}:role/${assumed.roleName}`);
    if (assumed.roleName.startsWith('AWSReservedSSO_')) names.push(assumed.sessionName);
  }
  return names;
};

/**
 * Returns the approver entry the caller matches; throws NotAnApproverError when none does, and
 * SelfApprovalError when the caller is the case's subject.
 */
export const authorizeApprover = (callerArn: string, approvers: readonly string[], subject: Finding | null): string => {
  const names = callerNames(callerArn);
  if (subject !== null && names.some((name) => namesSubject(name, subject))) {
    throw new SelfApprovalError(
      `${callerArn} is the subject of this case (${subject.principal.name}); expected another approver`,
    );
  }
  const match = approvers.find((entry) => names.some((name) => wildcardMatch(entry, name)));
  if (match === undefined) {
    const listed = approvers.length > 0 ? approvers.join(', ') : 'none configured';
    throw new NotAnApproverError(`${callerArn} is not an approver; expected one of response.approvers (${listed})`);
  }
  return match;
};
