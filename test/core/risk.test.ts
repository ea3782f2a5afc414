import { describe, expect, it } from 'vitest';
import {
  addRisk,
  CHAIN_POINTS,
  decayedRisk,
  explainRisk,
  isCounted,
  MAX_CONTRIBUTORS,
  MAX_COUNTED,
  riskScore,
  SEVERITY_POINTS,
  stageOf,
} from '../../lambdas/core/risk.ts';
import type { RiskState } from '../../lambdas/core/state.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 9);
const HALF_LIFE = 24;
const empty = (): RiskState => ({ value: 0, at: T0, contributors: [], counted: [] });

const add = (state: RiskState, id: string, detector: string, points: number, at: number, attack: string[] = []) =>
  addRisk(state, { findingId: id, detector, points, at }, HALF_LIFE, attack);

describe('risk', () => {
  it('adds a finding’s points with saturation: a high finding takes 0 to 39, a second to 63', () => {
    // Act
    const one = add(empty(), 'f1', 'x', SEVERITY_POINTS.high, T0);
    const two = add(one, 'f2', 'x', SEVERITY_POINTS.high, T0);

    // Assess
    expect([riskScore(one.value), riskScore(two.value)]).toEqual([39, 63]);
  });

  it('never passes 100, however many critical findings', () => {
    // Act
    let state = empty();
    for (let i = 0; i < 20; i++) state = add(state, `f${i}`, 'x', SEVERITY_POINTS.critical, T0);

    // Assess
    expect(riskScore(state.value)).toBe(100);
  });

  it('halves every half-life of event time, and never decays into the past', () => {
    // Prepare
    const state = add(empty(), 'f1', 'x', SEVERITY_POINTS.critical, T0);

    // Act
    const values = [0, 24, 48, -5].map((h) => riskScore(decayedRisk(state, T0 + h * HOUR, HALF_LIFE)));

    // Assess
    expect(values).toEqual([60, 30, 15, 60]);
  });

  it('decays between findings: a second high finding a day later adds to half the first (39 -> 20 -> 51)', () => {
    // Act
    const state = add(
      add(empty(), 'f1', 'x', SEVERITY_POINTS.high, T0),
      'f2',
      'x',
      SEVERITY_POINTS.high,
      T0 + 24 * HOUR,
    );

    // Assess
    expect([riskScore(state.value), state.at]).toEqual([51, T0 + 24 * HOUR]);
  });

  it('remembers which findings it counted, the newest 24', () => {
    // Act
    let state = empty();
    for (let i = 0; i < 30; i++) state = add(state, `f${i}`, 'x', 1, T0 + i);

    // Assess
    expect([state.counted.length, state.counted[0], state.counted[23], MAX_COUNTED]).toEqual([24, 'f6', 'f29', 24]);
  });

  it('tells counted findings by the end of their id, and still knows whole ids stored before', () => {
    // Prepare
    const id = 'vgl-0123456789abcdef0123456789abcdef';
    const state = add(empty(), id, 'x', 12, T0);
    const legacy: RiskState = { ...empty(), counted: ['vgl-ffffffffffffffffffffffffffffffff'] };

    // Act
    const checks = [
      isCounted(state, id),
      isCounted(state, 'vgl-99999999999999999999999999999999'),
      isCounted(legacy, 'vgl-ffffffffffffffffffffffffffffffff'),
    ];

    // Assess
    expect([state.counted, checks]).toEqual([['456789abcdef'], [true, false, true]]);
  });

  it('keeps the largest contributions, decayed, to explain the score', () => {
    // Act
    let state = empty();
    for (let i = 0; i < 10; i++) state = add(state, `f${i}`, `d${i}`, 10 + i, T0);

    // Assess
    expect(state.contributors.map((c) => c.detector)).toEqual(['d9', 'd8', 'd7', 'd6', 'd5', 'd4']);
    expect(state.contributors).toHaveLength(MAX_CONTRIBUTORS);
  });
});

