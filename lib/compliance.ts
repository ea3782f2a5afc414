/**
 * The compliance gate: cdk-nag's AwsSolutions, Serverless and NIST 800-53 rev 5 packs run on every
 * `cdk synth`, and any finding not acknowledged on its construct (with a reason, see
 * `acknowledge.ts`) fails it.
 */
import { type App, type PolicyViolation, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

const packs = (app?: App): NagPack[] => [
  new AwsSolutionsChecks(app),
  new ServerlessChecks(app),
  new NIST80053R5Checks(app),
];

/** Registers the three packs on `app`: synthesis fails on an unacknowledged finding. */
export const addComplianceChecks = (app: App): void => {
  Validations.of(app).addPlugins(...packs(app));
};

/** Every unacknowledged finding of the three packs in `scope`, for tests and reports. */
export const complianceViolations = (scope: IConstruct): PolicyViolation[] =>
  packs().flatMap((pack) => [...pack.validateScope(scope).violations]);
