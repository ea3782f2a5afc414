/**
 * The response side's data: who a case is about, what Vigil proposes to do, what it did, and the
 * state a playbook execution carries from one step to the next. Plain JSON throughout: these
 * values travel through Step Functions, the state table and the audit table.
 */
import type { ResponseMode } from '../config.ts';
import type { Finding, Severity } from '../finding.ts';

/** Names of the playbooks, as they appear in a finding's `response.playbook`. */
export const PLAYBOOK = { contain: 'contain-principal', release: 'release-principal' } as const;

/** Who a containment acts on, resolved from a finding's principal. */
export type ContainTarget =
  | { readonly kind: 'iam-user'; readonly accountId: string; readonly userName: string; readonly arn: string }
  | { readonly kind: 'iam-role'; readonly accountId: string; readonly roleName: string; readonly arn: string }
  | {
      /** A person acting through an ordinary role with a `sourceIdentity`. */
      readonly kind: 'role-person';
      readonly accountId: string;
      readonly roleName: string;
      readonly sourceIdentity: string;
      readonly arn: string;
    }
  | {
      /** A person behind an IAM Identity Center permission set (`AWSReservedSSO_*` role). */
      readonly kind: 'identity-center';
      readonly accountId: string;
      readonly roleName: string;
      readonly permissionSet: string;
      readonly userName: string;
      readonly arn: string;
    }
  | {
      readonly kind: 'unsupported';
      readonly accountId: string;
      readonly principalType: string;
      readonly name: string;
      readonly arn: string | null;
    };

/** One access key of a user, as enrichment read it. */
export interface AccessKeyFacts {
  readonly id: string;
  readonly status: string;
  readonly createdAt: string | null;
  readonly lastUsedAt: string | null;
  readonly lastUsedService: string | null;
}

/** A managed policy attached to a user or role. */
export interface AttachedPolicy {
  readonly name: string;
  readonly arn: string;
}

