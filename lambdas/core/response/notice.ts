/**
 * What the security team is told about a case, and how: one notice, rendered as an email-ready
 * text (the SNS topic) and as Slack Block Kit. Every string that came from an event goes through
 * `escape.ts`: in the email on one line of its own, in Slack only inside `plain_text` objects,
 * which Slack never parses, or escaped for `mrkdwn`.
 */
import type { Finding } from '../finding.ts';
import { asciiLine, escapeMrkdwn, oneLine, slackPlain } from './escape.ts';
import type { RenderedNotice } from './ports.ts';
import type {
  ActionRecord,
  ActionStatus,
  CaughtError,
  ContainState,
  Decision,
  NoticeStage,
  PlannedAction,
  UndoRecord,
  UndoStatus,
} from './types.ts';
import { APPROVAL_DENIED_ERROR, isCaughtError, TIMEOUT_ERROR } from './types.ts';

/** One line of the actions list. */
export interface NoticeAction {
  readonly description: string;
  readonly status: ActionStatus | UndoStatus | 'proposed';
  readonly error: string | null;
  /** Instructions for an administrator (manual steps, undo that cannot be automated). */
  readonly steps: readonly string[];
}

/** Everything a notice says, before rendering. */
export interface Notice {
  readonly stage: NoticeStage;
  readonly caseId: string;
  readonly executionId: string | null;
  readonly finding: Finding;
  readonly findingCount: number;
  readonly mode: string | null;
  readonly dryRun: boolean;
  readonly reasons: readonly string[];
  readonly actions: readonly NoticeAction[];
  readonly approvers: readonly string[];
  /** Who approved, denied or asked for release; null when nobody did. */
  readonly by: string | null;
  readonly note: string | null;
  readonly approvalTimeoutMinutes: number | null;
}

/** What building a notice reads. */
export interface NoticeInput {
  readonly stage: NoticeStage;
  readonly caseId: string;
  readonly executionId: string | null;
  readonly finding: Finding;
  readonly findingCount: number;
  readonly decision: Decision | null;
  readonly actions?: readonly ActionRecord[] | null;
  readonly undo?: readonly UndoRecord[] | null;
  readonly by?: string | null;
  readonly note?: string | null;
  readonly approvalTimeoutMinutes?: number | null;
  readonly dryRun?: boolean;
}

const DENIAL_CAUSE = (cause: string | undefined): { by: string | null; reason: string | null } => {
  try {
    const parsed = JSON.parse(cause ?? '') as { approver?: unknown; reason?: unknown };
    return {
      by: typeof parsed.approver === 'string' ? parsed.approver : null,
      reason: typeof parsed.reason === 'string' ? parsed.reason : null,
    };
  } catch {
    return { by: null, reason: cause ?? null };
  }
};

/** The stage a contain-principal execution reached, read from its state. */
export const stageOf = (state: ContainState): NoticeStage => {
  const { decision, approval, containment, failure } = state;
  if (failure !== undefined || decision === undefined) return 'failed';
  switch (decision.outcome) {
    case 'protected':
      return 'protected';
    case 'budget-exhausted':
      return 'budget-exhausted';
    case 'dry-run':
    case 'off':
      return 'proposed';
    default:
      break;
  }
  if (isCaughtError(approval)) {
    if (approval.Error === APPROVAL_DENIED_ERROR) return 'approval-denied';
    if (approval.Error === TIMEOUT_ERROR) return 'approval-timed-out';
    return 'failed';
  }
  if (containment === undefined) return 'failed';
  return containment.complete ? 'contained' : 'partially-contained';
};

/** Who denied and why, from a denial caught by the state machine. */
export const denialOf = (approval: CaughtError): { by: string | null; reason: string | null } =>
  DENIAL_CAUSE(approval.Cause);

const proposed = (plan: readonly PlannedAction[]): NoticeAction[] =>
  plan.map((a) => ({
    description: a.description,
    status: a.spec.kind === 'manual' ? 'manual' : 'proposed',
    error: null,
    steps: a.spec.kind === 'manual' ? a.spec.steps : [],
  }));

const taken = (records: readonly ActionRecord[]): NoticeAction[] =>
  records.map((r) => ({
    description: r.action.description,
    status: r.status,
    error: r.error,
    steps: r.action.spec.kind === 'manual' ? r.action.spec.steps : [],
  }));

const undone = (records: readonly UndoRecord[]): NoticeAction[] =>
  records.map((r) => ({
    description: `Undo: ${r.action.description}`,
    status: r.status,
    error: r.error,
    steps: r.instructions ? [r.instructions] : [],
  }));

/** Builds the notice for a stage of a case. */
export const buildNotice = (input: NoticeInput): Notice => {
  const plan = input.decision?.plan ?? [];
  const actions = input.undo ? undone(input.undo) : input.actions ? taken(input.actions) : proposed(plan);
  return {
    stage: input.stage,
    caseId: input.caseId,
    executionId: input.executionId,
    finding: input.finding,
    findingCount: input.findingCount,
    mode: input.decision?.mode ?? null,
    dryRun: input.dryRun ?? false,
    reasons: input.decision?.reasons ?? [],
    actions,
    approvers: input.decision?.approvers ?? [],
    by: input.by ?? null,
    note: input.note ?? null,
    approvalTimeoutMinutes: input.approvalTimeoutMinutes ?? null,
  };
};

