import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../cli/demo/evaluate.ts';
import { finding, labels } from './fixtures.ts';

const oliver = {
  key: 'user:739184620357:oliver.grant',
  arn: 'arn:aws:iam::739184620357:user/oliver.grant',
  type: 'IAMUser' as const,
  accountId: '739184620357',
  name: 'oliver.grant',
};
const isla = {
  key: 'person:isla.vogel@acme.example',
  arn: null,
  type: 'IdentityCenterUser' as const,
  accountId: '582046193744',
  name: 'isla.vogel@acme.example',
};
const rafael = { ...isla, key: 'person:rafael.khan@acme.example', name: 'rafael.khan@acme.example' };

describe('evaluate', () => {
  it('finds an attack when an expected detector fires on its principal in its window at its severity', () => {
    // Prepare
    const root = finding({ id: 'f-root', firstEventTime: '2026-10-20T20:40:45Z', severity: 'critical' });
    // Act
    const result = evaluate(labels, [root], 1_000);
    // Assess
    const attack = result.attacks.find((a) => a.label.id === 'root-console-and-api');
    expect(attack).toMatchObject({ found: true, foundAtHigh: true, timeToDetectMs: 33_000 });
    expect(attack?.detection?.id).toBe('f-root');
    expect(result.found).toBe(1);
    expect(result.recall).toBe(1 / 3);
    expect(result.falseAlarms).toEqual([]);
  });

  it('misses an attack when only the wrong detector or too low a severity fired', () => {
    // Prepare
    const wrongDetector = finding({
      id: 'f-1',
      detector: 'baseline.off-hours',
      principal: oliver,
      firstEventTime: '2026-10-26T02:41:00Z',
      lastEventTime: '2026-10-26T02:41:00Z',
    });
    const tooLow = finding({
      id: 'f-2',
      detector: 'baseline.new-country',
      severity: 'medium',
      principal: oliver,
      firstEventTime: '2026-10-26T02:42:00Z',
      lastEventTime: '2026-10-26T02:42:00Z',
    });
    // Act
    const result = evaluate(labels, [wrongDetector, tooLow], 1_000);
    // Assess
    const attack = result.attacks.find((a) => a.label.id === 'stolen-access-key');
    expect(attack).toMatchObject({ found: false, foundAtHigh: false, detection: null, timeToDetectMs: null });
    expect(attack?.findings.map((f) => f.id)).toEqual(['f-1', 'f-2']);
    // Findings on the attacker during the attack are not false alarms, even from other detectors.
    expect(result.falseAlarms).toEqual([]);
  });

  it('misses an attack when the finding is on another principal or outside the window and its grace', () => {
    // Prepare
    const otherPrincipal = finding({ id: 'f-1', principal: rafael });
    const tooLate = finding({
      id: 'f-2',
      firstEventTime: '2026-10-21T20:48:00Z',
      lastEventTime: '2026-10-21T20:49:00Z',
    });
    const withinGrace = finding({
      id: 'f-3',
      detector: 'baseline.new-country',
      principal: oliver,
      firstEventTime: '2026-10-27T02:30:00Z',
      lastEventTime: '2026-10-27T02:30:00Z',
    });
    // Act
    const result = evaluate(labels, [otherPrincipal, tooLate, withinGrace], 2_000);
    // Assess
    expect(result.attacks.map((a) => [a.label.id, a.found])).toEqual([
      ['root-console-and-api', false],
      ['stolen-access-key', true],
      ['pentest-user-agent', false],
    ]);
    expect(result.attacks[1]?.timeToDetectMs).toBe(85_800_000);
    expect(result.falseAlarms.map((f) => f.id)).toEqual(['f-1', 'f-2']);
    expect(result.falseAlarmsPerThousandPrincipalDays).toBe(1);
  });

  it('counts a medium label found at medium, but not at high', () => {
    // Prepare
    const kali = finding({
      id: 'f-kali',
      detector: 'useragent.pentest-tool',
      severity: 'medium',
      principal: isla,
      firstEventTime: '2026-10-19T11:06:00Z',
      lastEventTime: '2026-10-19T11:10:48Z',
    });
    // Act
    const result = evaluate(labels, [kali], 1_000);
    // Assess
    expect(result.attacks[2]).toMatchObject({ found: true, foundAtHigh: false, timeToDetectMs: 0 });
    expect(result.recallAtHigh).toBe(0);
  });

  it('times a finding opened before the scenario from its last event, a conservative bound', () => {
    // Prepare
    const opened = finding({
      id: 'f-old',
      firstEventTime: '2026-10-20T09:00:00Z',
      lastEventTime: '2026-10-20T20:42:12Z',
    });
    // Act
    const result = evaluate(labels, [opened], 1_000);
    // Assess
    expect(result.attacks[0]).toMatchObject({ found: true, timeToDetectMs: 120_000 });
  });

  it('flags a hard negative that raised a medium finding, and ignores low ones', () => {
    // Prepare
    const low = finding({
      id: 'f-low',
      detector: 'baseline.off-hours',
      severity: 'low',
      principal: rafael,
      firstEventTime: '2026-10-21T01:05:00Z',
      lastEventTime: '2026-10-21T01:05:00Z',
    });
    const medium = finding({
      id: 'f-med',
      detector: 'baseline.off-hours',
      severity: 'medium',
      principal: rafael,
      firstEventTime: '2026-10-21T01:06:00Z',
      lastEventTime: '2026-10-21T01:06:00Z',
    });
    // Act
    const result = evaluate(labels, [low, medium], 500);
    // Assess
    expect(result.benign.map((b) => [b.label.id, b.quiet, b.alarms.map((f) => f.id)])).toEqual([
      ['on-call-night', false, ['f-med']],
      ['traveller', true, []],
    ]);
    expect(result.benign[0]?.findings.map((f) => f.id)).toEqual(['f-low', 'f-med']);
    expect(result.falseAlarms.map((f) => f.id)).toEqual(['f-med']);
    expect(result.falseAlarmsPerThousandPrincipalDays).toBe(2);
    expect(result.findingsBySeverity).toEqual({ low: 1, medium: 1, high: 0, critical: 0 });
  });

  it('takes the median time to detect over found attacks', () => {
    // Prepare
    const root = finding({ id: 'f-root', firstEventTime: '2026-10-20T20:41:12Z' });
    const stolen = finding({
      id: 'f-key',
      detector: 'credentials.stolen-key-pattern',
      principal: oliver,
      firstEventTime: '2026-10-26T02:43:00Z',
      lastEventTime: '2026-10-26T02:43:00Z',
    });
    // Act
    const result = evaluate(labels, [stolen, root], 1_000);
    // Assess
    expect(result.attacks.map((a) => a.timeToDetectMs)).toEqual([60_000, 180_000, null]);
    expect(result.medianTimeToDetectMs).toBe(120_000);
  });

  it('reports nothing found and no rate when there is nothing to score', () => {
    // Act
    const result = evaluate([], [], 0);
    // Assess
    expect(result).toMatchObject({
      recall: 0,
      recallAtHigh: 0,
      falseAlarmsPerThousandPrincipalDays: 0,
      medianTimeToDetectMs: null,
      findingCount: 0,
    });
  });
});
