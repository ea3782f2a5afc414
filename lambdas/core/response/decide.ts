/**
 * The decide step: how to answer a case. The mode comes from configuration by severity;
 * protected principals are never contained; a containment (or a request to approve one) must fit
 * in the hourly budget; approvers never include the subject, and a channel the subject reads is
 * withheld.
 */
import type { Finding } from '../finding.ts';
import { wildcardMatch } from '../patterns.ts';
import { hasAutomatedSteps, planContainment } from './plan.ts';
import type { ContainmentBudget } from './ports.ts';
import type { ResponseSettings } from './settings.ts';
import { protectedBy, targetOf } from './target.ts';
import type { BudgetState, CaughtError, Decision, Enrichment } from './types.ts';
import { isCaughtError } from './types.ts';

/** What deciding needs. */
export interface DecideDeps {
  readonly settings: ResponseSettings;
  readonly budget: ContainmentBudget;
  readonly now: number;
}

/** What deciding reads from the execution. */
export interface DecideInput {
  readonly caseId: string;
  readonly finding: Finding;
  readonly enrichment?: Enrichment | CaughtError;
}

const lower = (value: string): string => value.toLowerCase();

/** Names by which the subject could also be an approver or a subscriber. */
const subjectNames = (finding: Finding): string[] => {
  const p = finding.principal;
  return [p.key, p.name, ...(p.arn ? [p.arn] : [])].map(lower);
};

/** True when an approver entry (ARN or Identity Center user name, `*` wildcards) names the subject. */
export const namesSubject = (entry: string, finding: Finding): boolean =>
  subjectNames(finding).some((name) => wildcardMatch(entry, name) || name.endsWith(`/${lower(entry)}`));

/** The enrichment as read, or why it is missing. */
export const enrichmentOf = (value: Enrichment | CaughtError | undefined): Enrichment => {
  if (value === undefined) return { kind: 'unavailable', reason: 'enrichment did not run' };
  if (isCaughtError(value))
    return {
      kind: 'unavailable',
      reason: `enrichment failed: ${value.Error}${value.Cause ? ` (${value.Cause.slice(0, 200)})` : ''}`,
    };
  return value;
};

/** Decides a case. Reserves budget only when containment would follow. */
export const decide = async (input: DecideInput, deps: DecideDeps): Promise<Decision> => {
  const { finding, caseId } = input;
  const { settings, now } = deps;
  const mode = settings.modes[finding.severity];
  const target = targetOf(finding.principal);
  const enrichment = enrichmentOf(input.enrichment);
  const plan = planContainment({ caseId, finding, target, enrichment, settings, now });
  const approvers = settings.approvers.filter((a) => !namesSubject(a, finding));
  const withheld = settings.notifyEmails.some((email) => namesSubject(email, finding))
    ? [{ channel: 'sns', reason: `the subject ${finding.principal.name} is subscribed to the security team's topic` }]
    : [];
  const reasons: string[] = [`${finding.severity} finding ${finding.detector}: response mode ${mode}`];
  if (enrichment.kind === 'unavailable') reasons.push(`IAM facts unavailable: ${enrichment.reason}`);
  const base = { mode, target, plan, approvers, withheld, decidedAt: now };
  const decided = (outcome: Decision['outcome'], budget: BudgetState | null, more: string[] = []): Decision => ({
    ...base,
    outcome,
    budget,
    reasons: [...reasons, ...more],
  });

  const guard = protectedBy(settings.protectedPrincipals, finding.principal);
  if (guard !== null)
    return decided('protected', null, [`${finding.principal.name} is protected (matches ${guard}): never contained`]);
  if (mode === 'off') return decided('off', null, ['response is off for this severity']);
  if (mode === 'dry-run') return decided('dry-run', null, ['dry run: the plan is recorded, nothing is changed']);
  if (mode === 'approval' && approvers.length === 0) {
    const why =
      settings.approvers.length === 0 ? 'no approver is configured' : 'the only configured approvers are the subject';
    return decided('dry-run', null, [`approval needed but ${why}: the plan is proposed, nothing is changed`]);
  }
  if (!hasAutomatedSteps(plan)) {
    return decided(mode === 'approval' ? 'approval' : 'contain', null, [
      'the plan holds only steps an administrator performs',
    ]);
  }
  const budget = await deps.budget.reserve(caseId, now, settings.maxContainmentsPerHour);
  if (!budget.granted) {
    return decided('budget-exhausted', budget, [
      `containment budget exhausted: ${budget.used} of ${budget.max} containments this hour (${budget.hour}Z); contain by hand or raise response.maxContainmentsPerHour`,
    ]);
  }
  const counted = `containment ${budget.used} of ${budget.max} this hour`;
  return mode === 'approval'
    ? decided('approval', budget, [`approval required from one of ${approvers.join(', ')} (${counted})`])
    : decided('contain', budget, [`contained automatically (${counted})`]);
};
