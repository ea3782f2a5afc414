/**
 * The playbook steps, one function per Step Functions task, over the response ports. The Lambda
 * handlers (`lambdas/respond-*`) and the local playbook runner call exactly these, so a playbook
 * run on a laptop is the playbook that runs in AWS with other adapters.
 */
import { compareSeverity, type Finding, type FindingResponse } from '../finding.ts';
import type { AuditEntry, AuditLog, Clock } from '../ports.ts';
import { caseIdFor } from './case-id.ts';
import { decide } from './decide.ts';
import { buildNotice, denialOf, renderNotice, stageOf } from './notice.ts';
import type { CaseStore, ContainmentBudget, ExecutionStarter, Notifier, Responder } from './ports.ts';
import type { ResponseSettings } from './settings.ts';
import { targetOf } from './target.ts';
import {
  type ActionRecord,
  type ApprovalAnswer,
  type CaseRecord,
  type CaseStatus,
  type ContainmentResult,
  type ContainState,
  type Decision,
  type Enrichment,
  isCaughtError,
  type NoticeStage,
  type NotificationRecord,
  PLAYBOOK,
  type ReleaseResult,
  type ReleaseState,
  type UndoRecord,
} from './types.ts';

/** The actor the playbook steps record. */
export const PLAYBOOK_ACTOR = 'vigil:playbook';

/** A case that has ended without containment still gathers findings for this long after its last event. */
export const CASE_QUIET_MS = 24 * 60 * 60 * 1000;

const ACTIVE: ReadonlySet<CaseStatus> = new Set(['open', 'awaiting-approval', 'approved', 'contained', 'releasing']);

/** A step found a case in a state it cannot work from. */
export class PlaybookStateError extends Error {
  override readonly name = 'PlaybookStateError';
}

/** A step named a case the store does not hold. */
export class CaseNotFoundError extends Error {
  override readonly name = 'CaseNotFoundError';
  constructor(readonly caseId: string) {
    super(`case ${caseId} is not in the state table; expected a case opened by the contain-principal playbook`);
  }
}

const entryFor = (
  record: Pick<CaseRecord, 'caseId' | 'principal' | 'openingFinding'>,
  fields: Omit<AuditEntry, 'actor' | 'caseId' | 'principalKey' | 'findingId' | 'severity'> & { actor?: string },
): AuditEntry => ({
  actor: PLAYBOOK_ACTOR,
  caseId: record.caseId,
  principalKey: record.principal.key,
  findingId: record.openingFinding.id,
  severity: record.openingFinding.severity,
  ...fields,
});

const load = async (cases: CaseStore, caseId: string): Promise<CaseRecord> => {
  const record = await cases.get(caseId);
  if (record === null) throw new CaseNotFoundError(caseId);
  return record;
};

/**
 * True when `finding` belongs in the principal's current case rather than a new one: the case
 * is not released, the finding is no more severe, and the case is still active or ended less
 * than a day before the finding.
 */
export const joins = (current: CaseRecord, finding: Finding): boolean => {
  if (current.status === 'released') return false;
  if (compareSeverity(finding.severity, current.severity) > 0) return false;
  return ACTIVE.has(current.status) || Date.parse(finding.firstEventTime) <= current.lastEventTime + CASE_QUIET_MS;
};

