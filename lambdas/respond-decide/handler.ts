/**
 * Decide step of the contain-principal playbook.
 *
 * Trigger: the state machine's `Decide` task. Input: the execution state (case id, finding,
 * enrichment). Output: the Decision (mode, outcome, reasons, plan, approvers). Side effects:
 * counts the case against the hour's containment budget when containment would follow; the
 * decision on the case item and in the audit.
 */
import { decideCase } from '../core/response/steps.ts';
import type { ContainState, Decision } from '../core/response/types.ts';
import { lambdaHandler, type Wiring } from '../respond-shared/wiring.ts';

/** The step: decides how to answer the case. */
export const step = (state: ContainState, wiring: Wiring): Promise<Decision> => decideCase(state, wiring);

/** The Lambda handler. */
export const handler = lambdaHandler('playbook-decide', step);