/** What IAM says about the principal, read before deciding. */
export type Enrichment =
  | {
      readonly kind: 'iam-user';
      readonly userName: string;
      readonly accessKeys: readonly AccessKeyFacts[];
      readonly attachedPolicies: readonly AttachedPolicy[];
      readonly inlinePolicies: readonly string[];
      readonly groups: readonly string[];
      readonly loginProfile: { readonly createdAt: string | null; readonly passwordResetRequired: boolean } | null;
      readonly tags: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'iam-role';
      readonly roleName: string;
      readonly trustPolicy: unknown;
      readonly maxSessionDurationSeconds: number | null;
      readonly lastUsedAt: string | null;
      readonly lastUsedRegion: string | null;
      readonly attachedPolicies: readonly AttachedPolicy[];
      readonly inlinePolicies: readonly string[];
      readonly tags: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** A step of a containment, planned before anything is done. Each is idempotent. */
export type ActionSpec =
  | { readonly kind: 'deny-all-user'; readonly userName: string; readonly policyName: string }
  | {
      readonly kind: 'deactivate-access-keys';
      readonly userName: string;
      /** Keys to deactivate; null: every active key the user has when the step runs. */
      readonly accessKeyIds: readonly string[] | null;
    }
  | { readonly kind: 'delete-login-profile'; readonly userName: string }
  | {
      readonly kind: 'detach-user-policies';
      readonly userName: string;
      /** Policies to detach; null: every managed policy attached when the step runs. */
      readonly policyArns: readonly string[] | null;
    }
  | {
      readonly kind: 'revoke-role-sessions';
      readonly roleName: string;
      readonly policyName: string;
      /** Sessions issued before this instant (ISO-8601) are denied everything. */
      readonly issuedBefore: string;
    }
  | { readonly kind: 'deny-all-role'; readonly roleName: string; readonly policyName: string }
  | {
      readonly kind: 'deny-person-on-role';
      readonly roleName: string;
      readonly policyName: string;
      readonly sourceIdentity: string;
    }
  | {
      readonly kind: 'deny-bucket-access';
      readonly bucket: string;
      /** Statement id Vigil owns in the bucket policy. */
      readonly sid: string;
      /** `aws:PrincipalArn` values denied. */
      readonly principalArns: readonly string[];
      /** `aws:userid` patterns denied (a person's sessions on any role). */
      readonly userIdPatterns: readonly string[];
    }
  | { readonly kind: 'manual'; readonly title: string; readonly steps: readonly string[] };

/** The kinds of containment step. */
export type ActionKind = ActionSpec['kind'];

/** A planned step: what, on which resource, in words. */
export interface PlannedAction {
  /** Stable within the case, e.g. `deny-all-user` or `deny-bucket-access:payroll`. */
  readonly id: string;
  /** The resource acted on: an ARN, or a name where no ARN applies. */
  readonly target: string;
  /** One sentence for a human, e.g. "Deactivate access key AKIA... of IAM user alice". */
  readonly description: string;
  readonly spec: ActionSpec;
}

/** How a step ended. */
export type ActionStatus = 'done' | 'unchanged' | 'failed' | 'dry-run' | 'manual';

/** What a step did, with the state before and after, for the record and for undo. */
export interface ActionRecord {
  readonly action: PlannedAction;
  readonly status: ActionStatus;
  readonly before: unknown;
  readonly after: unknown;
  /** Why it failed, when it did. */
  readonly error: string | null;
  /** Calls made, counting throttled retries. */
  readonly attempts: number;
  /** Epoch ms when the step finished. */
  readonly at: number;
}

/** How undoing a step ended. */
export type UndoStatus = 'restored' | 'unchanged' | 'failed' | 'manual' | 'dry-run';

/** What undoing one step did. */
export interface UndoRecord {
  readonly action: PlannedAction;
  readonly status: UndoStatus;
  readonly before: unknown;
  readonly after: unknown;
  readonly error: string | null;
  /** For `manual`: what an administrator must do. */
  readonly instructions: string | null;
  readonly at: number;
}

/** What the decide step concluded. */
export type DecisionOutcome = 'dry-run' | 'approval' | 'contain' | 'protected' | 'budget-exhausted' | 'off';

/** The containment budget after a reservation. */
export interface BudgetState {
  readonly granted: boolean;
  /** Containments counted in this hour, this one included when granted. */
  readonly used: number;
  readonly max: number;
  /** The hour counted, `YYYY-MM-DDTHH` (UTC). */
  readonly hour: string;
}

/** The decide step's result. */
export interface Decision {
  readonly mode: ResponseMode;
  readonly outcome: DecisionOutcome;
  /** Why, in sentences a person reads. */
  readonly reasons: readonly string[];
  readonly target: ContainTarget;
  readonly plan: readonly PlannedAction[];
  /** Approvers who may approve this case (the subject is never one of them). */
  readonly approvers: readonly string[];
  /** Channels withheld from this case because the subject would read them, with why. */
  readonly withheld: readonly { readonly channel: string; readonly reason: string }[];
  readonly budget: BudgetState | null;
  /** Epoch ms. */
  readonly decidedAt: number;
}

/** What containment did, step by step. */
export interface ContainmentResult {
  readonly actions: readonly ActionRecord[];
  /** True when every step is done, unchanged or manual. */
  readonly complete: boolean;
  readonly dryRun: boolean;
}

/** What release did. */
export interface ReleaseResult {
  readonly undo: readonly UndoRecord[];
  readonly complete: boolean;
  readonly requestedBy: string;
}

/** How a case stands. */
export type CaseStatus = 'open' | 'awaiting-approval' | 'approved' | 'contained' | 'releasing' | 'released' | 'closed';

/** A case: one principal, the findings it gathered, what Vigil decided and did. */
export interface CaseRecord {
  readonly caseId: string;
  readonly principal: Finding['principal'];
  /** The finding that opened the case; the execution's input carries it. */
  readonly openingFinding: Finding;
  readonly findingIds: readonly string[];
  readonly severity: Severity;
  readonly mode: ResponseMode;
  readonly status: CaseStatus;
  /** Contain-principal execution ARN (or local id). */
  readonly executionId: string;
  readonly openedAt: number;
  readonly updatedAt: number;
  /** Epoch ms of the newest event among the case's findings. */
  readonly lastEventTime: number;
  readonly decision?: Decision;
  readonly approval?: ApprovalState;
  readonly actions?: readonly ActionRecord[];
  readonly undo?: readonly UndoRecord[];
  readonly notifications?: readonly NotificationRecord[];
  /** How the case ended, once it has: `dry-run`, `contained`, `denied`, ... */
  readonly outcome?: string;
  readonly closedAt?: number;
}

/** An approval asked for. */
export interface ApprovalState {
  readonly requestedAt: number;
  /** Step Functions task token; cleared once answered. */
  readonly taskToken: string | null;
  readonly approvers: readonly string[];
  readonly result: 'pending' | 'approved' | 'denied' | 'timed-out';
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
  readonly reason: string | null;
}

/** A notification sent (or withheld, or failed) on one channel. */
export interface NotificationRecord {
  readonly stage: NoticeStage;
  readonly channel: string;
  readonly status: 'sent' | 'failed' | 'withheld' | 'dry-run';
  readonly subject: string;
  readonly error: string | null;
  readonly at: number;
}

/** What a notice is about. */
export type NoticeStage =
  | 'proposed'
  | 'approval-requested'
  | 'contained'
  | 'partially-contained'
  | 'protected'
  | 'budget-exhausted'
  | 'approval-denied'
  | 'approval-timed-out'
  | 'failed'
  | 'released';

/** An error caught by a Catch in the state machine: Step Functions' `{Error, Cause}`. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: string;
}

/** An approval answered through the task token (SendTaskSuccess output). */
export interface ApprovalAnswer {
  readonly approved: true;
  readonly approver: string;
  readonly at: number;
  readonly reason: string | null;
}

/** The contain-principal execution's state: each step adds its result under its own key. */
export interface ContainState {
  readonly caseId: string;
  readonly finding: Finding;
  readonly executionId?: string;
  readonly enrichment?: Enrichment | CaughtError;
  readonly decision?: Decision;
  readonly approval?: ApprovalAnswer | CaughtError;
  readonly containment?: ContainmentResult;
  readonly failure?: CaughtError;
}

/** The release-principal execution's state. */
export interface ReleaseState {
  readonly caseId: string;
  readonly requestedBy: string;
  readonly executionId?: string;
  readonly release?: ReleaseResult;
  readonly failure?: CaughtError;
}

/** Error name a denial sends through SendTaskFailure; the state machine catches it by this name. */
export const APPROVAL_DENIED_ERROR = 'VigilApprovalDenied';
/** Error name Step Functions gives a task that outlived its timeout. */
export const TIMEOUT_ERROR = 'States.Timeout';

/** True when `value` is an error caught by the state machine rather than a step's result. */
export const isCaughtError = (value: unknown): value is CaughtError =>
  typeof value === 'object' && value !== null && typeof (value as { Error?: unknown }).Error === 'string';

/** State names of the playbooks: the CDK definitions and the local runner's task bindings share them. */
export const STATE_NAMES = {
  enrich: 'Enrich',
  decide: 'Decide',
  route: 'Route',
  awaitApproval: 'AwaitApproval',
  contain: 'Contain',
  notify: 'Notify',
  record: 'Record',
  ended: 'Ended',
  done: 'Done',
  failed: 'PlaybookFailed',
  release: 'Release',
} as const;