/** What starting a case needs. */
export interface StartDeps {
  readonly settings: ResponseSettings;
  readonly cases: CaseStore;
  readonly starter: ExecutionStarter;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

const MAX_START_ATTEMPTS = 5;

/**
 * Opens a case for an alerting finding (or adds it to the principal's current case) and starts
 * the contain-principal execution named by the case id. The same finding delivered twice starts
 * nothing new. Returns the finding's `response`, or null when response is off for its severity.
 */
export const startCase = async (finding: Finding, deps: StartDeps): Promise<FindingResponse | null> => {
  const mode = deps.settings.modes[finding.severity];
  if (mode === 'off') return null;
  const principalKey = finding.principal.key;
  for (let attempt = 0; attempt < MAX_START_ATTEMPTS; attempt++) {
    const currentId = await deps.cases.currentCaseOf(principalKey);
    const current = currentId === null ? null : await deps.cases.get(currentId);
    if (current !== null && joins(current, finding)) {
      if (current.openingFinding.id === finding.id && current.severity === finding.severity) {
        // The finding that opened the case, again: start again in case the first delivery stopped before starting.
        await deps.starter.start(current.caseId, { caseId: current.caseId, finding: current.openingFinding });
      } else if (!current.findingIds.includes(finding.id)) {
        await deps.cases.attachFinding(current.caseId, finding);
      }
      return { playbook: PLAYBOOK.contain, mode: current.mode, executionId: current.executionId };
    }
    const caseId = caseIdFor(finding);
    const executionId = deps.starter.executionIdFor(caseId);
    const now = deps.clock.now();
    const record: CaseRecord = {
      caseId,
      principal: finding.principal,
      openingFinding: finding,
      findingIds: [finding.id],
      severity: finding.severity,
      mode,
      status: 'open',
      executionId,
      openedAt: now,
      updatedAt: now,
      lastEventTime: Date.parse(finding.lastEventTime),
    };
    const created = await deps.cases.create(record);
    if (currentId !== caseId && !(await deps.cases.swapCurrent(principalKey, currentId, caseId))) continue;
    if (created) {
      await deps.audit.append([
        entryFor(record, {
          type: 'case-opened',
          at: now,
          executionId,
          data: { mode, playbook: PLAYBOOK.contain, previousCase: currentId },
        }),
      ]);
    }
    const { executionId: started } = await deps.starter.start(caseId, { caseId, finding });
    return { playbook: PLAYBOOK.contain, mode, executionId: started };
  }
  throw new PlaybookStateError(
    `principal ${principalKey}'s current case kept changing in ${MAX_START_ATTEMPTS} attempts; expected it to settle`,
  );
};

/** Enriches: reads IAM about the principal. Unsupported principals are not read. */
export const enrichCase = async (input: { finding: Finding }, deps: { responder: Responder }): Promise<Enrichment> => {
  const target = targetOf(input.finding.principal);
  if (target.kind === 'unsupported')
    return { kind: 'unavailable', reason: `no IAM entity to read for a ${target.principalType}` };
  if (target.kind === 'identity-center' || target.kind === 'role-person') {
    return { kind: 'unavailable', reason: `${target.roleName} is shared by others; the person is what is contained` };
  }
  return deps.responder.enrich(target);
};

/** What the decide step needs. */
export interface DecideStepDeps {
  readonly settings: ResponseSettings;
  readonly budget: ContainmentBudget;
  readonly cases: CaseStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** Decides, records the decision on the case and in the audit. */
export const decideCase = async (state: ContainState, deps: DecideStepDeps): Promise<Decision> => {
  const record = await load(deps.cases, state.caseId);
  const decision = await decide(state, { settings: deps.settings, budget: deps.budget, now: deps.clock.now() });
  await deps.cases.update(state.caseId, { decision, updatedAt: decision.decidedAt });
  await deps.audit.append([
    entryFor(record, {
      type: 'decision',
      at: decision.decidedAt,
      target:
        decision.target.kind === 'unsupported' ? (decision.target.arn ?? decision.target.name) : decision.target.arn,
      result: decision.outcome,
      ...(state.executionId ? { executionId: state.executionId } : {}),
      data: {
        mode: decision.mode,
        reasons: decision.reasons,
        plan: decision.plan.map((a) => ({ id: a.id, target: a.target, description: a.description })),
        approvers: decision.approvers,
        budget: decision.budget,
        withheld: decision.withheld,
      },
    }),
  ]);
  return decision;
};

/** What notifying needs. */
export interface NotifyDeps {
  readonly settings: ResponseSettings;
  readonly cases: CaseStore;
  readonly notifiers: readonly Notifier[];
  readonly audit: AuditLog;
  readonly clock: Clock;
}

const send = async (
  record: CaseRecord,
  stage: NoticeStage,
  notice: ReturnType<typeof renderNotice>,
  decision: Decision | undefined,
  executionId: string | undefined,
  deps: NotifyDeps,
): Promise<NotificationRecord[]> => {
  const sent: NotificationRecord[] = [];
  const entries: AuditEntry[] = [];
  for (const notifier of deps.notifiers) {
    const withheld = decision?.withheld.find((w) => w.channel === notifier.channel);
    let status: NotificationRecord['status'];
    let error: string | null = null;
    if (withheld) {
      status = 'withheld';
      error = withheld.reason;
    } else {
      try {
        await notifier.send(notice);
        status = notifier.dryRun ? 'dry-run' : 'sent';
      } catch (caught) {
        status = 'failed';
        error = `${(caught as Error).name}: ${(caught as Error).message}`;
      }
    }
    const at = deps.clock.now();
    sent.push({ stage, channel: notifier.channel, status, subject: notice.subject, error, at });
    entries.push(
      entryFor(record, {
        type: 'notification',
        at,
        target: notifier.channel,
        result: status,
        ...(executionId ? { executionId } : {}),
        data: {
          stage,
          subject: notice.subject,
          ...(error ? { error } : {}),
          ...(status === 'withheld'
            ? {}
            : notifier.channel === 'slack'
              ? { blocks: notice.blocks }
              : { text: notice.text }),
        },
      }),
    );
  }
  if (entries.length > 0) await deps.audit.append(entries);
  await deps.cases.update(record.caseId, {
    notifications: [...(record.notifications ?? []), ...sent],
    updatedAt: deps.clock.now(),
  });
  return sent;
};

/** Input of the approval request: the execution's state and the task token to answer with. */
export interface ApprovalRequest {
  readonly taskToken: string;
  readonly state: ContainState;
}

/** Stores the task token on the case and asks the approvers, with the exact actions proposed. */
export const requestApproval = async (input: ApprovalRequest, deps: NotifyDeps): Promise<NotificationRecord[]> => {
  const { state } = input;
  const record = await load(deps.cases, state.caseId);
  const decision = state.decision ?? record.decision;
  const now = deps.clock.now();
  await deps.cases.update(state.caseId, {
    status: 'awaiting-approval',
    approval: {
      requestedAt: now,
      taskToken: input.taskToken,
      approvers: decision?.approvers ?? [],
      result: 'pending',
      decidedBy: null,
      decidedAt: null,
      reason: null,
    },
    updatedAt: now,
  });
  const notice = renderNotice(
    buildNotice({
      stage: 'approval-requested',
      caseId: record.caseId,
      executionId: state.executionId ?? record.executionId,
      finding: record.openingFinding,
      findingCount: record.findingIds.length,
      decision: decision ?? null,
      approvalTimeoutMinutes: deps.settings.approvalTimeoutMinutes,
    }),
  );
  const fresh = await load(deps.cases, state.caseId);
  return send(fresh, 'approval-requested', notice, decision, state.executionId, deps);
};

/** What containing needs. */
export interface ContainDeps {
  readonly responder: Responder;
  readonly cases: CaseStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

const actionEntry = (
  record: CaseRecord,
  r: ActionRecord | UndoRecord,
  executionId: string | undefined,
  actor: string,
  undo: boolean,
): AuditEntry =>
  entryFor(record, {
    type: 'action',
    actor,
    at: r.at,
    target: r.action.target,
    before: r.before,
    after: r.after,
    result: r.status,
    ...(executionId ? { executionId } : {}),
    data: {
      action: r.action.id,
      description: r.action.description,
      undo,
      ...(r.error ? { error: r.error } : {}),
      ...('attempts' in r ? { attempts: r.attempts } : {}),
      ...('instructions' in r && r.instructions ? { instructions: r.instructions } : {}),
    },
  });

/**
 * Performs the plan, step by step, in order. A failed step does not stop the others; every
 * step's before-state and result lands on the case (for release) and in the audit as it ends.
 */
export const containCase = async (state: ContainState, deps: ContainDeps): Promise<ContainmentResult> => {
  const record = await load(deps.cases, state.caseId);
  const decision = state.decision ?? record.decision;
  if (!decision)
    throw new PlaybookStateError(`case ${state.caseId} has no decision; expected the decide step to have run`);
  const approval =
    state.approval !== undefined && !isCaughtError(state.approval) ? (state.approval as ApprovalAnswer) : null;
  const actor = approval ? `${PLAYBOOK_ACTOR} approved by ${approval.approver}` : PLAYBOOK_ACTOR;
  const done: ActionRecord[] = [...(record.actions ?? [])].filter((r) =>
    decision.plan.some((a) => a.id === r.action.id),
  );
  for (const action of decision.plan) {
    const previous = done.find((r) => r.action.id === action.id);
    // A retried contain step keeps what a previous attempt finished: its before-state is the true one.
    if (previous && previous.status !== 'failed') continue;
    const result = await deps.responder.apply(action, () => deps.clock.now());
    const kept = previous ? { ...result, before: previous.before } : result;
    const index = done.findIndex((r) => r.action.id === action.id);
    if (index >= 0) done[index] = kept;
    else done.push(kept);
    await deps.audit.append([actionEntry(record, kept, state.executionId, actor, false)]);
    await deps.cases.update(state.caseId, { actions: done, updatedAt: deps.clock.now() });
  }
  const complete = done.every((r) => r.status !== 'failed');
  return { actions: done, complete, dryRun: deps.responder.dryRun };
};

/** Notifies the security team of how a contain-principal or release-principal execution went. */
export const notifyCase = async (
  input: { readonly playbook: string; readonly state: ContainState | ReleaseState },
  deps: NotifyDeps,
): Promise<NotificationRecord[]> => {
  const record = await load(deps.cases, input.state.caseId);
  if (input.playbook === PLAYBOOK.release) {
    const state = input.state as ReleaseState;
    const stage: NoticeStage = state.failure || !state.release ? 'failed' : 'released';
    const notice = renderNotice(
      buildNotice({
        stage,
        caseId: record.caseId,
        executionId: state.executionId ?? null,
        finding: record.openingFinding,
        findingCount: record.findingIds.length,
        decision: record.decision ?? null,
        undo: state.release?.undo ?? [],
        by: state.requestedBy,
        dryRun: state.release?.undo.some((u) => u.status === 'dry-run') ?? false,
      }),
    );
    return send(record, stage, notice, record.decision, state.executionId, deps);
  }
  const state = input.state as ContainState;
  const stage = stageOf(state);
  const denial = isCaughtError(state.approval) && stage === 'approval-denied' ? denialOf(state.approval) : null;
  const approval = state.approval !== undefined && !isCaughtError(state.approval) ? state.approval : null;
  const notice = renderNotice(
    buildNotice({
      stage,
      caseId: record.caseId,
      executionId: state.executionId ?? record.executionId,
      finding: record.openingFinding,
      findingCount: record.findingIds.length,
      decision: state.decision ?? record.decision ?? null,
      actions: state.containment?.actions ?? null,
      by: denial?.by ?? approval?.approver ?? null,
      note:
        denial?.reason ??
        approval?.reason ??
        (state.failure ? `${state.failure.Error}: ${state.failure.Cause ?? ''}` : null),
      approvalTimeoutMinutes: deps.settings.approvalTimeoutMinutes,
      dryRun: state.containment?.dryRun ?? false,
    }),
  );
  return send(record, stage, notice, state.decision ?? record.decision, state.executionId, deps);
};

/** How recording left the case. */
export interface RecordResult {
  readonly status: CaseStatus;
  readonly outcome: string;
}

const OUTCOME: Readonly<Record<NoticeStage, { status: CaseStatus; outcome: string }>> = {
  proposed: { status: 'closed', outcome: 'dry-run' },
  'approval-requested': { status: 'awaiting-approval', outcome: 'awaiting-approval' },
  contained: { status: 'contained', outcome: 'contained' },
  'partially-contained': { status: 'contained', outcome: 'partially-contained' },
  protected: { status: 'closed', outcome: 'protected' },
  'budget-exhausted': { status: 'closed', outcome: 'budget-exhausted' },
  'approval-denied': { status: 'closed', outcome: 'denied' },
  'approval-timed-out': { status: 'closed', outcome: 'approval-timed-out' },
  failed: { status: 'closed', outcome: 'failed' },
  released: { status: 'released', outcome: 'released' },
};

/**
 * Records how the execution ended: the case's status and outcome, and `case-closed` in the audit
 * when it closes. A contained case stays open until it is released. A dry-run containment (a
 * local run) closes as `dry-run`: nothing was changed, so there is nothing to release.
 */
export const recordCase = async (
  input: { readonly playbook: string; readonly state: ContainState | ReleaseState },
  deps: { readonly cases: CaseStore; readonly audit: AuditLog; readonly clock: Clock },
): Promise<RecordResult> => {
  const record = await load(deps.cases, input.state.caseId);
  let stage: NoticeStage;
  let dryRun = false;
  if (input.playbook === PLAYBOOK.release) {
    const state = input.state as ReleaseState;
    stage = state.failure || !state.release ? 'failed' : 'released';
  } else {
    const state = input.state as ContainState;
    stage = stageOf(state);
    dryRun = state.containment?.dryRun ?? false;
  }
  let { status, outcome } = OUTCOME[stage];
  if (input.playbook === PLAYBOOK.release && stage === 'failed') {
    status = 'contained';
    outcome = 'release-failed';
  } else if (dryRun && status === 'contained') {
    status = 'closed';
    outcome = `dry-run-${outcome}`;
  } else if (stage === 'failed' && (record.actions ?? []).some((a) => a.status === 'done')) {
    // Some steps took effect before the failure: the case needs a release, so it stays contained.
    status = 'contained';
    outcome = 'failed-partially-contained';
  }
  const now = deps.clock.now();
  const closing = status === 'closed' || status === 'released';
  // A timed-out approval's token is dead: clear it, so nobody tries to answer it.
  const approval =
    stage === 'approval-timed-out' && record.approval
      ? { approval: { ...record.approval, result: 'timed-out' as const, taskToken: null } }
      : {};
  await deps.cases.update(record.caseId, {
    status,
    outcome,
    updatedAt: now,
    ...approval,
    ...(closing ? { closedAt: now } : {}),
  });
  if (closing) {
    await deps.audit.append([
      entryFor(record, {
        type: 'case-closed',
        at: now,
        result: outcome,
        ...(input.state.executionId ? { executionId: input.state.executionId } : {}),
        data: { status, findings: record.findingIds.length },
      }),
    ]);
  }
  return { status, outcome };
};

/** Undoes a case's containment from the before-states it recorded, newest step first. */
export const releaseCase = async (state: ReleaseState, deps: ContainDeps): Promise<ReleaseResult> => {
  const record = await load(deps.cases, state.caseId);
  const actor = `${PLAYBOOK_ACTOR} release requested by ${state.requestedBy}`;
  const undo: UndoRecord[] = [];
  for (const action of [...(record.actions ?? [])].reverse()) {
    if (action.status !== 'done' && action.status !== 'dry-run' && action.status !== 'manual') continue;
    const result = await deps.responder.undo(action, () => deps.clock.now());
    undo.push(result);
    await deps.audit.append([actionEntry(record, result, state.executionId, actor, true)]);
    await deps.cases.update(state.caseId, { undo, updatedAt: deps.clock.now() });
  }
  return { undo, complete: undo.every((u) => u.status !== 'failed'), requestedBy: state.requestedBy };
};
