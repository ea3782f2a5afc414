import type { PrincipalType } from './principal.ts';

/** One finding's contribution to a principal's risk. */
export interface RiskContribution {
  readonly findingId: string;
  readonly detector: string;
  /** Points at `at`, before decay. */
  readonly points: number;
  /** Epoch ms of the event that raised it. */
  readonly at: number;
}

/** A principal's risk: a decaying score and what raised it. */
export interface RiskState {
  /** Score 0-100 at `at`. */
  value: number;
  /** Epoch ms the value was computed for (event time, not wall time). */
  at: number;
  /** The largest recent contributions, capped, for explaining the score. */
  contributors: RiskContribution[];
  /**
   * Marks (the last 12 hex digits of the id) of the findings most recently counted (capped), so a batch retried after a partial
   * failure never adds a finding's points twice.
   */
  counted: string[];
}

/**
 * Everything Vigil keeps per principal: one item, written once per principal per batch with a
 * version condition. Kept to a few KB: sets inside the baseline are capped.
 */
export interface PrincipalState {
  readonly key: string;
  /** 0 for a principal never stored; the store writes only if the stored version still matches. */
  version: number;
  principal: { arn: string | null; type: PrincipalType; accountId: string; name: string };
  /** Epoch ms of the first and last event seen. */
  firstSeen: number;
  lastSeen: number;
  /**
   * Epoch ms of the newest event fed into the baseline. Baselines only move forward: an event at
   * or before the watermark is never counted again, so a log file read twice, or an event that came
   * by both paths, never double counts.
   */
  watermark: number;
  /** eventIDs at exactly the watermark's millisecond, to tell a duplicate from a twin. */
  watermarkIds: string[];
  /** Events counted into this principal's baseline. */
  eventCount: number;
  risk: RiskState;
  /** The principal's latest case (playbook execution), or null. */
  openCaseId: string | null;
  /**
   * Epoch ms (event time) until which the baseline is frozen because a case was opened: events
   * before it are judged but not learnt, so an insider under investigation cannot teach the
   * baseline that what they are doing is normal.
   */
  frozenUntil: number;
  /** The behavioural baseline, owned by the baseline model. JSON-serialisable. */
  baseline: Record<string, unknown>;
  /** Per-detector memory of stateful detectors, by detector id. */
  detectorMemory: Record<string, Record<string, unknown>>;
}

/** A fresh state for a principal seen for the first time. */
export const emptyPrincipalState = (
  key: string,
  principal: PrincipalState['principal'],
  firstSeen: number,
): PrincipalState => ({
  key,
  version: 0,
  principal,
  firstSeen,
  lastSeen: firstSeen,
  watermark: 0,
  watermarkIds: [],
  eventCount: 0,
  risk: { value: 0, at: firstSeen, contributors: [], counted: [] },
  openCaseId: null,
  frozenUntil: 0,
  baseline: {},
  detectorMemory: {},
});
