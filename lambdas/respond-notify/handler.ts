/**
 * Notify step of both playbooks, and the approval request.
 *
 * Trigger: the state machines' `Notify` task, and the `AwaitApproval` task (wait for task token).
 * Input: `{ playbook, state }`, or `{ taskToken, state }` for an approval request. Output: the
 * notifications sent, channel by channel. Side effects: publishes to the security team's SNS
 * topic and posts to Slack (never on a channel the subject reads); for an approval request,
 * stores the task token on the case so `vigil case approve|deny` can answer it; `notification`
 * records in the audit.
 */
import { type ApprovalRequest, notifyCase, requestApproval } from '../core/response/steps.ts';
import type { ContainState, NotificationRecord, ReleaseState } from '../core/response/types.ts';
import { lambdaHandler, type Wiring } from '../respond-shared/wiring.ts';

/** Input of the notify step: an outcome to tell, or an approval to ask for. */
export type NotifyInput = { readonly playbook: string; readonly state: ContainState | ReleaseState } | ApprovalRequest;

/** The step: tells the team, or asks the approvers. */
export const step = (input: NotifyInput, wiring: Wiring): Promise<NotificationRecord[]> =>
  'taskToken' in input ? requestApproval(input, wiring) : notifyCase(input, wiring);

/** The Lambda handler. */
export const handler = lambdaHandler('playbook-notify', step);
