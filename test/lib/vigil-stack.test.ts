import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_MANAGEMENT_EVENTS_STATE } from '../../lib/constructs/fast-path.ts';
import { arnOf, type Built, build, logicalId, TYPICAL_CONFIG } from './build.ts';

let built: Built;
let template: Template;
let key: string;

const keyArn = () => arnOf(key);
const tlsOnly = (actions: string | string[], resource: unknown) =>
  Match.objectLike({
    Effect: 'Deny',
    Action: actions,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    Resource: resource,
  });

beforeAll(() => {
  built = build(TYPICAL_CONFIG);
  template = built.template;
  key = logicalId(template, 'AWS::KMS::Key', 'Key');
});

describe('the key', () => {
  it('is customer-managed, rotated and kept when the stack goes', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/Vigil', TargetKeyId: keyArn() });
  });

  it("lets CloudTrail encrypt with it only for Vigil's trail", () => {
    const policy = template.findResources('AWS::KMS::Key')[key]?.Properties.KeyPolicy.Statement;
    expect(policy).toContainEqual({
      Sid: 'CloudTrailEncryptsLogFiles',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: {
          'aws:SourceArn': {
            'Fn::Join': ['', ['arn:aws:cloudtrail:us-east-1:', { Ref: 'AWS::AccountId' }, ':trail/Vigil']],
          },
        },
        StringLike: {
          'kms:EncryptionContext:aws:cloudtrail:arn': {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:', { Ref: 'AWS::AccountId' }, ':trail/*'],
            ],
          },
        },
      },
    });
  });
});

describe('the tables', () => {
  it.each([
    ['State', { AttributeName: 'expiresAt', Enabled: true }],
    ['Audit', Match.absent()],
  ])(
    "%s: on demand, KMS with Vigil's key, point-in-time recovery, deletion protection, retained, TTL only where defined",
    (id, ttl) => {
      const table = logicalId(template, 'AWS::DynamoDB::GlobalTable', `Tables${id}`);
      template.hasResource('AWS::DynamoDB::GlobalTable', {
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
          TimeToLiveSpecification: ttl,
          Replicas: [
            Match.objectLike({
              Region: 'us-east-1',
              DeletionProtectionEnabled: true,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
              SSESpecification: { KMSMasterKeyId: keyArn() },
            }),
          ],
        }),
        DeletionPolicy: 'Retain',
      });
      expect(template.findResources('AWS::DynamoDB::GlobalTable')[table]).toBeDefined();
    },
  );

  it("builds the audit table's indexes from the shared definition, keys only", () => {
    const audit =
      template.findResources('AWS::DynamoDB::GlobalTable')[
        logicalId(template, 'AWS::DynamoDB::GlobalTable', 'TablesAudit')
      ];
    const indexes = audit?.Properties.GlobalSecondaryIndexes as { IndexName: string; Projection: unknown }[];
    expect(indexes.map((i) => [i.IndexName, i.Projection])).toEqual([
      ['byPrincipal', { ProjectionType: 'KEYS_ONLY' }],
      ['byDay', { ProjectionType: 'KEYS_ONLY' }],
      ['byCase', { ProjectionType: 'KEYS_ONLY' }],
      ['byDetector', { ProjectionType: 'KEYS_ONLY' }],
      ['byActor', { ProjectionType: 'KEYS_ONLY' }],
      ['byFinding', { ProjectionType: 'KEYS_ONLY' }],
    ]);
  });
});

describe('the queues', () => {
  it("are all encrypted with Vigil's key and accept TLS only", () => {
    const queues = Object.entries(template.findResources('AWS::SQS::Queue')).filter(
      ([id]) => !id.startsWith('ResponsePlaybooks'),
    );
    for (const [id, queue] of queues) {
      expect([id, queue.Properties.KmsMasterKeyId]).toEqual([id, keyArn()]);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([tlsOnly('sqs:*', arnOf(id))]) },
      });
    }
    expect(queues).toHaveLength(5);
  });

  it.each([['FastPathEvents'], ['BulkPathFiles']])(
    '%s: redrives to its dead-letter queue after five receives, visibility six scorer timeouts',
    (prefix) => {
      const dlq = logicalId(template, 'AWS::SQS::Queue', `${prefix}DeadLetterQueue`);
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 5 },
        VisibilityTimeout: 750,
        MessageRetentionPeriod: 345_600,
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        MessageRetentionPeriod: 1_209_600,
        KmsMasterKeyId: keyArn(),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: logicalId(template, 'AWS::SNS::Topic', 'ResponseTopic') }],
      });
    },
  );
});

describe('the topic', () => {
  it("is encrypted with Vigil's key and takes publishes over TLS only", () => {
    const topic = logicalId(template, 'AWS::SNS::Topic', 'ResponseTopic');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: { Statement: [tlsOnly('sns:Publish', { Ref: topic })] },
    });
  });

  it('subscribes the configured addresses, with undeliverable notices kept in an encrypted queue', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security@example.com',
      RedrivePolicy: {
        deadLetterTargetArn: arnOf(logicalId(template, 'AWS::SQS::Queue', 'ResponseUndeliveredNotifications')),
      },
    });
  });
});

describe('the bus', () => {
  it("is encrypted with Vigil's key", () => {
    template.hasResourceProperties('AWS::Events::EventBus', { KmsKeyIdentifier: keyArn() });
  });
});

describe('the trail', () => {
  it("is multi-region, validates its files, encrypts them with Vigil's key and takes only the sensitive buckets' data events", () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'Vigil',
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: keyArn(),
      S3BucketName: { Ref: logicalId(template, 'AWS::S3::Bucket', 'TrailBucket') },
      EventSelectors: Match.absent(),
      IsOrganizationTrail: Match.absent(),
      AdvancedEventSelectors: [
        { Name: 'All management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        {
          Name: 'S3 data events of the sensitive buckets',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            {
              Field: 'resources.ARN',
              StartsWith: [
                { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::prod-customer-data/']] },
                { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::finance-']] },
              ],
            },
          ],
        },
      ],
    });
  });

  it("delivers to a bucket encrypted with Vigil's key, private, versioned, TLS only, logged, retained, announcing new files on EventBridge", () => {
    const bucket = logicalId(template, 'AWS::S3::Bucket', 'TrailBucket');
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn() } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: logicalId(template, 'AWS::S3::Bucket', 'TrailAccessLogs') },
          LogFilePrefix: 'trail-bucket/',
        },
      }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([tlsOnly('s3:*', [arnOf(bucket), { 'Fn::Join': ['', [arnOf(bucket), '/*']] }])]),
      },
    });
  });

  it('keeps access logs in a private, TLS-only bucket with S3-managed encryption (the only kind access logging takes)', () => {
    const logs = logicalId(template, 'AWS::S3::Bucket', 'TrailAccessLogs');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, Status: 'Enabled' })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([tlsOnly('s3:*', [arnOf(logs), { 'Fn::Join': ['', [arnOf(logs), '/*']] }])]),
      },
    });
  });
});

describe('the paths', () => {
  it("bulk: the trail bucket's CloudTrail log files, to the bulk queue with a DLQ", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [{ Ref: logicalId(template, 'AWS::S3::Bucket', 'TrailBucket') }] },
          object: { key: [{ wildcard: '*AWSLogs/*/CloudTrail/*' }] },
        },
      },
      Targets: [
        {
          Id: 'Target0',
          Arn: arnOf(logicalId(template, 'AWS::SQS::Queue', 'BulkPathFilesQueue')),
          DeadLetterConfig: { Arn: arnOf(logicalId(template, 'AWS::SQS::Queue', 'BulkPathFilesDeadLetterQueue')) },
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        },
      ],
    });
  });

  it('fast: every rule on the default bus, with all management events, into the fast queue with a DLQ', () => {
    const rules = Object.values(
      template.findResources('AWS::Events::Rule', {
        Properties: { Description: Match.stringLikeRegexp('^Vigil fast path') },
      }),
    );
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.Properties).toMatchObject({
        State: ALL_MANAGEMENT_EVENTS_STATE,
        Targets: [
          {
            Arn: arnOf(logicalId(template, 'AWS::SQS::Queue', 'FastPathEventsQueue')),
            DeadLetterConfig: { Arn: arnOf(logicalId(template, 'AWS::SQS::Queue', 'FastPathEventsDeadLetterQueue')) },
          },
        ],
      });
      expect(rule.Properties.EventBusName).toBeUndefined();
    }
  });

  it('fast: EventBridge may send to the queue only for rules of this account', () => {
    const queue = logicalId(template, 'AWS::SQS::Queue', 'FastPathEventsQueue');
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
            Resource: arnOf(queue),
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });
});

describe('the scorer', () => {
  it('runs Node 24 on arm64 with explicit memory, timeout, reserved concurrency, JSON logs and no X-Ray', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Vigil scorer'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 120,
      ReservedConcurrentExecutions: 5,
      TracingConfig: Match.absent(),
      LoggingConfig: {
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'WARN',
        LogGroup: { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'ScorerLogs') },
      },
      Role: arnOf(logicalId(template, 'AWS::IAM::Role', 'ScorerRole')),
      Environment: {
        Variables: {
          STATE_TABLE_NAME: { Ref: logicalId(template, 'AWS::DynamoDB::GlobalTable', 'TablesState') },
          AUDIT_TABLE_NAME: { Ref: logicalId(template, 'AWS::DynamoDB::GlobalTable', 'TablesAudit') },
          EVENT_BUS_NAME: { Ref: logicalId(template, 'AWS::Events::EventBus', 'ResponseBus') },
          VIGIL_CONFIG: Match.stringLikeRegexp('"sensitiveBuckets":\\["prod-customer-data","finance-\\*"\\]'),
          OWN_ROLE_ARNS: Match.anyValue(),
          GEO_DIR: 'geo',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it("logs to a log group encrypted with Vigil's key, kept a year", () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: keyArn(), RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
  });

  it.each([
    ['FastPathEventsQueue', 100, 5, 2],
    ['BulkPathFilesQueue', 100, 180, 3],
  ])(
    'drains %s in batches of %i within %is, at most %i at once, reporting failed messages',
    (queue, size, window, concurrency) => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(logicalId(template, 'AWS::SQS::Queue', queue)),
        FunctionName: { Ref: logicalId(template, 'AWS::Lambda::Function', 'ScorerFunction') },
        BatchSize: size,
        MaximumBatchingWindowInSeconds: window,
        ScalingConfig: { MaximumConcurrency: concurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    },
  );

  it('alarms on failed invocations', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: logicalId(template, 'AWS::Lambda::Function', 'ScorerFunction') } },
      ],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalId(template, 'AWS::SNS::Topic', 'ResponseTopic') }],
    });
  });

  it('may do exactly what the handler does, on the resources it does it to', () => {
    const bucket = logicalId(template, 'AWS::S3::Bucket', 'TrailBucket');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(template, 'AWS::IAM::Role', 'ScorerRole') }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
            Resource: arnOf(logicalId(template, 'AWS::DynamoDB::GlobalTable', 'TablesState')),
          },
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
            Resource: arnOf(logicalId(template, 'AWS::DynamoDB::GlobalTable', 'TablesAudit')),
          },
          {
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: keyArn(),
          },
          {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: arnOf(logicalId(template, 'AWS::Events::EventBus', 'ResponseBus')),
          },
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', [arnOf(bucket), '/*AWSLogs/*/CloudTrail/*']] },
          },
          {
            Effect: 'Allow',
            Action: [
              'sqs:ChangeMessageVisibility',
              'sqs:DeleteMessage',
              'sqs:GetQueueAttributes',
              'sqs:GetQueueUrl',
              'sqs:ReceiveMessage',
            ],
            Resource: [
              arnOf(logicalId(template, 'AWS::SQS::Queue', 'BulkPathFilesQueue')),
              arnOf(logicalId(template, 'AWS::SQS::Queue', 'FastPathEventsQueue')),
            ],
          },
        ],
      },
    });
  });

  it('has a role of its own, assumed by Lambda only, with no managed policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^Vigil scorer'),
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
        Version: '2012-10-17',
      },
      ManagedPolicyArns: Match.absent(),
    });
  });
});

describe('the roles', () => {
  it("outside the playbooks are the scorer's alone: no custom-resource or log-retention roles", () => {
    const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter(
      (id) => !id.startsWith('ResponsePlaybooks'),
    );
    expect(roles).toEqual([logicalId(template, 'AWS::IAM::Role', 'ScorerRole')]);
  });

  it('are all excluded from the fast path and passed to the scorer as its own principals', () => {
    const roleArns = Object.keys(template.findResources('AWS::IAM::Role')).map(arnOf);
    const rules = Object.values(
      template.findResources('AWS::Events::Rule', {
        Properties: { Description: Match.stringLikeRegexp('^Vigil fast path') },
      }),
    );
    for (const rule of rules) {
      const excluded =
        rule.Properties.EventPattern.detail.userIdentity.$or[0].sessionContext.sessionIssuer.arn[0]['anything-but'];
      expect(excluded).toEqual(roleArns);
    }
    const scorer =
      template.findResources('AWS::Lambda::Function')[logicalId(template, 'AWS::Lambda::Function', 'ScorerFunction')];
    expect(scorer?.Properties.Environment.Variables.OWN_ROLE_ARNS).toEqual({
      'Fn::Join': ['', roleArns.flatMap((arn, i) => (i === 0 ? [arn] : [',', arn]))],
    });
  });
});

describe('the outputs', () => {
  it('name what operators and `vigil audit --table` need', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'AuditTableName',
      'ContainStateMachineArn',
      'EventBusName',
      'ReleaseStateMachineArn',
      'ScorerFunctionName',
      'ScorerRoleArn',
      'StateTableName',
      'TopicArn',
      'TrailBucketName',
    ]);
  });
});
