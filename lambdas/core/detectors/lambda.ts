/** Lambda persistence: resource policies, layers and code that make a function the attacker's. */
import type { DetectorContext, DetectorDefinition } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import type { Severity } from '../finding.ts';
import {
  accountOf,
  actor,
  asRecord,
  inProduction,
  isExternalAccount,
  isPerson,
  listOf,
  param,
  succeeded,
  whereIs,
} from './helpers.ts';

/** The function's name from a name or ARN parameter. */
const functionName = (value: string | undefined): string =>
  value ? ((value.split(':function:')[1] ?? value).split(':')[0] ?? value) : 'unknown function';

/**
 * AddPermission grants invocation to anyone or to an account outside the organisation. Grants to
 * AWS service principals (S3, EventBridge, API Gateway) are how functions are wired and are ignored.
 */
export const functionPolicyExternalAccess: DetectorDefinition = {
  id: 'lambda.function-policy-external-access',
  title: 'Lambda function opened to an outside account or to anyone',
  severity: 'high',
  attack: ['T1098', 'T1648'],
  techniques: ['stratus:aws.persistence.lambda-backdoor-function'],
  triggers: [{ source: 'lambda.amazonaws.com', names: ['AddPermission20150331', 'AddPermission20150331v2'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Remove the statement (aws lambda remove-permission --statement-id ...), check the function's invocations since (CloudWatch metrics, logs), and review what else the caller changed.",
  detect(event, ctx) {
    if (event.source !== 'lambda.amazonaws.com' || !event.name.startsWith('AddPermission') || !succeeded(event))
      return null;
    const principal = param(event, 'principal');
    if (!principal) return null;
    const pinned = param(event, 'sourceArn') ?? param(event, 'sourceAccount') ?? param(event, 'principalOrgID');
    const anyone = principal === '*' && pinned === undefined;
    const account = accountOf(principal);
    const external = account !== undefined && isExternalAccount(account, event, ctx);
    if (!anyone && !external) return null;
    const name = functionName(param(event, 'functionName'));
    const severity: Severity = ctx.isTrustedAutomation(event.principal) ? 'low' : inProduction('high', event, ctx);
    return {
      severity,
      title: `Function ${name} can be invoked by ${anyone ? 'anyone' : `account ${account}`}`,
      dedupKey: name,
      evidence: {
        function: name,
        principal,
        action: param(event, 'action') ?? null,
        statementId: param(event, 'statementId') ?? null,
        functionUrlAuthType: param(event, 'functionUrlAuthType') ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/**
 * Accounts that publish layers everyone uses, in us-east-1: Lambda Insights (580247275435), the
 * Parameters and Secrets extension (177933569100), AWS Distro for OpenTelemetry (901920570463),
 * AppConfig (027255383542), Powertools for AWS Lambda Python (017000801446) and TypeScript (094274105915).
 */
const WELL_KNOWN_LAYER_ACCOUNTS = new Set([
  '580247275435',
  '177933569100',
  '901920570463',
  '027255383542',
  '017000801446',
  '094274105915',
]);

const layerArns = (value: unknown): string[] =>
  listOf(value)
    .map((layer) => (typeof layer === 'string' ? layer : asRecord(layer).arn))
    .filter((arn): arn is string => typeof arn === 'string');

/**
 * A function given a layer published by an account outside the organisation: a layer is an
 * extension that runs inside the function with its role and sees every invocation.
 */
export const layerFromExternalAccount: DetectorDefinition = {
  id: 'lambda.layer-from-external-account',
  title: 'Lambda layer from an outside account added to a function',
  severity: 'high',
  attack: ['T1525', 'T1546'],
  techniques: ['stratus:aws.persistence.lambda-layer-extension'],
  triggers: [
    { source: 'lambda.amazonaws.com', names: ['CreateFunction20150331', 'UpdateFunctionConfiguration20150331v2'] },
  ],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Identify the layer's publisher. If unknown: remove the layer (aws lambda update-function-configuration --layers ...), rotate any secret the function can read, and review the function role's recent calls.",
  detect(event, ctx) {
    if (event.source !== 'lambda.amazonaws.com' || !succeeded(event)) return null;
    if (event.name !== 'CreateFunction20150331' && event.name !== 'UpdateFunctionConfiguration20150331v2') return null;
    const layers = layerArns(event.request.layers);
    const foreign = layers.filter((arn) => {
      const account = arn.split(':')[4];
      return account !== undefined && !WELL_KNOWN_LAYER_ACCOUNTS.has(account) && isExternalAccount(account, event, ctx);
    });
    if (foreign.length === 0 || ctx.isTrustedAutomation(event.principal)) return null;
    const name = functionName(param(event, 'functionName'));
    return {
      severity: inProduction('high', event, ctx),
      title: `Function ${name} now runs layer ${foreign[0]?.split(':')[6] ?? ''} from account ${foreign[0]?.split(':')[4] ?? ''}`,
      dedupKey: name,
      evidence: {
        function: name,
        externalLayers: foreign,
        allLayers: layers,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/**
 * A function's code replaced outside the deployment pipelines (configured as trusted automation):
 * by a person it is a finding, by an unlisted role only a low note.
 */
/**
 * People deploying code by hand is routine in development accounts and worth a look in
 * production. With no production accounts configured Vigil cannot tell them apart, so a person's
 * overwrite is medium everywhere; with them configured, high in production and low elsewhere.
 * Roles outside trusted automation are low: pipelines deploy all day.
 */
const codeOverwriteSeverity = (event: VigilEvent, ctx: DetectorContext): Severity => {
  if (!isPerson(event.principal)) return 'low';
  if (ctx.config.productionAccounts.length === 0) return 'medium';
  return ctx.isProductionAccount(event.accountId) ? 'high' : 'low';
};

/** Function code replaced by someone other than trusted automation. */
export const functionCodeOverwritten: DetectorDefinition = {
  id: 'lambda.function-code-overwritten',
  title: 'Lambda function code replaced outside the pipeline',
  severity: 'medium',
  attack: ['T1648', 'T1525'],
  techniques: ['stratus:aws.persistence.lambda-overwrite-code'],
  triggers: [{ source: 'lambda.amazonaws.com', names: ['UpdateFunctionCode20150331', 'UpdateFunctionCode20150331v2'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Compare the new code hash (codeSha256) with the pipeline's last build. If it differs: roll back to the last published version, keep the unknown package for analysis (aws lambda get-function), and review the caller.",
  detect(event, ctx) {
    if (event.source !== 'lambda.amazonaws.com' || !event.name.startsWith('UpdateFunctionCode') || !succeeded(event))
      return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const name = functionName(param(event, 'functionName'));
    return {
      severity: codeOverwriteSeverity(event, ctx),
      title: `${event.principal.name} replaced the code of function ${name}`,
      dedupKey: name,
      evidence: {
        function: name,
        codeSha256: event.response.codeSha256 ?? null,
        s3Bucket: param(event, 's3Bucket') ?? null,
        s3Key: param(event, 's3Key') ?? null,
        imageUri: param(event, 'imageUri') ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
