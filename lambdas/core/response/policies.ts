/**
 * The IAM and bucket policies Vigil writes to contain a principal. Each is Vigil-named, so a
 * responder can tell its own policy from anyone else's and undo exactly what it added.
 */
import { createHash } from 'node:crypto';

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly PolicyStatement[];
}

/** One statement of a policy document. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly [key: string]: unknown;
}

/** Inline policy names Vigil writes. */
export const POLICY_NAMES = {
  denyAll: 'VigilDenyAll',
  revokeOlderSessions: 'VigilRevokeOlderSessions',
} as const;

/** The inline policy name denying one person on a role: one per person, so several can be contained. */
export const denyPersonPolicyName = (sourceIdentity: string): string =>
  `VigilDenyPerson-${createHash('sha256').update(sourceIdentity).digest('hex').slice(0, 12)}`;

/** The bucket policy statement id Vigil uses for one case. */
export const bucketDenySid = (caseId: string): string => `Vigil${caseId.replace(/[^A-Za-z0-9]/g, '')}`;

/** Denies everything. */
export const denyAllPolicy = (): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'VigilContainment', Effect: 'Deny', Action: '*', Resource: '*' }],
});

/**
 * Denies everything to sessions issued before `issuedBefore`: the AWSRevokeOlderSessions pattern
 * the IAM console's "Revoke active sessions" writes. New sessions still work, so a role that
 * services depend on keeps working once they assume it again.
 */
export const revokeOlderSessionsPolicy = (issuedBefore: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'VigilRevokeOlderSessions',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': issuedBefore } },
    },
  ],
});

/** Denies everything to sessions of the role that carry `sourceIdentity`. */
export const denyPersonPolicy = (sourceIdentity: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'VigilDenyPerson',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceIdentity': sourceIdentity } },
    },
  ],
});

/** The statement Vigil adds to a bucket policy: deny the principal every S3 action on the bucket. */
export const bucketDenyStatement = (
  bucket: string,
  sid: string,
  principalArns: readonly string[],
  userIdPatterns: readonly string[],
): PolicyStatement => {
  const condition: Record<string, Record<string, string[]>> = {};
  if (principalArns.length > 0) condition.ArnLike = { 'aws:PrincipalArn': [...principalArns] };
  if (userIdPatterns.length > 0) condition.StringLike = { 'aws:userid': [...userIdPatterns] };
  return {
    Sid: sid,
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: condition,
  };
};

/** `policy` with `statement` in place of any statement with the same Sid. */
export const withStatement = (policy: PolicyDocument | null, statement: PolicyStatement): PolicyDocument => ({
  Version: policy?.Version ?? '2012-10-17',
  Statement: [...(policy?.Statement ?? []).filter((s) => s.Sid !== statement.Sid), statement],
});

/** `policy` without the statement `sid`; null when nothing is left. */
export const withoutStatement = (policy: PolicyDocument, sid: string): PolicyDocument | null => {
  const rest = policy.Statement.filter((s) => s.Sid !== sid);
  return rest.length === 0 ? null : { Version: policy.Version, Statement: rest };
};

/** Parses a policy document as IAM returns it (URL-encoded JSON) or as S3 does (JSON). */
export const parsePolicy = (text: string): PolicyDocument => {
  const json = text.trimStart().startsWith('{') ? text : decodeURIComponent(text);
  const parsed = JSON.parse(json) as { Version?: unknown; Statement?: unknown };
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  return {
    Version: typeof parsed.Version === 'string' ? parsed.Version : '2012-10-17',
    Statement: statements as PolicyStatement[],
  };
};

/** True when two policy documents say the same (key order aside). */
export const samePolicy = (a: PolicyDocument | null, b: PolicyDocument | null): boolean =>
  a !== null && b !== null && canonical(a) === canonical(b);

const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};