describe('attack chains', () => {
  it('places techniques on the kill chain', () => {
    // Act
    const stages = [
      ['T1078.004'],
      ['T1580', 'T1087.004'],
      ['T1098.001'],
      ['T1530'],
      ['T1562.008', 'T1530'],
      ['T9999'],
      [],
    ].map(stageOf);

    // Assess
    expect(stages).toEqual([0, 1, 2, 3, 3, undefined, undefined]);
  });

  it('raises risk for discovery, then privilege escalation, then exfiltration within hours', () => {
    // Act
    const discovery = add(empty(), 'f1', 'baseline.discovery-burst', SEVERITY_POINTS.medium, T0, ['T1580']);
    const escalation = add(discovery, 'f2', 'iam.admin-policy-attached', SEVERITY_POINTS.high, T0 + HOUR, [
      'T1098.003',
    ]);
    const exfiltration = add(escalation, 'f3', 'baseline.bulk-download', SEVERITY_POINTS.high, T0 + 2 * HOUR, [
      'T1530',
    ]);

    // Assess: 12 points for following discovery, 24 for following discovery and escalation.
    expect(exfiltration.contributors.map((c) => [c.detector, c.points])).toEqual([
      ['baseline.bulk-download', SEVERITY_POINTS.high + 2 * CHAIN_POINTS],
      ['iam.admin-policy-attached', SEVERITY_POINTS.high + CHAIN_POINTS],
      ['baseline.discovery-burst', SEVERITY_POINTS.medium],
    ]);
    const unchained = add(add(add(empty(), 'f1', 'a', 12, T0), 'f2', 'b', 30, T0 + HOUR), 'f3', 'c', 30, T0 + 2 * HOUR);
    expect([riskScore(exfiltration.value), riskScore(unchained.value)]).toEqual([83, 69]);
  });

  it('explains the score: top contributors decayed to now, and the chain', () => {
    // Prepare
    const discovery = add(empty(), 'f1', 'baseline.discovery-burst', SEVERITY_POINTS.medium, T0, ['T1580']);
    const escalation = add(discovery, 'f2', 'iam.admin-policy-attached', SEVERITY_POINTS.high, T0 + HOUR, [
      'T1098.003',
    ]);
    const exfiltration = add(escalation, 'f3', 'baseline.bulk-download', SEVERITY_POINTS.high, T0 + 2 * HOUR, [
      'T1530',
    ]);

    // Act
    const explained = explainRisk(exfiltration, T0 + 26 * HOUR, HALF_LIFE);

    // Assess
    expect(explained).toEqual({
      score: 41,
      halfLifeHours: 24,
      topContributors: [
        { detector: 'baseline.bulk-download', findingId: 'f3', points: 27, hoursAgo: 24, stage: 'action' },
        { detector: 'iam.admin-policy-attached', findingId: 'f2', points: 20.4, hoursAgo: 25, stage: 'escalation' },
        { detector: 'baseline.discovery-burst', findingId: 'f1', points: 5.7, hoursAgo: 26, stage: 'discovery' },
      ],
      chain: { stages: ['discovery', 'escalation', 'action'], points: 24 },
    });
  });

  it('does not chain low findings, findings too far apart, or a stage already reached', () => {
    // Act
    const low = add(add(empty(), 'f1', 'a', SEVERITY_POINTS.low, T0, ['T1580']), 'f2', 'b', 30, T0 + HOUR, ['T1098']);
    const far = add(add(empty(), 'f1', 'a', 12, T0, ['T1580']), 'f2', 'b', 30, T0 + 13 * HOUR, ['T1098']);
    const again = add(add(empty(), 'f1', 'a', 12, T0, ['T1098']), 'f2', 'b', 30, T0 + HOUR, ['T1098']);

    // Assess
    expect([low, far, again].map((s) => s.contributors.find((c) => c.findingId === 'f2')?.points)).toEqual([
      30, 30, 30,
    ]);
    expect(explainRisk(low, T0 + HOUR, HALF_LIFE).chain).toBeNull();
  });
});
