/**
 * A principal's risk: 0-100, raised by findings and decaying exponentially with event time.
 *
 * Each finding adds points by severity. Points saturate instead of adding linearly, so the score
 * stays in 0-100 and a second critical finding still moves it: risk' = 100 - (100 - risk) * e^(-points/60).
 * Between findings the score halves every `halfLifeHours` (configuration `risk.halfLifeHours`).
 *
 * Findings that chain like an attack raise it further. Each finding sits at a stage of the kill
 * chain given by its detector's ATT&CK techniques (access, discovery, escalation, action on the
 * data); a finding that reaches a later stage than every finding of the last `CHAIN_WINDOW_HOURS`,
 * after at least one earlier stage, adds `CHAIN_POINTS` for each earlier stage reached: discovery,
 * then privilege escalation, then exfiltration within hours adds 12 and then 24 points on top of
 * the findings' own. Only medium findings and above chain: low ones are everyday noise.
 */
import type { Severity } from './finding.ts';
import type { RiskContribution, RiskState } from './state.ts';

/** Points a finding of each severity adds before saturation. */
export const SEVERITY_POINTS: Readonly<Record<Severity, number>> = { low: 4, medium: 12, high: 30, critical: 55 };

/** How many contributions a principal keeps to explain its score. */
export const MAX_CONTRIBUTORS = 6;
const SATURATION = 60;
/** How many counted finding ids a principal remembers. */
export const MAX_COUNTED = 24;
/** Findings further apart than this do not chain. */
export const CHAIN_WINDOW_HOURS = 12;
/** Extra points for each earlier stage a chaining finding follows. */
export const CHAIN_POINTS = 12;
const HOUR = 3_600_000;
/** Low findings are everyday noise: only medium and above chain. */
const MIN_CHAIN_POINTS = SEVERITY_POINTS.medium;

/** Kill-chain stages, in the order an attack moves through them. */
export const STAGES = ['access', 'discovery', 'escalation', 'action'] as const;
/** A kill-chain stage. */
export type Stage = (typeof STAGES)[number];

/**
 * The stage of an ATT&CK technique (by id prefix, most specific first). Techniques that serve
 * several tactics sit at the one an insider case cares most about: T1078 valid accounts is how
 * access starts, T1098 account manipulation is how it escalates.
 */
const TECHNIQUE_STAGES: readonly (readonly [string, Stage])[] = [
  ['T1078', 'access'],
  ['T1110', 'access'],
  ['T1133', 'access'],
  ['T1190', 'access'],
  ['T1087', 'discovery'],
  ['T1069', 'discovery'],
  ['T1580', 'discovery'],
  ['T1526', 'discovery'],
  ['T1619', 'discovery'],
  ['T1538', 'discovery'],
  ['T1082', 'discovery'],
  ['T1201', 'discovery'],
  ['T1098', 'escalation'],
  ['T1136', 'escalation'],
  ['T1484', 'escalation'],
  ['T1548', 'escalation'],
  ['T1556', 'escalation'],
  ['T1552', 'escalation'],
  ['T1555', 'escalation'],
  ['T1528', 'escalation'],
  ['T1562', 'escalation'],
  ['T1070', 'escalation'],
  ['T1530', 'action'],
  ['T1537', 'action'],
  ['T1567', 'action'],
  ['T1048', 'action'],
  ['T1020', 'action'],
  ['T1485', 'action'],
  ['T1486', 'action'],
  ['T1490', 'action'],
  ['T1496', 'action'],
  ['T1531', 'action'],
];

/** A contribution with the kill-chain stage it reached, kept so later findings can chain on it. */
export interface StagedContribution extends RiskContribution {
  /** Index in STAGES, absent when the detector names no technique Vigil stages. */
  readonly stage?: number;
  /** The earlier stages this finding chained on, and the points they added (included in `points`). */
  readonly chain?: { readonly stages: readonly Stage[]; readonly points: number };
}

/** The latest stage among a detector's ATT&CK techniques, or undefined when none is staged. */
export const stageOf = (attack: readonly string[]): number | undefined => {
  let stage: number | undefined;
  for (const technique of attack) {
    const found = TECHNIQUE_STAGES.find(([prefix]) => technique === prefix || technique.startsWith(`${prefix}.`));
    if (found) stage = Math.max(stage ?? 0, STAGES.indexOf(found[1]));
  }
  return stage;
};

const decayFactor = (from: number, to: number, halfLifeHours: number): number =>
  0.5 ** (Math.max(0, to - from) / (halfLifeHours * HOUR));

/** The risk value decayed from `state.at` to `at` (never forward-decays into the past). */
export const decayedRisk = (state: RiskState, at: number, halfLifeHours: number): number =>
  state.value * decayFactor(state.at, at, halfLifeHours);

