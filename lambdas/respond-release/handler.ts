/**
 * Release step of the release-principal playbook.
 *
 * Trigger: the release state machine's `Release` task, started by `vigil case release CASE_ID`.
 * Input: `{ caseId, requestedBy }`. Output: every undo's record. Side effects: puts back, from
 * the before-state each containment step recorded, what Vigil changed (newest first); each undo
 * on the case item and in the audit.
 */
import { releaseCase } from '../core/response/steps.ts';
import type { ReleaseResult, ReleaseState } from '../core/response/types.ts';
import { lambdaHandler, type Wiring } from '../respond-shared/wiring.ts';

/** The step: undoes the containment. */
export const step = (state: ReleaseState, wiring: Wiring): Promise<ReleaseResult> => releaseCase(state, wiring);

/** The Lambda handler. */
export const handler = lambdaHandler('playbook-release', step);
