/**
 * The response playbooks: a rule on Vigil's bus for "Vigil Finding" events, the starter that opens
 * one case per principal and starts the contain-principal execution named by the case id, the
 * contain-principal and release-principal state machines, and the responders they drive.
 *
 * Permissions are what each function calls, no more: the playbooks reach only case and budget
 * items of the state table (`dynamodb:LeadingKeys`), append to the audit table, and change IAM
 * users and roles with the few actions containment and release need. Those IAM actions name
 * `user/*` and `role/*` because the principals to contain are only known at run time; an explicit
 * deny keeps Vigil's own roles and the configured protected principals out of reach, whatever
 * the code does.
 */
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FINDING_DETAIL_TYPE, FINDING_EVENT_SOURCE } from '../../lambdas/adapters/eventbridge-publisher.ts';
import type { VigilConfig } from '../../lambdas/core/config.ts';
import { SEVERITIES } from '../../lambdas/core/finding.ts';
import { responseSettings } from '../../lambdas/core/response/settings.ts';
import { ENV } from '../../lambdas/respond-shared/wiring.ts';
import { containDefinition, releaseDefinition } from './playbook-definitions.ts';
import { PlaybookFunction, type PlaybookFunctionName } from './playbook-function.ts';

/** What the playbooks need from the rest of Vigil. */
export interface PlaybooksProps {
  /** Validated configuration: response modes, approvers, budget, protected principals. */
  readonly config: VigilConfig;
  /** Vigil's own bus, carrying "Vigil Finding" events. */
  readonly bus: events.IEventBus;
  /** The security team's topic. */
  readonly topic: sns.ITopic;
  /** The state table: cases and the containment budget. */
  readonly stateTable: dynamodb.ITableV2;
  /** The audit table: every decision, approval, action and notification. */
  readonly auditTable: dynamodb.ITableV2;
  /** Vigil's key: function environments, logs and the state machines' data. */
  readonly key: kms.IKey;
  /** @default - no Slack */
  readonly slackWebhookSecret?: secretsmanager.ISecret;
}

/** State table partitions the playbooks may touch: cases, current-case pointers, budget counters. */
const PLAYBOOK_PARTITIONS = ['C#*', 'BUDGET#*'];

/** IAM reads of enrichment. */
const ENRICH_USER_ACTIONS = [
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:ListGroupsForUser',
  'iam:GetLoginProfile',
  'iam:ListUserTags',
];
const ENRICH_ROLE_ACTIONS = ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'];
/** What containment reads and changes: each change is read first, for the before-state. */
const CONTAIN_USER_ACTIONS = [
  'iam:GetUserPolicy',
  'iam:PutUserPolicy',
  'iam:ListAccessKeys',
  'iam:UpdateAccessKey',
  'iam:GetLoginProfile',
  'iam:DeleteLoginProfile',
  'iam:ListAttachedUserPolicies',
  'iam:DetachUserPolicy',
];
const CONTAIN_ROLE_ACTIONS = ['iam:GetRolePolicy', 'iam:PutRolePolicy'];
/** What release changes back. */
const RELEASE_USER_ACTIONS = [
  'iam:PutUserPolicy',
  'iam:DeleteUserPolicy',
  'iam:UpdateAccessKey',
  'iam:AttachUserPolicy',
];
const RELEASE_ROLE_ACTIONS = ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'];
const BUCKET_POLICY_ACTIONS = ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'];