/** The headline of a notice, in Vigil's words around the subject's (escaped by the renderer). */
const headline = (n: Notice, name: string): string => {
  const would = n.dryRun ? 'Dry run: Vigil would have ' : '';
  switch (n.stage) {
    case 'proposed':
      return `Dry run: Vigil would contain ${name}`;
    case 'approval-requested':
      return `Approval needed to contain ${name}`;
    case 'contained':
      return n.dryRun ? `${would}contained ${name}` : `Contained ${name}`;
    case 'partially-contained':
      return `Partly contained ${name}: some steps failed`;
    case 'protected':
      return `Not contained: ${name} is a protected principal`;
    case 'budget-exhausted':
      return `Not contained (budget exhausted): ${name}`;
    case 'approval-denied':
      return `Containment of ${name} denied`;
    case 'approval-timed-out':
      return `Escalation: nobody approved containing ${name}`;
    case 'failed':
      return `Playbook failed for ${name}: act by hand`;
    case 'released':
      return n.dryRun ? `${would}released ${name}` : `Released ${name}`;
  }
};

const STATUS_LABEL: Readonly<Record<NoticeAction['status'], string>> = {
  proposed: 'proposed',
  done: 'done',
  unchanged: 'already so',
  failed: 'FAILED',
  'dry-run': 'dry run',
  manual: 'by hand',
  restored: 'restored',
};

const actionsTitle = (n: Notice): string => {
  if (n.stage === 'released') return 'Undone';
  if (n.actions.some((a) => a.status !== 'proposed' && a.status !== 'manual'))
    return n.dryRun ? 'Would have done' : 'Actions taken';
  return 'Actions proposed';
};

/** Commands the team can run next, by stage. Case ids are Vigil's own, never from an event. */
const nextSteps = (n: Notice): string[] => {
  const id = n.caseId;
  switch (n.stage) {
    case 'approval-requested':
      return [`Approve: vigil case approve ${id}`, `Deny:    vigil case deny ${id}`];
    case 'contained':
    case 'partially-contained':
      return n.dryRun ? [] : [`Release: vigil case release ${id}`];
    case 'approval-timed-out':
    case 'budget-exhausted':
    case 'failed':
      return ['Contain by hand: follow the actions above in the IAM console or CLI'];
    default:
      return [];
  }
};

const evidenceLines = (finding: Finding, max = 12): string[] =>
  Object.entries(finding.evidence)
    .slice(0, max)
    .map(
      ([key, value]) =>
        `${oneLine(key, 60)}: ${oneLine(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'), 200)}`,
    );

const eventIdsLine = (finding: Finding): string => {
  const ids = finding.eventIds.slice(0, 5).map((id) => oneLine(id, 80));
  const more = finding.eventIds.length > 5 ? ` and ${finding.eventIds.length - 5} more` : '';
  return `${ids.join(', ')}${more}`;
};

const byLine = (n: Notice): string | null => {
  if (n.by === null) return null;
  const verb = n.stage === 'approval-denied' ? 'Denied by' : n.stage === 'released' ? 'Released by' : 'Approved by';
  return `${verb} ${oneLine(n.by, 200)}${n.note ? `: ${oneLine(n.note, 300)}` : ''}`;
};

/** The SNS subject: ASCII, one line, under 100 characters. */
export const renderSubject = (n: Notice): string =>
  asciiLine(`[Vigil] ${n.finding.severity.toUpperCase()} ${n.caseId}: ${headline(n, n.finding.principal.name)}`);

