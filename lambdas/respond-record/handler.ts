/**
 * Record step of both playbooks: how the execution ended.
 *
 * Trigger: the state machines' `Record` task, last. Input: `{ playbook, state }`. Output: the
 * case's status and outcome. Side effects: the case item's status; `case-closed` in the audit
 * when the case closes (a contained case stays open until released).
 */
import { type RecordResult, recordCase } from '../core/response/steps.ts';
import type { ContainState, ReleaseState } from '../core/response/types.ts';
import { lambdaHandler, type Wiring } from '../respond-shared/wiring.ts';

/** The step: records the outcome. */
export const step = (
  input: { playbook: string; state: ContainState | ReleaseState },
  wiring: Wiring,
): Promise<RecordResult> => recordCase(input, wiring);

/** The Lambda handler. */
export const handler = lambdaHandler('playbook-record', step);
