/**
 * The CDK app: `npm run synth` / `npx cdk deploy`. Reads the configuration file `cdk.json` names
 * (context `vigil:configFile`, default `vigil.config.json`; built-in defaults when it does not
 * exist) and builds Vigil's stacks with the compliance packs on: an unacknowledged finding fails it.
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lambdas/core/config.ts';
import { addComplianceChecks } from '../lib/compliance.ts';
import { CONFIG_FILE_CONTEXT, DEFAULT_CONFIG_FILE, loadVigilConfig } from '../lib/load-config.ts';
import { buildVigil } from '../lib/vigil-app.ts';

const app = new App();
const configFile = (app.node.tryGetContext(CONFIG_FILE_CONTEXT) as string | undefined) ?? DEFAULT_CONFIG_FILE;
try {
  buildVigil(app, {
    config: loadVigilConfig(configFile),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  addComplianceChecks(app);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Vigil: bad configuration: ${error.message}`);
  process.exit(1);
}
app.synth();