/** IAM ARNs of protected principals written as ARNs or as `user:`/`role:` keys. */
export const protectedIamArns = (patterns: readonly string[], partition: string): string[] => {
  const arns: string[] = [];
  for (const pattern of patterns) {
    if (/^arn:[^:]+:iam::[^:]*:(user|role)\//.test(pattern)) arns.push(pattern);
    const key = /^(user|role):([^:]+):(.+)$/.exec(pattern);
    if (key) arns.push(`arn:${partition}:iam::${key[2]}:${key[1]}/${key[3]}`);
  }
  return [...new Set(arns)];
};

/** Contain-principal and release-principal playbooks with their responders. */
export class Playbooks extends Construct {
  /** Enrich, decide, approve, contain, notify, record. */
  readonly containPrincipal: sfn.IStateMachine;
  /** Undo a containment from its recorded before-state. */
  readonly releasePrincipal: sfn.IStateMachine;
  /** The functions, by handler folder. */
  readonly functions: Readonly<Record<PlaybookFunctionName, PlaybookFunction>>;
  /** Finding events the starter could not take, after EventBridge's retries. */
  readonly startFailures: sqs.Queue;
  /** Patterns of Vigil's own roles: protected from every playbook. */
  readonly ownPrincipals: readonly string[];

  constructor(scope: Construct, id: string, props: PlaybooksProps) {
    super(scope, id);
    const { config, key, stateTable, auditTable } = props;
    const stack = Stack.of(this);
    const { partition, account, region } = stack;

    // Vigil's roles are named by CloudFormation after the stack; the prefix covers stacks named Vigil*.
    this.ownPrincipals = [
      `arn:${partition}:iam::${account}:role/${stack.stackName}-*`,
      `arn:${partition}:sts::${account}:assumed-role/${stack.stackName}-*`,
      `arn:${partition}:iam::${account}:role/Vigil*`,
      `arn:${partition}:sts::${account}:assumed-role/Vigil*`,
    ];
    const settings = responseSettings(config, {
      ownPrincipals: this.ownPrincipals,
      responderAccountId: account,
      slack: props.slackWebhookSecret !== undefined,
    });
    const bucketSteps = settings.denyBucketAccess && settings.sensitiveBuckets.length > 0;

    const common: Record<string, string> = {
      [ENV.settings]: stack.toJsonString(settings),
      [ENV.stateTable]: stateTable.tableName,
      [ENV.auditTable]: auditTable.tableName,
    };
    this.startFailures = new sqs.Queue(this, 'StartFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const dlq =
      'this queue is itself the dead-letter queue of the finding rule and the starter; its messages are for a person to read';
    Validations.of(this.startFailures).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: dlq },
      { id: 'Serverless-SQSRedrivePolicy', reason: dlq },
    );
    const make = (
      name: PlaybookFunctionName,
      description: string,
      timeout: Duration,
      extra: Record<string, string> = {},
    ) =>
      new PlaybookFunction(this, name, {
        name,
        description,
        key,
        timeout,
        environment: { ...common, ...extra },
        // Only the starter is invoked asynchronously (by EventBridge): what it fails on goes to the queue.
        ...(name === 'respond-start' ? { deadLetterQueue: this.startFailures } : {}),
      });
    const fns = {
      'respond-start': make(
        'respond-start',
        'Vigil: opens a case per principal and starts its playbook',
        Duration.seconds(30),
      ),
      'respond-enrich': make('respond-enrich', 'Vigil playbook: reads IAM about the principal', Duration.minutes(1)),
      'respond-decide': make(
        'respond-decide',
        'Vigil playbook: decides mode, protection and budget',
        Duration.seconds(30),
      ),
      'respond-notify': make(
        'respond-notify',
        'Vigil playbook: tells the security team and asks approvers',
        Duration.minutes(1),
        {
          [ENV.topic]: props.topic.topicArn,
          // By name: a secret imported by name has only a partial ARN, which GetSecretValue may not resolve.
          ...(props.slackWebhookSecret ? { [ENV.slackSecret]: props.slackWebhookSecret.secretName } : {}),
        },
      ),
      'respond-contain': make('respond-contain', 'Vigil playbook: contains the principal in IAM', Duration.minutes(3)),
      'respond-record': make('respond-record', 'Vigil playbook: records how the case ended', Duration.seconds(30)),
      'respond-release': make('respond-release', 'Vigil playbook: undoes a containment', Duration.minutes(3)),
    };
    this.functions = fns;

    // CloudWatch Logs encrypts the log groups with the key, for this account's log groups only.
    key.grantEncryptDecrypt(
      new iam.PrincipalWithConditions(new iam.ServicePrincipal(`logs.${region}.amazonaws.com`), {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` },
      }),
    );

    // State table: GetItem, PutItem and UpdateItem on case and budget items only.
    const stateActions = (fn: PlaybookFunction, actions: string[]) => {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions,
          resources: [stateTable.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': PLAYBOOK_PARTITIONS } },
        }),
      );
    };
    stateActions(fns['respond-start'], ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    for (const name of [
      'respond-decide',
      'respond-notify',
      'respond-contain',
      'respond-record',
      'respond-release',
    ] as const) {
      stateActions(fns[name], ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    }
    // Audit: append-only, as the scorer (GetItem and Query read chain heads, PutItem appends).
    for (const name of [
      'respond-start',
      'respond-decide',
      'respond-notify',
      'respond-contain',
      'respond-record',
      'respond-release',
    ] as const) {
      // On the table alone: table.grant() would add its indexes, which the playbooks never read.
      fns[name].role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
          resources: [auditTable.tableArn],
        }),
      );
    }

    const userArn = `arn:${partition}:iam::${account}:user/*`;
    const roleArn = `arn:${partition}:iam::${account}:role/*`;
    const iamStatement = (fn: PlaybookFunction, actions: string[], resource: string) =>
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [resource] }));
    iamStatement(fns['respond-enrich'], ENRICH_USER_ACTIONS, userArn);
    iamStatement(fns['respond-enrich'], ENRICH_ROLE_ACTIONS, roleArn);
    iamStatement(fns['respond-contain'], CONTAIN_USER_ACTIONS, userArn);
    iamStatement(fns['respond-contain'], CONTAIN_ROLE_ACTIONS, roleArn);
    iamStatement(fns['respond-release'], RELEASE_USER_ACTIONS, userArn);
    iamStatement(fns['respond-release'], RELEASE_ROLE_ACTIONS, roleArn);
    const guarded = [
      ...protectedIamArns(settings.protectedPrincipals, partition),
      `arn:${partition}:iam::${account}:role/${stack.stackName}-*`,
    ];
    for (const fn of [fns['respond-contain'], fns['respond-release']]) {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'NeverTouchProtectedPrincipals',
          effect: iam.Effect.DENY,
          actions: [
            ...new Set([
              ...CONTAIN_USER_ACTIONS,
              ...CONTAIN_ROLE_ACTIONS,
              ...RELEASE_USER_ACTIONS,
              ...RELEASE_ROLE_ACTIONS,
            ]),
          ].filter((a) => !a.startsWith('iam:Get') && !a.startsWith('iam:List')),
          resources: [...new Set(guarded)],
        }),
      );
      if (bucketSteps) {
        fn.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: BUCKET_POLICY_ACTIONS,
            resources: settings.sensitiveBuckets.map((b) => `arn:${partition}:s3:::${b}`),
          }),
        );
      }
    }
    // sns:Publish alone: the function's role already holds the key the topic is encrypted with.
    fns['respond-notify'].role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }),
    );
    props.slackWebhookSecret?.grantRead(fns['respond-notify'].role);

    const approvalTimeout = Duration.minutes(config.response.approvalTimeoutMinutes);
    const taskFns = {
      enrich: fns['respond-enrich'].function,
      decide: fns['respond-decide'].function,
      notify: fns['respond-notify'].function,
      contain: fns['respond-contain'].function,
      record: fns['respond-record'].function,
      release: fns['respond-release'].function,
    };
    const machine = (idName: string, definition: sfn.IChainable, timeout: Duration): sfn.StateMachine => {
      const logGroup = new logs.LogGroup(this, `${idName}Logs`, {
        encryptionKey: key,
        retention: logs.RetentionDays.ONE_YEAR,
      });
      return new sfn.StateMachine(this, idName, {
        definitionBody: sfn.DefinitionBody.fromChainable(definition),
        stateMachineType: sfn.StateMachineType.STANDARD,
        timeout,
        tracingEnabled: true,
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
        encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key),
      });
    };
    const contain = machine(
      'ContainPrincipal',
      containDefinition(this, taskFns, approvalTimeout),
      approvalTimeout.plus(Duration.minutes(30)),
    );
    const release = machine('ReleasePrincipal', releaseDefinition(this, taskFns), Duration.minutes(30));
    this.containPrincipal = contain;
    this.releasePrincipal = release;

    fns['respond-start'].function.addEnvironment(ENV.containStateMachine, contain.stateMachineArn);
    contain.grantStartExecution(fns['respond-start'].role);

    const alerting = SEVERITIES.filter((s) => settings.modes[s] !== 'off');
    if (alerting.length > 0) {
      new events.Rule(this, 'FindingRule', {
        description: 'Vigil: findings whose severity has a response mode start the contain-principal playbook',
        eventBus: props.bus,
        eventPattern: {
          source: [FINDING_EVENT_SOURCE],
          detailType: [FINDING_DETAIL_TYPE],
          detail: { severity: alerting },
        },
        targets: [
          new targets.LambdaFunction(fns['respond-start'].function, {
            deadLetterQueue: this.startFailures,
            retryAttempts: 8,
            maxEventAge: Duration.hours(6),
          }),
        ],
      });
    }

    this.acknowledge(fns, [contain, release]);
  }

  private acknowledge(
    fns: Readonly<Record<PlaybookFunctionName, PlaybookFunction>>,
    machines: readonly sfn.StateMachine[],
  ): void {
    const why =
      "the principals to contain are only known at run time, so these IAM actions name every user or role of this account; an explicit deny keeps Vigil's own roles and the protected principals out of reach";
    const stack = Stack.of(this);
    // cdk-nag names a finding by the resource as synthesized: tokens become <AWS::Partition> and the like.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    for (const name of ['respond-enrich', 'respond-contain', 'respond-release'] as const) {
      Validations.of(fns[name].role).acknowledge(
        { id: `AwsSolutions-IAM5[Resource::arn:${partition}:iam::${account}:user/*]`, reason: why },
        { id: `AwsSolutions-IAM5[Resource::arn:${partition}:iam::${account}:role/*]`, reason: why },
      );
    }
    const invoked = Object.values(fns)
      .filter((fn) => fn !== fns['respond-start'])
      .map((fn) => stack.resolve(stack.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction)) as string);
    for (const machine of machines) {
      Validations.of(machine.role).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'X-Ray trace segments and CloudWatch Logs log delivery (CreateLogDelivery and its kin) have no resource types: * is the only resource IAM accepts',
        },
        {
          id: 'NIST.800.53.R5-IAMNoInlinePolicy',
          reason: "the state machine's role has one policy, exactly its grants, deployed and removed with it",
        },
        ...invoked.map((logicalId) => ({
          id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
          reason:
            'Step Functions may invoke a version or alias of the task function: CDK grants the function ARN and its qualified ARNs, nothing else',
        })),
      );
    }
  }
}
