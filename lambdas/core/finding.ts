import type { PrincipalType } from './principal.ts';

/** Finding severities, lowest first. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/** How bad a finding is. */
export type Severity = (typeof SEVERITIES)[number];

/** Orders severities: negative when `a` is less severe than `b`. */
export const compareSeverity = (a: Severity, b: Severity): number => SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);

/** The most eventIds a finding carries, as CONTRACT.md promises. */
export const MAX_FINDING_EVENT_IDS = 100;

/** A playbook started for a finding. */
export interface FindingResponse {
  readonly playbook: string;
  readonly mode: string;
  readonly executionId: string;
}

/** A finding exactly as ../shared/CONTRACT.md specifies it: one JSON object per line in `--findings`. */
export interface Finding {
  id: string;
  detector: string;
  title: string;
  severity: Severity;
  risk: number;
  principal: {
    key: string;
    arn: string | null;
    type: PrincipalType;
    accountId: string;
    name: string;
  };
  eventIds: string[];
  firstEventTime: string;
  lastEventTime: string;
  attack: string[];
  evidence: Record<string, unknown>;
  response: FindingResponse | null;
}
