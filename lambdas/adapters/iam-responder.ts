/**
 * The responder that acts: reads and changes IAM (and, for the optional bucket deny, bucket
 * policies) through injected SDK clients. Every step reads the state it is about to change
 * first, so it is idempotent (a step already in effect is `unchanged`) and release can put back
 * exactly what was there. Throttling is retried with exponential backoff and full jitter; any
 * other error fails that step only, recorded with its message.
 */
import {
  AttachUserPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  bucketDenyStatement,
  denyAllPolicy,
  denyPersonPolicy,
  type PolicyDocument,
  parsePolicy,
  revokeOlderSessionsPolicy,
  samePolicy,
  withoutStatement,
  withStatement,
} from '../core/response/policies.ts';
import type { Responder } from '../core/response/ports.ts';
import type {
  AccessKeyFacts,
  ActionRecord,
  ActionSpec,
  AttachedPolicy,
  ContainTarget,
  Enrichment,
  PlannedAction,
  UndoRecord,
} from '../core/response/types.ts';

/** Options of the IAM responder. */
export interface IamResponderOptions {
  /** @default - no bucket-policy steps: they fail saying no S3 client was given */
  readonly s3?: S3Client;
  /** @default 6 - calls per request, the first included, while throttled */
  readonly maxAttempts?: number;
  /** @default 200 - ms before the first retry; doubles each time, with full jitter */
  readonly baseDelayMs?: number;
  /** @default - setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
]);

/** True for an error AWS raises when calls come too fast. */
export const isThrottling = (error: unknown): boolean =>
  error instanceof Error &&
  (THROTTLING.has(error.name) || (error as { $retryable?: { throttling?: boolean } }).$retryable?.throttling === true);

const isNoSuchEntity = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'NoSuchEntity' || error.name === 'NoSuchEntityException' || error.name === 'NoSuchBucketPolicy');

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** The state of a Vigil-named inline policy before or after a step. */
interface PolicyState {
  readonly policyName: string;
  readonly document: PolicyDocument | null;
}

interface KeyState {
  readonly id: string;
  readonly status: string;
}

/** Thrown inside a step to fail it with the state read so far. */
class StepError extends Error {
  override readonly name = 'StepError';
  constructor(
    message: string,
    readonly before: unknown,
    readonly after: unknown,
  ) {
    super(message);
  }
}

/** Responder over IAM (and S3 for bucket policies). */
export class IamResponder implements Responder {
  readonly dryRun = false;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private attempts = 0;

