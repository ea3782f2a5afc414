/**
 * The Playbooks construct: the security properties of what it synthesizes (least privilege,
 * encryption, logging, tracing), cdk-nag clean, and the shape of the state machines.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/core/config.ts';
import { complianceViolations } from '../../lib/compliance.ts';
import { PLAYBOOK_FUNCTIONS, type PlaybookFunctionName } from '../../lib/constructs/playbook-function.ts';
import { Playbooks } from '../../lib/constructs/playbooks.ts';

let stack: Stack;
let playbooks: Playbooks;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new Stack(app, 'VigilTest', { env: { account: '111122223333', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const table = (id: string) =>
    new dynamodb.TableV2(stack, id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key),
    });
  playbooks = new Playbooks(stack, 'Playbooks', {
    config: parseConfig({
      protectedPrincipals: ['arn:aws:iam::111122223333:role/BreakGlass', 'user:111122223333:ops-admin'],
      response: {
        modes: { medium: 'off', high: 'approval', critical: 'auto' },
        approvers: ['alice'],
        approvalTimeoutMinutes: 30,
      },
    }),
    bus: new events.EventBus(stack, 'Bus'),
    topic: new sns.Topic(stack, 'Topic', { masterKey: key }),
    stateTable: table('State'),
    auditTable: table('Audit'),
    key,
    slackWebhookSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Slack', 'vigil/slack'),
  });
  template = Template.fromStack(stack);
});

const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve(stack.getLogicalId(construct.node.defaultChild as never)) as string;

/** The statements of the policies attached to a function's role, as synthesized. */
const statementsOf = (name: PlaybookFunctionName): Record<string, unknown>[] => {
  const roleId = logicalId(playbooks.functions[name].role as iam.Role);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
};

const actionsOn = (name: PlaybookFunctionName, resource: unknown): string[] =>
  statementsOf(name)
    .filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Resource) === JSON.stringify(resource))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]) as string[])
    .sort();

const userArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:user/*']] };
const roleArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/*']] };

describe('Playbooks', () => {
  it('has no cdk-nag finding left unacknowledged', () => {
    expect(
      complianceViolations(playbooks).map(
        (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`,
      ),
    ).toEqual([]);
  });

  it('runs every function on Node 24, arm64, traced, its environment and logs encrypted with the key', () => {
    const keyArn = { 'Fn::GetAtt': [logicalId(stack.node.findChild('Key') as kms.Key), 'Arn'] };
    for (const name of PLAYBOOK_FUNCTIONS) {
      const fn = template.toJSON().Resources[logicalId(playbooks.functions[name].function)];
      expect([
        fn.Properties.Runtime,
        fn.Properties.Architectures,
        fn.Properties.TracingConfig,
        fn.Properties.KmsKeyArn,
      ]).toEqual(['nodejs24.x', ['arm64'], { Mode: 'Active' }, keyArn]);
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn, RetentionInDays: 365 });
  });

  it('runs Standard state machines with the key, every event logged, traced', () => {
    for (const machine of [playbooks.containPrincipal, playbooks.releasePrincipal]) {
      const sm = template.toJSON().Resources[logicalId(machine as sfn.StateMachine)].Properties;
      expect([
        sm.StateMachineType,
        sm.TracingConfiguration,
        sm.LoggingConfiguration.Level,
        sm.LoggingConfiguration.IncludeExecutionData,
      ]).toEqual(['STANDARD', { Enabled: true }, 'ALL', true]);
      expect(sm.EncryptionConfiguration).toEqual({
        Type: 'CUSTOMER_MANAGED_KMS_KEY',
        KmsKeyId: { 'Fn::GetAtt': [logicalId(stack.node.findChild('Key') as kms.Key), 'Arn'] },
        KmsDataKeyReusePeriodSeconds: 300,
      });
    }
  });

  it('lets enrichment read IAM and nothing else', () => {
    expect(actionsOn('respond-enrich', userArn)).toEqual([
      'iam:GetAccessKeyLastUsed',
      'iam:GetLoginProfile',
      'iam:ListAccessKeys',
      'iam:ListAttachedUserPolicies',
      'iam:ListGroupsForUser',
      'iam:ListUserPolicies',
      'iam:ListUserTags',
    ]);
    expect(actionsOn('respond-enrich', roleArn)).toEqual([
      'iam:GetRole',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
    ]);
  });

  it('lets containment change only what it plans, never on protected principals or Vigil itself', () => {
    expect(actionsOn('respond-contain', userArn)).toEqual([
      'iam:DeleteLoginProfile',
      'iam:DetachUserPolicy',
      'iam:GetLoginProfile',
      'iam:GetUserPolicy',
      'iam:ListAccessKeys',
      'iam:ListAttachedUserPolicies',
      'iam:PutUserPolicy',
      'iam:UpdateAccessKey',
    ]);
    expect(actionsOn('respond-contain', roleArn)).toEqual(['iam:GetRolePolicy', 'iam:PutRolePolicy']);
    const deny = statementsOf('respond-contain').find((s) => s.Sid === 'NeverTouchProtectedPrincipals');
    expect(deny?.Effect).toBe('Deny');
    expect(deny?.Resource).toEqual([
      'arn:aws:iam::111122223333:role/BreakGlass',
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:user/ops-admin']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/VigilTest-*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/Vigil*']] },
    ]);
    expect(deny?.Action).toEqual([
      'iam:PutUserPolicy',
      'iam:UpdateAccessKey',
      'iam:DeleteLoginProfile',
      'iam:DetachUserPolicy',
      'iam:PutRolePolicy',
      'iam:DeleteUserPolicy',
      'iam:AttachUserPolicy',
      'iam:DeleteRolePolicy',
    ]);
  });

  it('reaches only case and budget items of the state table', () => {
    const stateTableArn = { 'Fn::GetAtt': [logicalId(stack.node.findChild('State') as dynamodb.TableV2), 'Arn'] };
    const state = statementsOf('respond-decide').filter(
      (s) => JSON.stringify(s.Resource) === JSON.stringify(stateTableArn),
    );
    expect(state).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['C#*', 'BUDGET#*'] } },
        Effect: 'Allow',
        Resource: stateTableArn,
      },
    ]);
  });

  it('lets only the starter start the contain playbook, and only it', () => {
    const containArn = { Ref: logicalId(playbooks.containPrincipal as sfn.StateMachine) };
    expect(statementsOf('respond-start').filter((s) => String(s.Action).startsWith('states:'))).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: containArn },
    ]);
    for (const name of PLAYBOOK_FUNCTIONS.filter((n) => n !== 'respond-start')) {
      expect(statementsOf(name).some((s) => String(s.Action).startsWith('states:'))).toBe(false);
    }
  });

  it('lets the notifier publish to the topic and read the Slack secret, told where by its environment', () => {
    const topicArn = { Ref: logicalId(stack.node.findChild('Topic') as sns.Topic) };
    expect(statementsOf('respond-notify').filter((s) => String(s.Action).startsWith('sns:'))).toEqual([
      { Action: 'sns:Publish', Effect: 'Allow', Resource: topicArn },
    ]);
    expect(
      statementsOf('respond-notify').some((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue')),
    ).toBe(true);
    const env =
      template.toJSON().Resources[logicalId(playbooks.functions['respond-notify'].function)].Properties.Environment
        .Variables;
    expect([env.TOPIC_ARN, env.SLACK_SECRET_ID]).toEqual([topicArn, 'vigil/slack']);
    // The settings hold deploy-time tokens (the partition of Vigil's own role ARNs): join them as `aws`.
    const [, parts] = env.VIGIL_RESPONSE_SETTINGS['Fn::Join'] as [string, unknown[]];
    const settings = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'aws')).join(''));
    expect(settings.protectedPrincipals).toEqual([
      'arn:aws:iam::111122223333:role/BreakGlass',
      'user:111122223333:ops-admin',
      'arn:aws:iam::111122223333:role/VigilTest-*',
      'arn:aws:sts::111122223333:assumed-role/VigilTest-*',
      'arn:aws:iam::111122223333:role/Vigil*',
      'arn:aws:sts::111122223333:assumed-role/Vigil*',
    ]);
    expect(settings).toMatchObject({
      modes: { low: 'off', medium: 'off', high: 'approval', critical: 'auto' },
      approvers: ['alice'],
      slack: true,
      responderAccountId: '111122223333',
    });
  });

  it('starts from Vigil Finding events of the severities with a mode, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['vigil.scorer'],
        'detail-type': ['Vigil Finding'],
        detail: { severity: ['high', 'critical'] },
      },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
  });

  it('waits for approval with a task token and the configured timeout, and catches denial and timeout', () => {
    const sm = template.toJSON().Resources[logicalId(playbooks.containPrincipal as sfn.StateMachine)].Properties;
    const text = (sm.DefinitionString['Fn::Join'][1] as unknown[])
      .map((p) => (typeof p === 'string' ? p : 'ARN'))
      .join('');
    const definition = JSON.parse(text);
    expect(Object.keys(definition.States).sort()).toEqual([
      'AwaitApproval',
      'Begin',
      'Contain',
      'Decide',
      'Done',
      'Ended',
      'Enrich',
      'Notify',
      'PlaybookFailed',
      'Record',
      'Route',
    ]);
    const approval = definition.States.AwaitApproval;
    expect([approval.Resource, approval.TimeoutSeconds, approval.Parameters.Payload, approval.Catch]).toEqual([
      'arn:ARN:states:::lambda:invoke.waitForTaskToken',
      1800,
      { 'taskToken.$': '$$.Task.Token', 'state.$': '$' },
      [
        { ErrorEquals: ['VigilApprovalDenied', 'States.Timeout'], ResultPath: '$.approval', Next: 'Notify' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Notify' },
      ],
    ]);
    expect(definition.States.Route.Choices).toEqual([
      { Variable: '$.decision.outcome', StringEquals: 'approval', Next: 'AwaitApproval' },
      { Variable: '$.decision.outcome', StringEquals: 'contain', Next: 'Contain' },
    ]);
  });
});
