/**
 * `vigil case approve|deny|release CASE_ID`: a person answers a case. Each command checks the
 * caller's own AWS identity (STS GetCallerIdentity) against `response.approvers`, refuses the
 * case's own subject, changes the case's status conditionally (two approvers racing cannot both
 * win), answers the waiting execution through its task token (or starts the release playbook),
 * and records who did it in the audit. Plain async functions over ports: the lead wires
 * commander, and the local playbook runner answers its own executions with the same code.
 */
import type { AuditLog, Clock } from '../../lambdas/core/ports.ts';
import { authorizeApprover } from '../../lambdas/core/response/approvers.ts';
import { checkCaseId } from '../../lambdas/core/response/case-id.ts';
import type { CaseStore, ExecutionStarter } from '../../lambdas/core/response/ports.ts';
import {
  APPROVAL_DENIED_ERROR,
  type ApprovalAnswer,
  type ApprovalState,
  type CaseRecord,
  PLAYBOOK,
} from '../../lambdas/core/response/types.ts';

/** Who is calling: the ARN STS GetCallerIdentity returns. */
export interface CallerIdentity {
  callerArn(): Promise<string>;
}

/** Answers a task token: SendTaskSuccess and SendTaskFailure. */
export interface TaskTokens {
  succeed(taskToken: string, output: ApprovalAnswer): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

/** The task token is no longer waiting: the approval timed out or the execution ended. */
export class TaskTokenExpiredError extends Error {
  override readonly name = 'TaskTokenExpiredError';
}

/** What the case commands need. */
export interface CaseCommandDeps {
  /** `response.approvers` from configuration. */
  readonly approvers: readonly string[];
  readonly cases: CaseStore;
  readonly audit: AuditLog;
  readonly identity: CallerIdentity;
  readonly tokens: TaskTokens;
  /** Starts release-principal executions. */
  readonly releases: ExecutionStarter;
  readonly clock: Clock;
}

/** The case is not in a state the command applies to. */
export class CaseStateError extends Error {
  override readonly name = 'CaseStateError';
}

/** No case with that id. */
export class UnknownCaseError extends Error {
  override readonly name = 'UnknownCaseError';
}

/** What a command did. */
export interface CaseCommandResult {
  readonly caseId: string;
  /** The caller's ARN. */
  readonly by: string;
  /** The approver entry the caller matched. */
  readonly as: string;
  /** The contain-principal execution answered, or the release-principal execution started. */
  readonly executionId: string;
}

const loadCase = async (caseId: string, deps: CaseCommandDeps): Promise<CaseRecord> => {
  checkCaseId(caseId);
  const record = await deps.cases.get(caseId);
  if (record === null)
    throw new UnknownCaseError(`no case ${caseId} in the state table; expected an id from a Vigil notification`);
  return record;
};

const authorize = async (record: CaseRecord, deps: CaseCommandDeps): Promise<{ by: string; as: string }> => {
  const by = await deps.identity.callerArn();
  return { by, as: authorizeApprover(by, deps.approvers, record.openingFinding) };
};

const pendingApproval = (record: CaseRecord): ApprovalState & { taskToken: string } => {
  const approval = record.approval;
  if (record.status !== 'awaiting-approval' || !approval || approval.taskToken === null) {
    const outcome =
      approval && approval.result !== 'pending'
        ? ` (${approval.result}${approval.decidedBy ? ` by ${approval.decidedBy}` : ''})`
        : '';
    throw new CaseStateError(`case ${record.caseId} is ${record.status}${outcome}; expected awaiting-approval`);
  }
  return approval as ApprovalState & { taskToken: string };
};

const entry = (
  record: CaseRecord,
  type: 'approval' | 'denial',
  by: string,
  at: number,
  result: string,
  data: Record<string, unknown>,
) => ({
  type,
  at,
  actor: by,
  caseId: record.caseId,
  principalKey: record.principal.key,
  findingId: record.openingFinding.id,
  severity: record.openingFinding.severity,
  target: record.principal.arn ?? record.principal.key,
  executionId: record.executionId,
  result,
  data,
});

const answer = async (
  record: CaseRecord,
  approval: ApprovalState & { taskToken: string },
  result: 'approved' | 'denied',
  by: string,
  reason: string | null,
  send: () => Promise<void>,
  deps: CaseCommandDeps,
): Promise<void> => {
  const now = deps.clock.now();
  const decided: ApprovalState = { ...approval, result, decidedBy: by, decidedAt: now, reason, taskToken: null };
  const won = await deps.cases.update(
    record.caseId,
    { status: result === 'approved' ? 'approved' : 'closed', approval: decided, updatedAt: now },
    ['awaiting-approval'],
  );
  if (!won)
    throw new CaseStateError(`case ${record.caseId} was answered by someone else just now; expected awaiting-approval`);
  try {
    await send();
  } catch (error) {
    if (!(error instanceof TaskTokenExpiredError)) throw error;
    await deps.cases.update(record.caseId, {
      approval: { ...decided, result: 'timed-out' },
      updatedAt: deps.clock.now(),
    });
    throw new CaseStateError(
      `the approval window of case ${record.caseId} has closed (${error.message}); it escalated to the security team`,
    );
  }
};

/** Approves a case's containment: the waiting execution goes on to contain. */
export const approveCase = async (
  caseId: string,
  options: { reason?: string },
  deps: CaseCommandDeps,
): Promise<CaseCommandResult> => {
  const record = await loadCase(caseId, deps);
  const { by, as } = await authorize(record, deps);
  const approval = pendingApproval(record);
  const reason = options.reason ?? null;
  const at = deps.clock.now();
  await answer(
    record,
    approval,
    'approved',
    by,
    reason,
    () => deps.tokens.succeed(approval.taskToken, { approved: true, approver: by, at, reason }),
    deps,
  );
  await deps.audit.append([
    entry(record, 'approval', by, at, 'approved', { approver: as, ...(reason ? { reason } : {}) }),
  ]);
  return { caseId, by, as, executionId: record.executionId };
};

/** Denies a case's containment: the waiting execution tells the team and closes the case. */
export const denyCase = async (
  caseId: string,
  options: { reason?: string },
  deps: CaseCommandDeps,
): Promise<CaseCommandResult> => {
  const record = await loadCase(caseId, deps);
  const { by, as } = await authorize(record, deps);
  const approval = pendingApproval(record);
  const reason = options.reason ?? null;
  const at = deps.clock.now();
  const cause = JSON.stringify({ approver: by, reason });
  await answer(
    record,
    approval,
    'denied',
    by,
    reason,
    () => deps.tokens.fail(approval.taskToken, APPROVAL_DENIED_ERROR, cause),
    deps,
  );
  await deps.audit.append([entry(record, 'denial', by, at, 'denied', { approver: as, ...(reason ? { reason } : {}) })]);
  return { caseId, by, as, executionId: record.executionId };
};

/** Releases a contained case: starts the release-principal playbook, which undoes the containment. */
export const releaseCase = async (
  caseId: string,
  options: { reason?: string },
  deps: CaseCommandDeps,
): Promise<CaseCommandResult> => {
  const record = await loadCase(caseId, deps);
  const { by, as } = await authorize(record, deps);
  if (record.status !== 'contained') {
    throw new CaseStateError(
      `case ${caseId} is ${record.status}${record.outcome ? ` (${record.outcome})` : ''}; expected contained`,
    );
  }
  const now = deps.clock.now();
  if (!(await deps.cases.update(caseId, { status: 'releasing', updatedAt: now }, ['contained']))) {
    throw new CaseStateError(`case ${caseId} is being released by someone else; expected contained`);
  }
  const name = `${caseId}-release-${now}`;
  try {
    const { executionId } = await deps.releases.start(name, { caseId, requestedBy: by });
    await deps.audit.append([
      {
        ...entry(record, 'approval', by, now, 'release-requested', {
          approver: as,
          playbook: PLAYBOOK.release,
          ...(options.reason ? { reason: options.reason } : {}),
        }),
        executionId,
      },
    ]);
    return { caseId, by, as, executionId };
  } catch (error) {
    await deps.cases.update(caseId, { status: 'contained', updatedAt: deps.clock.now() }, ['releasing']);
    throw error;
  }
};
