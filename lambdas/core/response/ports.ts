/**
 * What the playbook steps talk through. Adapters implement these over DynamoDB (the state
 * table), IAM, S3, SNS, Slack and Step Functions; local runs swap in dry-run ones.
 */
import type { Finding } from '../finding.ts';
import type {
  ActionRecord,
  BudgetState,
  CaseRecord,
  ContainTarget,
  Enrichment,
  PlannedAction,
  UndoRecord,
} from './types.ts';

/** Changes to a case; absent fields stay as they are. */
export type CasePatch = Partial<Omit<CaseRecord, 'caseId' | 'openedAt' | 'openingFinding' | 'principal'>>;

/** Cases in the state table, and each principal's current case. */
export interface CaseStore {
  get(caseId: string): Promise<CaseRecord | null>;
  /** The id of the principal's current case, or null. */
  currentCaseOf(principalKey: string): Promise<string | null>;
  /**
   * Points the principal at `caseId` if it still points at `expected` (null: at nothing).
   * Returns false, changing nothing, when another writer moved it first.
   */
  swapCurrent(principalKey: string, expected: string | null, caseId: string): Promise<boolean>;
  /** Stores a new case; false, changing nothing, when the case exists. */
  create(record: CaseRecord): Promise<boolean>;
  /** Applies `patch`; when `onlyIf` is given, only if the case's status is one of them (false otherwise). */
  update(caseId: string, patch: CasePatch, onlyIf?: readonly CaseRecord['status'][]): Promise<boolean>;
  /** Adds a finding to a case, once, and moves its last event time forward. */
  attachFinding(caseId: string, finding: Finding): Promise<void>;
}

/** The blast-radius budget: containments per hour, counted once per case. */
export interface ContainmentBudget {
  /** Counts `caseId` against the hour of `at` if under `max`; a case already counted is granted again. */
  reserve(caseId: string, at: number, max: number): Promise<BudgetState>;
}

/** Reads and changes IAM (and bucket policies) for a containment. */
export interface Responder {
  /** True when it changes nothing and only says what it would do. */
  readonly dryRun: boolean;
  enrich(target: ContainTarget): Promise<Enrichment>;
  /** Performs one step, idempotently; never throws for a failed AWS call (the record says failed). */
  apply(action: PlannedAction, at: () => number): Promise<ActionRecord>;
  /** Undoes one recorded step from its before-state; never throws for a failed AWS call. */
  undo(record: ActionRecord, at: () => number): Promise<UndoRecord>;
}

/** A rendered notice, ready for any channel. */
export interface RenderedNotice {
  /** ASCII, one line, under 100 characters (SNS's limit). */
  readonly subject: string;
  /** Plain text, email-ready. */
  readonly text: string;
  /** Slack Block Kit blocks. */
  readonly blocks: readonly Record<string, unknown>[];
}

/** Sends a notice on one channel. */
export interface Notifier {
  /** `sns`, `slack`, ... as recorded in the audit. */
  readonly channel: string;
  /** True when it records instead of sending (local runs). */
  readonly dryRun: boolean;
  send(notice: RenderedNotice): Promise<void>;
}

/** Starts playbook executions by name, exactly once per name. */
export interface ExecutionStarter {
  /** The execution id `name` has or will have. */
  executionIdFor(name: string): string;
  /** Starts `name` with `input`; a name already started is left alone. */
  start(name: string, input: unknown): Promise<{ readonly executionId: string; readonly started: boolean }>;
}
