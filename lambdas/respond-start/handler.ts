/**
 * Starts the contain-principal playbook for an alerting finding.
 *
 * Trigger: the EventBridge rule on Vigil's bus for "Vigil Finding" events (asynchronous, retried,
 * then its dead-letter queue). Input: the event, whose detail is the contract's Finding.
 * Output: the finding's `response` (`{ playbook, mode, executionId }`), or null when response is
 * off for its severity. Side effects: opens a case (or adds the finding to the principal's
 * current case) in the state table, `case-opened` in the audit, and starts the execution named
 * by the case id, once.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { Finding, FindingResponse } from '../core/finding.ts';
import { startCase } from '../core/response/steps.ts';
import { lambdaHandler, type Wiring } from '../respond-shared/wiring.ts';

/** The step: opens or joins the case and starts its execution. */
export const step = (
  event: Pick<EventBridgeEvent<string, Finding>, 'detail'>,
  wiring: Wiring,
): Promise<FindingResponse | null> => startCase(event.detail, wiring);

/** The Lambda handler. */
export const handler = lambdaHandler('playbook-start', step);
