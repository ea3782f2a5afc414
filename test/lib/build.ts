/**
 * Builds Vigil's app for the CDK tests: no bundling, the feature flags of cdk.json. The compliance
 * packs are left off here (test/lib/compliance.test.ts runs them), so a finding fails that test
 * alone rather than every test that reads a template.
 */
import type { App, Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseConfig, type VigilConfigInput } from '../../lambdas/core/config.ts';
import { buildVigil, newUnbundledApp, type VigilApp } from '../../lib/vigil-app.ts';

/** A built app and the templates of its stacks. */
export interface Built extends VigilApp {
  readonly app: App;
  readonly template: Template;
  readonly globalTemplate?: Template;
}

/** Builds the app for `config` (and `env`). */
export const build = (config: VigilConfigInput = {}, env?: Environment): Built => {
  const app = newUnbundledApp();
  const built = buildVigil(app, { config: parseConfig(config), env });
  return {
    ...built,
    app,
    template: Template.fromStack(built.main),
    globalTemplate: built.globalEvents ? Template.fromStack(built.globalEvents) : undefined,
  };
};

/** The configuration most tests deploy: sensitive buckets, an address to notify, a Slack secret. */
export const TYPICAL_CONFIG: VigilConfigInput = {
  sensitiveBuckets: ['prod-customer-data', 'finance-*'],
  response: { notifyEmails: ['security@example.com'], slackWebhookSecretName: 'vigil/slack-webhook' },
};

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export const logicalId = (template: Template, type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
};

/** `{ "Fn::GetAtt": [id, "Arn"] }` */
export const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
