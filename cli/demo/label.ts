/**
 * What was planted in the synthetic organisation: the ground truth `vigil demo` and the benchmark
 * score findings against.
 */
import type { Severity } from '../../lambdas/core/finding.ts';

/** One planted scenario: an attack Vigil should find, or routine work it must stay quiet about. */
export interface ScenarioLabel {
  /** Stable, kebab-case, e.g. `stolen-access-key`. */
  readonly id: string;
  readonly title: string;
  readonly kind: 'attack' | 'benign';
  /**
   * Vigil's principal key of the actor: `user:<account>:<name>`, `person:<email>`,
   * `role:<account>:<role>`, `root:<account>`, `federated:<account>:<name>`, `account:<account>`.
   */
  readonly principalKey: string;
  /** ISO-8601, CloudTrail's form: the first event of the scenario (for attacks, the first malicious one). */
  readonly start: string;
  /** ISO-8601: the last event of the scenario. */
  readonly end: string;
  /** For attacks: what counts as found. */
  readonly expect?: {
    /** Any of these detector ids counts as found. */
    readonly detectors: readonly string[];
    readonly minSeverity: Severity;
  };
  /** What happened, for the report. */
  readonly story: string;
}
