import { describe, expect, it } from 'vitest';
import { DETECTORS, detectorById } from '../../../lambdas/core/detectors/registry.ts';
import { compareSeverity, type Severity } from '../../../lambdas/core/finding.ts';
import type { DetectorFixture } from './fixtures/builders.ts';
import { FIXTURES } from './fixtures/index.ts';
import { findingsOf, scoreRecords } from './score-fixture.ts';

const highest = (severities: Severity[]): Severity | undefined =>
  [...severities].sort((a, b) => compareSeverity(b, a))[0];

const check = async (fixture: DetectorFixture, batchSize?: number) => {
  // Act
  const scored = await scoreRecords(fixture.records, {
    ...(fixture.config ? { config: fixture.config } : {}),
    ...(batchSize ? { batchSize } : {}),
  });
  // Assess
  const own = findingsOf(scored, fixture.detector);
  if (fixture.fires) {
    expect(own.length, 'findings of the detector').toBeGreaterThan(0);
    expect(highest(own.map((s) => s.finding.severity))).toBe(fixture.severity);
    expect(own.every((s) => s.suppressedBy === null)).toBe(true);
  } else {
    expect(own.map((s) => s.finding.title)).toEqual([]);
  }
};

describe('detector fixtures through the scoring path', () => {
  it.each(FIXTURES.map((f) => [`${f.detector}: ${f.fires ? 'fires' : 'quiet'}: ${f.description}`, f] as const))(
    '%s',
    async (_, fixture) => {
      await check(fixture);
    },
  );

  it.each(
    FIXTURES.filter((f) => detectorById(f.detector)?.kind === 'stateful' && f.records.length > 1).map(
      (f) => [`${f.detector}: ${f.description}`, f] as const,
    ),
  )('stateful, one record per batch: %s', async (_, fixture) => {
    await check(fixture, 1);
  });
});

describe('fixture coverage', () => {
  it('gives every detector at least one firing and one near-miss fixture', () => {
    // Prepare
    const missing = DETECTORS.flatMap((d) => {
      const own = FIXTURES.filter((f) => f.detector === d.id);
      return [
        ...(own.some((f) => f.fires) ? [] : [`${d.id}: no firing fixture`]),
        ...(own.some((f) => !f.fires) ? [] : [`${d.id}: no near-miss fixture`]),
      ];
    });
    // Assess
    expect(missing).toEqual([]);
  });

  it('names only registered detectors', () => {
    expect(FIXTURES.filter((f) => !detectorById(f.detector)).map((f) => f.detector)).toEqual([]);
  });
});
