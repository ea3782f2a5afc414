/**
 * A responder that changes nothing: it records, for each step, what it would have written. Used
 * by local runs (`vigil replay --response auto`, `vigil demo`), which never call AWS.
 */
import {
  bucketDenyStatement,
  denyAllPolicy,
  denyPersonPolicy,
  type PolicyDocument,
  type PolicyStatement,
  revokeOlderSessionsPolicy,
} from './policies.ts';
import type { Responder } from './ports.ts';
import type { ActionRecord, ActionSpec, ContainTarget, Enrichment, PlannedAction, UndoRecord } from './types.ts';

/** What a step would write, as the after-state of a dry run. */
export const intendedChange = (spec: ActionSpec): Record<string, unknown> => {
  switch (spec.kind) {
    case 'deny-all-user':
      return { putUserPolicy: { userName: spec.userName, policyName: spec.policyName, document: denyAllPolicy() } };
    case 'deactivate-access-keys':
      return {
        updateAccessKeys: {
          userName: spec.userName,
          accessKeyIds: spec.accessKeyIds ?? 'every active key',
          status: 'Inactive',
        },
      };
    case 'delete-login-profile':
      return { deleteLoginProfile: { userName: spec.userName } };
    case 'detach-user-policies':
      return {
        detachUserPolicies: { userName: spec.userName, policyArns: spec.policyArns ?? 'every attached policy' },
      };
    case 'revoke-role-sessions':
      return {
        putRolePolicy: {
          roleName: spec.roleName,
          policyName: spec.policyName,
          document: revokeOlderSessionsPolicy(spec.issuedBefore),
        },
      };
    case 'deny-all-role':
      return { putRolePolicy: { roleName: spec.roleName, policyName: spec.policyName, document: denyAllPolicy() } };
    case 'deny-person-on-role':
      return {
        putRolePolicy: {
          roleName: spec.roleName,
          policyName: spec.policyName,
          document: denyPersonPolicy(spec.sourceIdentity),
        },
      };
    case 'deny-bucket-access': {
      const statement: PolicyStatement = bucketDenyStatement(
        spec.bucket,
        spec.sid,
        spec.principalArns,
        spec.userIdPatterns,
      );
      return { putBucketPolicyStatement: { bucket: spec.bucket, statement } };
    }
    case 'manual':
      return { instructions: spec.steps };
  }
};

/** Records what it would do; never calls AWS. */
export class DryRunResponder implements Responder {
  readonly dryRun = true;

  /** @default reason - says IAM was not read because this is a dry run */
  constructor(private readonly reason = 'dry run: IAM is not read') {}

  /** Enrichment is not available in a dry run. */
  async enrich(_target: ContainTarget): Promise<Enrichment> {
    return { kind: 'unavailable', reason: this.reason };
  }

  /** Records the step as `dry-run` (or `manual`), with what it would write as the after-state. */
  async apply(action: PlannedAction, at: () => number): Promise<ActionRecord> {
    return {
      action,
      status: action.spec.kind === 'manual' ? 'manual' : 'dry-run',
      before: null,
      after: intendedChange(action.spec),
      error: null,
      attempts: 0,
      at: at(),
    };
  }

  /** Records the undo as `dry-run`. */
  async undo(record: ActionRecord, at: () => number): Promise<UndoRecord> {
    return {
      action: record.action,
      status: 'dry-run',
      before: record.after,
      after: record.before,
      error: null,
      instructions: null,
      at: at(),
    };
  }
}

/** The policy documents a plan would write, by action id: for reviews and the HTML report. */
export const policiesOf = (plan: readonly PlannedAction[]): Record<string, PolicyDocument | PolicyStatement> => {
  const out: Record<string, PolicyDocument | PolicyStatement> = {};
  for (const action of plan) {
    const change = intendedChange(action.spec);
    const put = (change.putUserPolicy ?? change.putRolePolicy) as { document: PolicyDocument } | undefined;
    if (put) out[action.id] = put.document;
    const bucket = change.putBucketPolicyStatement as { statement: PolicyStatement } | undefined;
    if (bucket) out[action.id] = bucket.statement;
  }
  return out;
};
