/**
 * Enrich step of the contain-principal playbook.
 *
 * Trigger: the state machine's `Enrich` task. Input: `{ caseId, finding }`. Output: what IAM says
 * about the principal (a user's keys and their last use, policies, groups, console password,
 * tags; a role's trust policy, last use, policies, tags). Side effects: none (IAM reads only).
 */
import type { Finding } from '../core/finding.ts';
import { enrichCase } from '../core/response/steps.ts';
import type { Enrichment } from '../core/response/types.ts';
import { lambdaHandler, type Wiring } from '../respond-shared/wiring.ts';

/** The step: reads IAM about the case's principal. */
export const step = (input: { caseId: string; finding: Finding }, wiring: Wiring): Promise<Enrichment> =>
  enrichCase(input, wiring);

/** The Lambda handler. */
export const handler = lambdaHandler('playbook-enrich', step);