/** The email-ready text of a notice. */
export const renderText = (n: Notice): string => {
  const f = n.finding;
  const p = f.principal;
  const name = oneLine(p.name, 120);
  const out: string[] = [];
  out.push(`Vigil case ${n.caseId}: ${headline(n, name)}`, '');
  out.push('WHO');
  out.push(`  Principal: ${name} (${oneLine(p.type, 40)})`);
  out.push(`  Key:       ${oneLine(p.key, 200)}`);
  if (p.arn) out.push(`  ARN:       ${oneLine(p.arn, 300)}`);
  out.push(`  Account:   ${oneLine(p.accountId, 20)}`, '');
  out.push('WHAT');
  out.push(`  ${oneLine(f.title, 200)} [${oneLine(f.detector, 100)}]`);
  out.push(
    `  Severity ${f.severity}, risk ${f.risk}/100, ${n.findingCount} finding${n.findingCount === 1 ? '' : 's'} in this case`,
  );
  out.push(`  Events from ${oneLine(f.firstEventTime, 40)} to ${oneLine(f.lastEventTime, 40)}`);
  if (f.attack.length > 0) out.push(`  MITRE ATT&CK: ${f.attack.map((t) => oneLine(t, 20)).join(', ')}`);
  out.push('');
  const by = byLine(n);
  const failure = n.stage === 'failed' && n.note ? `the playbook failed: ${oneLine(n.note, 400)}` : null;
  if (n.reasons.length > 0 || by || failure) {
    out.push('WHY');
    for (const reason of n.reasons) out.push(`  - ${oneLine(reason, 400)}`);
    if (by) out.push(`  - ${by}`);
    if (failure) out.push(`  - ${failure}`);
    if (n.stage === 'approval-timed-out' && n.approvalTimeoutMinutes !== null) {
      out.push(`  - no approver answered within ${n.approvalTimeoutMinutes} minutes`);
    }
    out.push('');
  }
  out.push('EVIDENCE');
  for (const line of evidenceLines(f)) out.push(`  ${line}`);
  out.push(`  CloudTrail events: ${eventIdsLine(f)}`, '');
  if (n.actions.length > 0) {
    out.push(actionsTitle(n).toUpperCase());
    for (const a of n.actions) {
      out.push(
        `  [${STATUS_LABEL[a.status]}] ${oneLine(a.description, 400)}${a.error ? ` - ${oneLine(a.error, 300)}` : ''}`,
      );
      a.steps.forEach((step, i) => {
        out.push(`      ${i + 1}. ${oneLine(step, 600)}`);
      });
    }
    out.push('');
  }
  if (n.stage === 'approval-requested' && n.approvers.length > 0) {
    out.push('APPROVERS');
    out.push(`  ${n.approvers.map((a) => oneLine(a, 200)).join(', ')}`);
    if (n.approvalTimeoutMinutes !== null)
      out.push(`  The request escalates after ${n.approvalTimeoutMinutes} minutes.`);
    out.push('');
  }
  const next = nextSteps(n);
  if (next.length > 0) {
    out.push('NEXT');
    for (const step of next) out.push(`  ${step}`);
    out.push('');
  }
  if (n.executionId) out.push(`Execution: ${oneLine(n.executionId, 300)}`);
  return `${out.join('\n').trimEnd()}\n`;
};

const plain = (text: string, max?: number) => ({ type: 'plain_text', text: slackPlain(text, max), emoji: false });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

/**
 * Slack Block Kit blocks. Labels are Vigil's own `mrkdwn`; every value from an event is a
 * `plain_text` object, which Slack shows as written: no mentions, links or formatting.
 */
export const renderBlocks = (n: Notice): Record<string, unknown>[] => {
  const f = n.finding;
  const p = f.principal;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: plain(headline(n, p.name), 150) },
    {
      type: 'context',
      elements: [
        mrkdwn(`*Case* \`${escapeMrkdwn(n.caseId, 40)}\``),
        plain(`${f.severity} · risk ${f.risk}/100 · mode ${n.mode ?? 'n/a'}`),
      ],
    },
    {
      type: 'section',
      fields: [
        mrkdwn('*Who*'),
        plain(`${p.name} (${p.type}) in ${p.accountId}`, 1900),
        mrkdwn('*What*'),
        plain(`${f.title} [${f.detector}]`, 1900),
        mrkdwn('*When*'),
        plain(`${f.firstEventTime} to ${f.lastEventTime}`),
        mrkdwn('*Findings*'),
        plain(`${n.findingCount} in this case${f.attack.length > 0 ? ` · ATT&CK ${f.attack.join(', ')}` : ''}`),
      ],
    },
  ];
  const why = [...n.reasons.map((r) => `• ${oneLine(r, 400)}`)];
  const by = byLine(n);
  if (by) why.push(`• ${by}`);
  if (n.stage === 'failed' && n.note) why.push(`• the playbook failed: ${oneLine(n.note, 400)}`);
  if (why.length > 0) {
    blocks.push({ type: 'section', text: mrkdwn('*Risk and why*') });
    blocks.push({ type: 'section', text: plain(why.join('\n'), 2900) });
  }
  blocks.push({ type: 'section', text: mrkdwn('*Evidence*') });
  blocks.push({
    type: 'section',
    text: plain([...evidenceLines(f, 10), `CloudTrail events: ${eventIdsLine(f)}`].join('\n'), 2900),
  });
  if (n.actions.length > 0) {
    blocks.push({ type: 'section', text: mrkdwn(`*${actionsTitle(n)}*`) });
    const lines = n.actions.flatMap((a) => [
      `[${STATUS_LABEL[a.status]}] ${oneLine(a.description, 400)}${a.error ? ` - ${oneLine(a.error, 300)}` : ''}`,
      ...a.steps.map((s, i) => `    ${i + 1}. ${oneLine(s, 600)}`),
    ]);
    blocks.push({ type: 'section', text: plain(lines.join('\n'), 2900) });
  }
  if (n.stage === 'approval-requested' && n.approvers.length > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn('*Approvers*'), plain(n.approvers.join(', '))] });
  }
  const next = nextSteps(n);
  if (next.length > 0)
    blocks.push({ type: 'section', text: mrkdwn(next.map((s) => `\`${escapeMrkdwn(s, 200)}\``).join('\n')) });
  return blocks;
};

/** The notice on every channel. */
export const renderNotice = (n: Notice): RenderedNotice => ({
  subject: renderSubject(n),
  text: renderText(n),
  blocks: renderBlocks(n),
});
