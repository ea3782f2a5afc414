/**
 * Contain step of the contain-principal playbook.
 *
 * Trigger: the state machine's `Contain` task, after an automatic decision or an approval.
 * Input: the execution state (case id, decision, approval). Output: every step's record (before,
 * after, status). Side effects: changes IAM (and bucket policies) as planned, each step
 * idempotent; each step's record on the case item (for release) and in the audit as it ends.
 */
import { containCase } from '../core/response/steps.ts';
import type { ContainmentResult, ContainState } from '../core/response/types.ts';
import { lambdaHandler, type Wiring } from '../respond-shared/wiring.ts';

/** The step: performs the plan. */
export const step = (state: ContainState, wiring: Wiring): Promise<ContainmentResult> => containCase(state, wiring);

/** The Lambda handler. */
export const handler = lambdaHandler('playbook-contain', step);
