/**
 * Case ids. A case is named by the principal and the finding that opened it, so the same finding
 * delivered twice names the same case, and the playbook execution named after it starts once.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../finding.ts';

const CASE_ID = /^case-[0-9a-f]{20}$/;

/**
 * The id of the case `finding` opens for its principal: `case-` and 20 hex digits. The severity
 * is part of it: a finding that escalates may open a stronger case than the one it first opened.
 */
export const caseIdFor = (finding: Pick<Finding, 'id' | 'severity' | 'principal'>): string =>
  `case-${createHash('sha256').update(`${finding.principal.key}\n${finding.id}\n${finding.severity}`).digest('hex').slice(0, 20)}`;

/** A case id is not one Vigil makes. */
export class CaseIdError extends Error {
  override readonly name = 'CaseIdError';
}

/** Returns `value` if it is a case id; throws CaseIdError naming it otherwise. */
export const checkCaseId = (value: string): string => {
  if (!CASE_ID.test(value)) {
    throw new CaseIdError(
      `${JSON.stringify(value)} is not a case id; expected case- and 20 hex digits, e.g. case-0123456789abcdef0123`,
    );
  }
  return value;
};

/** The execution ARN Step Functions gives `name` on the state machine `stateMachineArn`. */
export const executionArnFor = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
