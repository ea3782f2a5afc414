/**
 * Builds Vigil's CDK app: the main stack, and the us-east-1 forwarder for global services' events
 * when the main stack runs elsewhere. `bin/app.ts` builds it for `cdk synth`/`cdk deploy`;
 * `synthesizeTemplates` builds it in-process for the CLI, which replays events through exactly the
 * patterns that are deployed.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type Environment } from 'aws-cdk-lib';
import type { VigilConfig } from '../lambdas/core/config.ts';
import { fastPathTriggers } from '../lambdas/core/detectors/registry.ts';
import { GLOBAL_EVENTS_REGION, GlobalEventsStack } from './global-events-stack.ts';
import { VigilStack } from './vigil-stack.ts';

/** The main stack's name: a contract (the trail and key alias are named after it). */
export const VIGIL_STACK_NAME = 'Vigil';
/** The us-east-1 forwarder stack's name. */
export const GLOBAL_EVENTS_STACK_NAME = 'VigilGlobalEvents';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Options of buildVigil. */
export interface BuildVigilOptions {
  /** Validated configuration. */
  readonly config: VigilConfig;
  /**
   * Account and region of the main stack. A region other than us-east-1 adds the forwarder.
   * @default - the account the CLI deploys to, in us-east-1
   */
  readonly env?: Environment;
}

/** What buildVigil built. */
export interface VigilApp {
  readonly main: VigilStack;
  readonly globalEvents?: GlobalEventsStack;
}

/** Adds Vigil's stacks to `app`. The compliance packs are added apart (`addComplianceChecks`), so building loads no cdk-nag. */
export const buildVigil = (app: App, options: BuildVigilOptions): VigilApp => {
  const triggers = fastPathTriggers();
  // DynamoDB tables with a customer-managed key need a known region; us-east-1 is where the
  // global services' events arrive, so it needs no forwarder.
  const region = options.env?.region ?? GLOBAL_EVENTS_REGION;
  const main = new VigilStack(app, VIGIL_STACK_NAME, {
    env: { account: options.env?.account, region },
    config: options.config,
    fastPathTriggers: triggers,
    description: 'Vigil: insider-threat detection and response from CloudTrail',
  });
  const globalEvents =
    region !== GLOBAL_EVENTS_REGION
      ? new GlobalEventsStack(app, GLOBAL_EVENTS_STACK_NAME, {
          env: { account: options.env?.account, region: GLOBAL_EVENTS_REGION },
          fastPathTriggers: triggers,
          vigilRegion: region,
          description: `Vigil: forwards IAM, STS and sign-in events from ${GLOBAL_EVENTS_REGION} to ${region}`,
        })
      : undefined;
  return { main, globalEvents };
};

/** The context in `cdk.json` (feature flags, the configuration file), for apps built in-process. */
export const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
};

/**
 * An App as `cdk synth` would make it (the feature flags of `cdk.json`), with no asset bundling
 * and without CDK's built-in CloudFormation validation (20 seconds on first use; `npm run synth`
 * keeps it): for tests and in-process synthesis.
 */
export const newUnbundledApp = (context: Record<string, unknown> = {}): App =>
  new App({
    builtinCloudFormationValidation: false,
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
  });

/**
 * Synthesizes Vigil in-process, without bundling and without the compliance packs, and returns each
 * stack's CloudFormation template by stack name. `vigil replay` takes the fast-path pattern from
 * the main stack's template (`fastPathPatternFromTemplate`).
 */
export const synthesizeTemplates = (config: VigilConfig, env?: Environment): Record<string, object> => {
  const app = newUnbundledApp();
  buildVigil(app, { config, env });
  const assembly = app.synth();
  return Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, stack.template as object]));
};