/** The earlier stages a finding at `stage` chains on: stages of recent contributions, all below it. */
const chainedStages = (contributors: readonly RiskContribution[], stage: number, at: number): number[] => {
  const recent = contributors.filter(
    (c) => at - c.at <= CHAIN_WINDOW_HOURS * HOUR && c.at <= at && c.points >= MIN_CHAIN_POINTS,
  );
  const stages = new Set<number>();
  for (const c of recent) {
    const s = (c as StagedContribution).stage;
    if (s === undefined) continue;
    // A chain only grows forward: a finding at or below a stage already reached adds nothing.
    if (s >= stage) return [];
    stages.add(s);
  }
  return [...stages].sort((a, b) => a - b);
};

/**
 * Adds a finding's points at `contribution.at`, returning the new risk state. `attack` (the
 * detector's ATT&CK techniques) places the finding on the kill chain.
 * @default attack - none: the finding does not chain
 */
export const addRisk = (
  state: RiskState,
  contribution: RiskContribution,
  halfLifeHours: number,
  attack: readonly string[] = [],
): RiskState => {
  const at = Math.max(state.at, contribution.at);
  const current = decayedRisk(state, at, halfLifeHours);
  const stage = stageOf(attack);
  const chains = stage !== undefined && contribution.points >= MIN_CHAIN_POINTS;
  const earlier = chains ? chainedStages(state.contributors, stage, contribution.at) : [];
  const chainPoints = earlier.length * CHAIN_POINTS;
  const staged: StagedContribution = {
    ...contribution,
    points: contribution.points + chainPoints,
    ...(stage === undefined ? {} : { stage }),
    ...(chainPoints > 0 ? { chain: { stages: earlier.map((s) => STAGES[s] ?? 'access'), points: chainPoints } } : {}),
  };
  const value = 100 - (100 - current) * Math.exp(-staged.points / SATURATION);
  const weight = (c: RiskContribution): number => c.points * decayFactor(c.at, at, halfLifeHours);
  const contributors = [...state.contributors, staged].sort((a, b) => weight(b) - weight(a)).slice(0, MAX_CONTRIBUTORS);
  const mark = countedMark(contribution.findingId);
  const counted = [...state.counted.filter((id) => id !== mark && id !== contribution.findingId), mark].slice(
    -MAX_COUNTED,
  );
  return { value: Math.min(100, value), at, contributors, counted };
};

/**
 * How `counted` remembers a finding: the last 12 hex digits of its id (48 bits), a third of the
 * bytes of the whole id and as good at telling a principal's few dozen recent findings apart.
 */
export const countedMark = (findingId: string): string => findingId.slice(-12);

/** True when the finding's points are already in the risk (states written before marks hold whole ids). */
export const isCounted = (state: RiskState, findingId: string): boolean =>
  state.counted.includes(countedMark(findingId)) || state.counted.includes(findingId);

/** The risk as findings report it: an integer 0-100. */
export const riskScore = (value: number): number => Math.max(0, Math.min(100, Math.round(value)));

/** Why a principal's risk is what it is: for a finding's evidence and the case file. */
export interface RiskExplanation {
  /** The score at `at`, 0-100. */
  readonly score: number;
  readonly halfLifeHours: number;
  /** The largest contributions, decayed to `at`, largest first. */
  readonly topContributors: readonly {
    readonly detector: string;
    readonly findingId: string;
    /** Points still counting at `at`, rounded to one decimal. */
    readonly points: number;
    readonly hoursAgo: number;
    readonly stage: Stage | null;
  }[];
  /** The longest attack chain among the contributions: stages in order, and the points it added. */
  readonly chain: { readonly stages: readonly Stage[]; readonly points: number } | null;
}

/** Explains a risk state at `at`: the decayed score, its top contributors, the attack chain. */
export const explainRisk = (state: RiskState, at: number, halfLifeHours: number, top = 3): RiskExplanation => {
  const when = Math.max(at, state.at);
  const round1 = (n: number): number => Math.round(n * 10) / 10;
  const topContributors = state.contributors
    .map((c) => ({ c, now: c.points * decayFactor(c.at, when, halfLifeHours) }))
    .sort((a, b) => b.now - a.now)
    .slice(0, top)
    .map(({ c, now }) => {
      const stage = (c as StagedContribution).stage;
      return {
        detector: c.detector,
        findingId: c.findingId,
        points: round1(now),
        hoursAgo: round1((when - c.at) / HOUR),
        stage: stage === undefined ? null : (STAGES[stage] ?? null),
      };
    });
  let chain: RiskExplanation['chain'] = null;
  for (const c of state.contributors) {
    const staged = c as StagedContribution;
    if (!staged.chain || staged.stage === undefined) continue;
    const stages = [...staged.chain.stages, STAGES[staged.stage] ?? 'action'];
    if (!chain || stages.length > chain.stages.length) chain = { stages, points: staged.chain.points };
  }
  return { score: riskScore(decayedRisk(state, when, halfLifeHours)), halfLifeHours, topContributors, chain };
};
