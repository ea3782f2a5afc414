/**
 * A principal's risk: 0-100, raised by findings and decaying exponentially with event time.
 *
 * Each finding adds points by severity. Points saturate instead of adding linearly, so the score
 * stays in 0-100 and a second critical finding still moves it: risk' = 100 - (100 - risk) * e^(-points/60).
 * Between findings the score halves every `halfLifeHours` (configuration `risk.halfLifeHours`).
 */
import type { Severity } from './finding.ts';
import type { RiskContribution, RiskState } from './state.ts';

/** Points a finding of each severity adds before saturation. */
export const SEVERITY_POINTS: Readonly<Record<Severity, number>> = { low: 4, medium: 12, high: 30, critical: 55 };

/** How many contributions a principal keeps to explain its score. */
export const MAX_CONTRIBUTORS = 8;
const SATURATION = 60;
/** How many counted finding ids a principal remembers. */
export const MAX_COUNTED = 64;

/** The risk value decayed from `state.at` to `at` (never forward-decays into the past). */
export const decayedRisk = (state: RiskState, at: number, halfLifeHours: number): number => {
  const elapsed = Math.max(0, at - state.at);
  return state.value * 0.5 ** (elapsed / (halfLifeHours * 3_600_000));
};

/** Adds a finding's points at `contribution.at`, returning the new risk state. */
export const addRisk = (state: RiskState, contribution: RiskContribution, halfLifeHours: number): RiskState => {
  const at = Math.max(state.at, contribution.at);
  const current = decayedRisk(state, at, halfLifeHours);
  const value = 100 - (100 - current) * Math.exp(-contribution.points / SATURATION);
  const contributors = [...state.contributors, contribution]
    .sort((a, b) => b.points * 0.5 ** ((at - b.at) / (halfLifeHours * 3_600_000)) - a.points * 0.5 ** ((at - a.at) / (halfLifeHours * 3_600_000)))
    .slice(0, MAX_CONTRIBUTORS);
  const counted = [...state.counted.filter((id) => id !== contribution.findingId), contribution.findingId].slice(-MAX_COUNTED);
  return { value: Math.min(100, value), at, contributors, counted };
};

/** The risk as findings report it: an integer 0-100. */
export const riskScore = (value: number): number => Math.max(0, Math.min(100, Math.round(value)));
