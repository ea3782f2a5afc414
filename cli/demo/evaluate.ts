/**
 * Scores findings against planted labels: which attacks were found (right principal, right time,
 * an expected detector at the expected severity), how quickly, which hard negatives stayed quiet,
 * and how many medium-or-higher findings matched nothing planted.
 */
import { compareSeverity, type Finding, SEVERITIES, type Severity } from '../../lambdas/core/finding.ts';
import type { ScenarioLabel } from './label.ts';

/** A finding keeps counting for a scenario this long after its last event. */
export const DETECTION_GRACE_MS = 24 * 3_600_000;

/** How one planted attack fared. */
export interface AttackResult {
  readonly label: ScenarioLabel;
  /** An expected detector fired on the principal, in the scenario's window, at or above the label's severity. */
  readonly found: boolean;
  /** Found at high severity or above (the bar issue 4 sets). */
  readonly foundAtHigh: boolean;
  /** The earliest finding that counts as found. */
  readonly detection: Finding | null;
  /** From the scenario's first malicious event to the event that raised `detection`. */
  readonly timeToDetectMs: number | null;
  /** Every finding on the principal in the scenario's window, any detector or severity, earliest first. */
  readonly findings: readonly Finding[];
}

/** How one hard negative fared. */
export interface BenignResult {
  readonly label: ScenarioLabel;
  /** Medium-or-higher findings on the principal during the label's time range. */
  readonly alarms: readonly Finding[];
  /** Every finding on the principal during the label's time range. */
  readonly findings: readonly Finding[];
  readonly quiet: boolean;
}

/** The demo's scorecard. */
export interface Evaluation {
  readonly attacks: readonly AttackResult[];
  readonly benign: readonly BenignResult[];
  /** Medium-or-higher findings that match no planted attack (principal and time), earliest first. */
  readonly falseAlarms: readonly Finding[];
  readonly found: number;
  readonly foundAtHigh: number;
  /** Found attacks over planted attacks, 0 to 1 (0 when nothing was planted). */
  readonly recall: number;
  /** Attacks found at high severity or above over planted attacks. */
  readonly recallAtHigh: number;
  readonly principalDays: number;
  readonly falseAlarmsPerThousandPrincipalDays: number;
  /** Median over found attacks; null when none was found. */
  readonly medianTimeToDetectMs: number | null;
  readonly findingCount: number;
  readonly findingsBySeverity: Readonly<Record<Severity, number>>;
}

const time = (iso: string): number => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : Number.NaN;
};

/** True when the finding is on the label's principal and its events overlap `[start, end + grace]`. */
const overlaps = (finding: Finding, label: ScenarioLabel, graceMs: number): boolean => {
  if (finding.principal.key !== label.principalKey) return false;
  const first = time(finding.firstEventTime);
  const last = time(finding.lastEventTime);
  return first <= time(label.end) + graceMs && last >= time(label.start);
};

/**
 * When the finding saw the scenario: its first event if that falls in the scenario, else (a finding
 * opened earlier and updated during the scenario) its last event, a conservative bound.
 */
const detectedAt = (finding: Finding, label: ScenarioLabel): number => {
  const first = time(finding.firstEventTime);
  return first >= time(label.start) ? first : time(finding.lastEventTime);
};

const atLeast = (finding: Finding, severity: Severity): boolean => compareSeverity(finding.severity, severity) >= 0;

const byFirstEvent = (a: Finding, b: Finding): number =>
  time(a.firstEventTime) - time(b.firstEventTime) || a.id.localeCompare(b.id);

const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const scoreAttack = (label: ScenarioLabel, findings: readonly Finding[]): AttackResult => {
  const window = findings.filter((f) => overlaps(f, label, DETECTION_GRACE_MS)).sort(byFirstEvent);
  const expected = label.expect;
  const expectedDetector = (f: Finding) => expected?.detectors.includes(f.detector) === true;
  const qualifying = window
    .filter((f) => expected !== undefined && expectedDetector(f) && atLeast(f, expected.minSeverity))
    .sort((a, b) => detectedAt(a, label) - detectedAt(b, label) || a.id.localeCompare(b.id));
  const detection = qualifying[0] ?? null;
  return {
    label,
    found: detection !== null,
    foundAtHigh: window.some((f) => expectedDetector(f) && atLeast(f, 'high')),
    detection,
    timeToDetectMs: detection ? Math.max(0, detectedAt(detection, label) - time(label.start)) : null,
    findings: window,
  };
};

const scoreBenign = (label: ScenarioLabel, findings: readonly Finding[]): BenignResult => {
  const window = findings.filter((f) => overlaps(f, label, 0)).sort(byFirstEvent);
  const alarms = window.filter((f) => atLeast(f, 'medium'));
  return { label, alarms, findings: window, quiet: alarms.length === 0 };
};

/** Scores `findings` against the planted `labels`; `principalDays` is the false-alarm denominator. */
export const evaluate = (
  labels: readonly ScenarioLabel[],
  findings: readonly Finding[],
  principalDays: number,
): Evaluation => {
  const attackLabels = labels.filter((l) => l.kind === 'attack');
  const attacks = attackLabels.map((l) => scoreAttack(l, findings));
  const benign = labels.filter((l) => l.kind === 'benign').map((l) => scoreBenign(l, findings));
  const falseAlarms = findings
    .filter((f) => atLeast(f, 'medium') && !attackLabels.some((l) => overlaps(f, l, DETECTION_GRACE_MS)))
    .sort(byFirstEvent);
  const found = attacks.filter((a) => a.found).length;
  const foundAtHigh = attacks.filter((a) => a.foundAtHigh).length;
  const findingsBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) findingsBySeverity[f.severity] += 1;
  return {
    attacks,
    benign,
    falseAlarms,
    found,
    foundAtHigh,
    recall: attacks.length > 0 ? found / attacks.length : 0,
    recallAtHigh: attacks.length > 0 ? foundAtHigh / attacks.length : 0,
    principalDays,
    falseAlarmsPerThousandPrincipalDays: principalDays > 0 ? (falseAlarms.length * 1000) / principalDays : 0,
    medianTimeToDetectMs: median(attacks.flatMap((a) => (a.timeToDetectMs === null ? [] : [a.timeToDetectMs]))),
    findingCount: findings.length,
    findingsBySeverity,
  };
};
