/**
 * Who is acting. Baselines belong to the person where CloudTrail lets us know the person
 * (IAM user, Identity Center user behind an `AWSReservedSSO_*` session, a `sourceIdentity`),
 * else to the role, as ../shared/DESIGN.md lays out.
 */

/** The identity kinds a finding's `principal.type` can name. */
export type PrincipalType =
  | 'IAMUser'
  | 'Root'
  | 'AssumedRole'
  | 'IdentityCenterUser'
  | 'FederatedUser'
  | 'SAMLUser'
  | 'WebIdentityUser'
  | 'AWSAccount'
  | 'Unknown';

/** A resolved principal: the identity Vigil keeps a baseline and a risk score for. */
export interface Principal {
  /** Stable key baselines are kept under, e.g. `user:123456789012:alice`, `person:alice@example.com`. */
  readonly key: string;
  /** The ARN of the acting identity, or null when CloudTrail gives none (failed sign-ins). */
  readonly arn: string | null;
  readonly type: PrincipalType;
  /** The account the identity belongs to (for cross-account callers, the caller's account). */
  readonly accountId: string;
  /** Human-readable name. */
  readonly name: string;
  /** Context kept beside the identity: the role and session behind a person, the instance behind a role. */
  readonly context: PrincipalContext;
}

/** Where a principal came from, for evidence and peer groups. */
export interface PrincipalContext {
  readonly roleName?: string;
  readonly roleArn?: string;
  readonly sessionName?: string;
  /** Identity Center permission set behind an `AWSReservedSSO_<set>_<hash>` role. */
  readonly permissionSet?: string;
  readonly sourceIdentity?: string;
  /** EC2 instance id when a role session is an instance profile session. */
  readonly instanceId?: string;
  /** The service that made the call on the principal's behalf (`invokedBy`). */
  readonly invokedBy?: string;
  readonly identityProvider?: string;
}