  constructor(
    private readonly iam: IAMClient,
    private readonly options: IamResponderOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Sends with retries while throttled; counts every call in `attempts`. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.attempts++;
      try {
        return await send();
      } catch (error) {
        if (!isThrottling(error) || attempt >= this.maxAttempts) throw error;
        await this.sleep(Math.floor(this.random() * this.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  /** Every page of an IAM list call (Marker / IsTruncated). */
  private async all<P extends { IsTruncated?: boolean; Marker?: string }, T>(
    page: (marker: string | undefined) => Promise<P>,
    items: (p: P) => readonly T[] | undefined,
  ): Promise<T[]> {
    const out: T[] = [];
    let marker: string | undefined;
    do {
      const p = await this.call(() => page(marker));
      out.push(...(items(p) ?? []));
      marker = p.IsTruncated ? p.Marker : undefined;
    } while (marker);
    return out;
  }

  /** Reads the user's keys (and their last use), policies, groups, console password and tags; or the role's. */
  async enrich(target: ContainTarget): Promise<Enrichment> {
    if (target.kind === 'iam-user') return this.enrichUser(target.userName);
    if (target.kind === 'iam-role') return this.enrichRole(target.roleName);
    return { kind: 'unavailable', reason: `no IAM entity to read for ${target.kind}` };
  }

  private async enrichUser(UserName: string): Promise<Enrichment> {
    const keys = await this.all(
      (Marker) => this.iam.send(new ListAccessKeysCommand({ UserName, Marker })),
      (p) => p.AccessKeyMetadata,
    );
    const accessKeys: AccessKeyFacts[] = [];
    for (const key of keys) {
      if (!key.AccessKeyId) continue;
      const AccessKeyId = key.AccessKeyId;
      const used = await this.call(() => this.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId })));
      accessKeys.push({
        id: AccessKeyId,
        status: key.Status ?? 'Unknown',
        createdAt: key.CreateDate?.toISOString() ?? null,
        lastUsedAt: used.AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? null,
        lastUsedService: used.AccessKeyLastUsed?.ServiceName ?? null,
      });
    }
    const attached = await this.all(
      (Marker) => this.iam.send(new ListAttachedUserPoliciesCommand({ UserName, Marker })),
      (p) => p.AttachedPolicies,
    );
    const inline = await this.all(
      (Marker) => this.iam.send(new ListUserPoliciesCommand({ UserName, Marker })),
      (p) => p.PolicyNames,
    );
    const groups = await this.all(
      (Marker) => this.iam.send(new ListGroupsForUserCommand({ UserName, Marker })),
      (p) => p.Groups,
    );
    const tags = await this.all(
      (Marker) => this.iam.send(new ListUserTagsCommand({ UserName, Marker })),
      (p) => p.Tags,
    );
    return {
      kind: 'iam-user',
      userName: UserName,
      accessKeys,
      attachedPolicies: attached.map((p): AttachedPolicy => ({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' })),
      inlinePolicies: inline,
      groups: groups.map((g) => g.GroupName ?? ''),
      loginProfile: await this.loginProfile(UserName),
      tags: Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  }

  private async loginProfile(
    UserName: string,
  ): Promise<{ createdAt: string | null; passwordResetRequired: boolean } | null> {
    try {
      const out = await this.call(() => this.iam.send(new GetLoginProfileCommand({ UserName })));
      return {
        createdAt: out.LoginProfile?.CreateDate?.toISOString() ?? null,
        passwordResetRequired: out.LoginProfile?.PasswordResetRequired ?? false,
      };
    } catch (error) {
      if (isNoSuchEntity(error)) return null;
      throw error;
    }
  }

  private async enrichRole(RoleName: string): Promise<Enrichment> {
    const { Role: role } = await this.call(() => this.iam.send(new GetRoleCommand({ RoleName })));
    const attached = await this.all(
      (Marker) => this.iam.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker })),
      (p) => p.AttachedPolicies,
    );
    const inline = await this.all(
      (Marker) => this.iam.send(new ListRolePoliciesCommand({ RoleName, Marker })),
      (p) => p.PolicyNames,
    );
    return {
      kind: 'iam-role',
      roleName: RoleName,
      trustPolicy: role?.AssumeRolePolicyDocument ? parsePolicy(role.AssumeRolePolicyDocument) : null,
      maxSessionDurationSeconds: role?.MaxSessionDuration ?? null,
      lastUsedAt: role?.RoleLastUsed?.LastUsedDate?.toISOString() ?? null,
      lastUsedRegion: role?.RoleLastUsed?.Region ?? null,
      attachedPolicies: attached.map((p) => ({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' })),
      inlinePolicies: inline,
      tags: Object.fromEntries((role?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  }

  /** Performs one step; a failure is recorded, never thrown. */
  async apply(action: PlannedAction, at: () => number): Promise<ActionRecord> {
    this.attempts = 0;
    try {
      const { status, before, after } = await this.perform(action.spec);
      return { action, status, before, after, error: null, attempts: this.attempts, at: at() };
    } catch (error) {
      const before = error instanceof StepError ? error.before : null;
      const after = error instanceof StepError ? error.after : null;
      // A StepError's message already names the AWS error (or each key's).
      const message = error instanceof StepError ? error.message : describe(error);
      return { action, status: 'failed', before, after, error: message, attempts: this.attempts, at: at() };
    }
  }

  private async perform(
    spec: ActionSpec,
  ): Promise<{ status: 'done' | 'unchanged' | 'manual'; before: unknown; after: unknown }> {
    switch (spec.kind) {
      case 'deny-all-user':
        return this.putUserPolicy(spec.userName, spec.policyName, denyAllPolicy());
      case 'deny-all-role':
        return this.putRolePolicy(spec.roleName, spec.policyName, denyAllPolicy(), false);
      case 'revoke-role-sessions':
        return this.putRolePolicy(spec.roleName, spec.policyName, revokeOlderSessionsPolicy(spec.issuedBefore), true);
      case 'deny-person-on-role':
        return this.putRolePolicy(spec.roleName, spec.policyName, denyPersonPolicy(spec.sourceIdentity), false);
      case 'deactivate-access-keys':
        return this.deactivateKeys(spec.userName, spec.accessKeyIds);
      case 'delete-login-profile':
        return this.deleteLoginProfile(spec.userName);
      case 'detach-user-policies':
        return this.detachPolicies(spec.userName, spec.policyArns);
      case 'deny-bucket-access':
        return this.denyBucket(spec);
      case 'manual':
        return { status: 'manual', before: null, after: { instructions: spec.steps } };
    }
  }

  private async userPolicy(UserName: string, PolicyName: string): Promise<PolicyDocument | null> {
    try {
      const out = await this.call(() => this.iam.send(new GetUserPolicyCommand({ UserName, PolicyName })));
      return out.PolicyDocument ? parsePolicy(out.PolicyDocument) : null;
    } catch (error) {
      if (isNoSuchEntity(error)) return null;
      throw error;
    }
  }

  private async rolePolicy(RoleName: string, PolicyName: string): Promise<PolicyDocument | null> {
    try {
      const out = await this.call(() => this.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName })));
      return out.PolicyDocument ? parsePolicy(out.PolicyDocument) : null;
    } catch (error) {
      if (isNoSuchEntity(error)) return null;
      throw error;
    }
  }

  private async putUserPolicy(UserName: string, PolicyName: string, document: PolicyDocument) {
    const before: PolicyState = { policyName: PolicyName, document: await this.userPolicy(UserName, PolicyName) };
    const after: PolicyState = { policyName: PolicyName, document };
    if (samePolicy(before.document, document)) return { status: 'unchanged' as const, before, after };
    try {
      await this.call(() =>
        this.iam.send(new PutUserPolicyCommand({ UserName, PolicyName, PolicyDocument: JSON.stringify(document) })),
      );
    } catch (error) {
      throw new StepError(describe(error), before, before);
    }
    return { status: 'done' as const, before, after };
  }

  /**
   * Puts a Vigil-named inline policy on a role. For the revoke-older-sessions policy, one with a
   * later cut-off already in place is left alone: it revokes at least as much.
   */
  private async putRolePolicy(RoleName: string, PolicyName: string, document: PolicyDocument, revoke: boolean) {
    const before: PolicyState = { policyName: PolicyName, document: await this.rolePolicy(RoleName, PolicyName) };
    const after: PolicyState = { policyName: PolicyName, document };
    if (samePolicy(before.document, document)) return { status: 'unchanged' as const, before, after };
    if (revoke && before.document !== null) {
      const cutoff = (d: PolicyDocument): number => {
        const condition = d.Statement[0]?.Condition as { DateLessThan?: Record<string, string> } | undefined;
        return Date.parse(String(condition?.DateLessThan?.['aws:TokenIssueTime']));
      };
      const wanted = cutoff(document);
      const existing = cutoff(before.document);
      if (Number.isFinite(existing) && existing >= wanted)
        return { status: 'unchanged' as const, before, after: before };
    }
    try {
      await this.call(() =>
        this.iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(document) })),
      );
    } catch (error) {
      throw new StepError(describe(error), before, before);
    }
    return { status: 'done' as const, before, after };
  }

  private async deactivateKeys(UserName: string, wanted: readonly string[] | null) {
    const listed = await this.all(
      (Marker) => this.iam.send(new ListAccessKeysCommand({ UserName, Marker })),
      (p) => p.AccessKeyMetadata,
    );
    const keys: KeyState[] = listed
      .filter((k) => k.AccessKeyId)
      .map((k) => ({ id: k.AccessKeyId ?? '', status: k.Status ?? 'Unknown' }));
    const chosen = wanted === null ? keys : keys.filter((k) => wanted.includes(k.id));
    const missing = wanted === null ? [] : wanted.filter((id) => !keys.some((k) => k.id === id));
    const before = { keys: chosen, missing };
    const afterKeys: KeyState[] = [];
    const failures: string[] = [];
    let changed = false;
    for (const key of chosen) {
      if (key.status !== 'Active') {
        afterKeys.push(key);
        continue;
      }
      try {
        await this.call(() =>
          this.iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId: key.id, Status: 'Inactive' })),
        );
        afterKeys.push({ id: key.id, status: 'Inactive' });
        changed = true;
      } catch (error) {
        afterKeys.push(key);
        failures.push(`${key.id}: ${describe(error)}`);
      }
    }
    const after = { keys: afterKeys, missing };
    if (failures.length > 0) throw new StepError(failures.join('; '), before, after);
    return { status: changed ? ('done' as const) : ('unchanged' as const), before, after };
  }

  private async deleteLoginProfile(UserName: string) {
    const profile = await this.loginProfile(UserName);
    const before = { loginProfile: profile };
    if (profile === null) return { status: 'unchanged' as const, before, after: before };
    try {
      await this.call(() => this.iam.send(new DeleteLoginProfileCommand({ UserName })));
    } catch (error) {
      if (isNoSuchEntity(error)) return { status: 'unchanged' as const, before, after: { loginProfile: null } };
      throw new StepError(describe(error), before, before);
    }
    return { status: 'done' as const, before, after: { loginProfile: null } };
  }

  private async detachPolicies(UserName: string, wanted: readonly string[] | null) {
    const attached = await this.all(
      (Marker) => this.iam.send(new ListAttachedUserPoliciesCommand({ UserName, Marker })),
      (p) => p.AttachedPolicies,
    );
    const arns = attached.map((p) => p.PolicyArn ?? '').filter((arn) => arn !== '');
    const chosen = wanted === null ? arns : arns.filter((arn) => wanted.includes(arn));
    const before = { attached: arns };
    const detached: string[] = [];
    const failures: string[] = [];
    for (const PolicyArn of chosen) {
      try {
        await this.call(() => this.iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn })));
        detached.push(PolicyArn);
      } catch (error) {
        if (isNoSuchEntity(error)) continue;
        failures.push(`${PolicyArn}: ${describe(error)}`);
      }
    }
    const after = { attached: arns.filter((arn) => !detached.includes(arn)), detached };
    if (failures.length > 0) throw new StepError(failures.join('; '), before, after);
    return { status: detached.length > 0 ? ('done' as const) : ('unchanged' as const), before, after };
  }

  private requireS3(): S3Client {
    if (!this.options.s3)
      throw new Error('no S3 client was given to the responder; expected one for bucket-policy steps');
    return this.options.s3;
  }

  private async bucketPolicy(Bucket: string): Promise<PolicyDocument | null> {
    const s3 = this.requireS3();
    try {
      const out = await this.call(() => s3.send(new GetBucketPolicyCommand({ Bucket })));
      return out.Policy ? parsePolicy(out.Policy) : null;
    } catch (error) {
      if (isNoSuchEntity(error)) return null;
      throw error;
    }
  }

  private async denyBucket(spec: Extract<ActionSpec, { kind: 'deny-bucket-access' }>) {
    const s3 = this.requireS3();
    const current = await this.bucketPolicy(spec.bucket);
    const statement = bucketDenyStatement(spec.bucket, spec.sid, spec.principalArns, spec.userIdPatterns);
    const existing = current?.Statement.find((s) => s.Sid === spec.sid) ?? null;
    const before = { sid: spec.sid, statement: existing };
    const after = { sid: spec.sid, statement };
    if (
      existing !== null &&
      samePolicy({ Version: '', Statement: [existing] }, { Version: '', Statement: [statement] })
    ) {
      return { status: 'unchanged' as const, before, after };
    }
    const policy = withStatement(current, statement);
    try {
      await this.call(() =>
        s3.send(new PutBucketPolicyCommand({ Bucket: spec.bucket, Policy: JSON.stringify(policy) })),
      );
    } catch (error) {
      throw new StepError(describe(error), before, before);
    }
    return { status: 'done' as const, before, after };
  }

  /** Undoes one recorded step from its before-state; a failure is recorded, never thrown. */
  async undo(record: ActionRecord, at: () => number): Promise<UndoRecord> {
    const base = { action: record.action, at: 0 };
    try {
      const result = await this.revert(record);
      return { ...base, ...result, error: null, at: at() };
    } catch (error) {
      return {
        ...base,
        status: 'failed',
        before: record.after,
        after: null,
        error: describe(error),
        instructions: null,
        at: at(),
      };
    }
  }

  private async revert(
    record: ActionRecord,
  ): Promise<Pick<UndoRecord, 'status' | 'before' | 'after' | 'instructions'>> {
    const spec = record.action.spec;
    const plain = (
      status: UndoRecord['status'],
      before: unknown,
      after: unknown,
      instructions: string | null = null,
    ) => ({
      status,
      before,
      after,
      instructions,
    });
    if (record.status !== 'done') {
      return plain(
        record.status === 'manual' ? 'manual' : 'unchanged',
        record.after,
        record.after,
        record.status === 'manual'
          ? 'Vigil did not do this step; undo by hand whatever an administrator did for it.'
          : null,
      );
    }
    switch (spec.kind) {
      case 'deny-all-user': {
        const prior = (record.before as PolicyState).document;
        if (prior === null) {
          await this.ignoringMissing(() =>
            this.iam.send(new DeleteUserPolicyCommand({ UserName: spec.userName, PolicyName: spec.policyName })),
          );
        } else {
          await this.call(() =>
            this.iam.send(
              new PutUserPolicyCommand({
                UserName: spec.userName,
                PolicyName: spec.policyName,
                PolicyDocument: JSON.stringify(prior),
              }),
            ),
          );
        }
        return plain('restored', record.after, record.before);
      }
      case 'deny-all-role':
      case 'revoke-role-sessions':
      case 'deny-person-on-role': {
        const prior = (record.before as PolicyState).document;
        if (prior === null) {
          await this.ignoringMissing(() =>
            this.iam.send(new DeleteRolePolicyCommand({ RoleName: spec.roleName, PolicyName: spec.policyName })),
          );
        } else {
          await this.call(() =>
            this.iam.send(
              new PutRolePolicyCommand({
                RoleName: spec.roleName,
                PolicyName: spec.policyName,
                PolicyDocument: JSON.stringify(prior),
              }),
            ),
          );
        }
        return plain('restored', record.after, record.before);
      }
      case 'deactivate-access-keys': {
        const before = record.before as { keys: KeyState[] };
        const after = record.after as { keys: KeyState[] };
        const toRestore = before.keys.filter(
          (k) => k.status === 'Active' && after.keys.some((a) => a.id === k.id && a.status === 'Inactive'),
        );
        for (const key of toRestore) {
          await this.call(() =>
            this.iam.send(
              new UpdateAccessKeyCommand({ UserName: spec.userName, AccessKeyId: key.id, Status: 'Active' }),
            ),
          );
        }
        return plain('restored', record.after, { keys: before.keys });
      }
      case 'delete-login-profile':
        return plain(
          'manual',
          record.after,
          record.after,
          `Vigil cannot restore a console password. If ${spec.userName} needs console access again, set a new password: aws iam create-login-profile --user-name ${spec.userName} --password-reset-required --password <a temporary password>, and hand it over out of band.`,
        );
      case 'detach-user-policies': {
        const { detached } = record.after as { detached: string[] };
        for (const PolicyArn of detached) {
          await this.call(() => this.iam.send(new AttachUserPolicyCommand({ UserName: spec.userName, PolicyArn })));
        }
        return plain('restored', record.after, record.before);
      }
      case 'deny-bucket-access': {
        const s3 = this.requireS3();
        const current = await this.bucketPolicy(spec.bucket);
        if (current === null || !current.Statement.some((s) => s.Sid === spec.sid))
          return plain('unchanged', record.after, record.before);
        const rest = withoutStatement(current, spec.sid);
        if (rest === null) await this.call(() => s3.send(new DeleteBucketPolicyCommand({ Bucket: spec.bucket })));
        else
          await this.call(() =>
            s3.send(new PutBucketPolicyCommand({ Bucket: spec.bucket, Policy: JSON.stringify(rest) })),
          );
        return plain('restored', record.after, { sid: spec.sid, statement: null });
      }
      case 'manual':
        return plain('manual', null, null, 'Undo by hand what an administrator did for this step.');
    }
  }

  private async ignoringMissing(send: () => Promise<unknown>): Promise<void> {
    try {
      await this.call(send);
    } catch (error) {
      if (!isNoSuchEntity(error)) throw error;
    }
  }
}
