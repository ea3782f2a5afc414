import type { PolicyViolation } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { parseConfig, type VigilConfigInput } from '../../lambdas/core/config.ts';
import { addComplianceChecks, complianceViolations } from '../../lib/compliance.ts';
import { buildVigil, newUnbundledApp } from '../../lib/vigil-app.ts';
import { TYPICAL_CONFIG } from './build.ts';

/** Each violation as `rule at path`, so a failure names what to fix and where. */
const described = (violations: readonly PolicyViolation[]): string[] =>
  violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));

describe('the compliance gate (cdk-nag AwsSolutions, Serverless, NIST 800-53 rev 5)', () => {
  it.each<[string, VigilConfigInput, string | undefined]>([
    ['a created trail in us-east-1', TYPICAL_CONFIG, undefined],
    ['an organisation trail', { ...TYPICAL_CONFIG, trail: { organisation: true } }, undefined],
    [
      'an existing trail',
      { trail: { existingTrailName: 'org-trail', existingTrailBucketName: 'org-trail-logs' } },
      undefined,
    ],
    ['a deployment outside us-east-1, with the forwarder', TYPICAL_CONFIG, 'eu-west-1'],
  ])('leaves no unacknowledged finding for %s, and synthesis passes the gate', (_name, config, region) => {
    // Prepare
    const app = newUnbundledApp();
    buildVigil(app, { config: parseConfig(config), env: region ? { region } : undefined });
    addComplianceChecks(app);

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).not.toThrow();
    expect(described(complianceViolations(app))).toEqual([]);
  });
});
