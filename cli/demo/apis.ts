/**
 * The AWS API calls the organisation makes in its daily work, with request parameters shaped as
 * CloudTrail records them, and the mixes each job draws from.
 */
import type { AccountResources } from './organisation.ts';
import type { Rng } from './random.ts';

/** What a request builder may read. */
export interface ApiContext {
  readonly rng: Rng;
  readonly res: AccountResources;
  readonly region: string;
  /** Event time, epoch ms: queries ask about the hours before it. */
  readonly t: number;
}

/** One API as CloudTrail names it. */
export interface ApiDef {
  readonly source: string;
  readonly name: string;
  readonly readOnly: boolean;
  /** IAM action name when it differs from `service:name` (Lambda's versioned event names). */
  readonly action?: string;
  /** Global services are recorded in us-east-1. */
  readonly global?: boolean;
  readonly request?: (c: ApiContext) => Record<string, unknown> | null;
  readonly response?: (c: ApiContext) => Record<string, unknown> | null;
}

const api = (
  source: string,
  name: string,
  readOnly: boolean,
  more: Omit<ApiDef, 'source' | 'name' | 'readOnly'> = {},
): ApiDef => ({ source: `${source}.amazonaws.com`, name, readOnly, ...more });

const pick = <T>(c: ApiContext, items: readonly T[]): T => c.rng.pick(items);
const minutesAgo = (c: ApiContext): number => c.rng.int(5, 180) * 60_000;

/** Every API the organisation's routine uses, keyed `service:EventName`. */
export const API = {
  'ec2:DescribeInstances': api('ec2', 'DescribeInstances', true, {
    request: (c) =>
      c.rng.chance(0.5)
        ? { instancesSet: { items: [{ instanceId: pick(c, c.res.instances) }] }, filterSet: {} }
        : {
            instancesSet: {},
            filterSet: { items: [{ name: 'instance-state-name', valueSet: { items: [{ value: 'running' }] } }] },
          },
  }),
  'ec2:DescribeInstanceStatus': api('ec2', 'DescribeInstanceStatus', true, {
    request: () => ({ instancesSet: {}, filterSet: {}, includeAllInstances: false }),
  }),
  'ec2:DescribeSecurityGroups': api('ec2', 'DescribeSecurityGroups', true, {
    request: () => ({ securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }),
  }),
  'ec2:DescribeVpcs': api('ec2', 'DescribeVpcs', true, { request: () => ({ vpcSet: {}, filterSet: {} }) }),
  'ec2:DescribeSubnets': api('ec2', 'DescribeSubnets', true, { request: () => ({ subnetSet: {}, filterSet: {} }) }),
  'ec2:DescribeVolumes': api('ec2', 'DescribeVolumes', true, { request: () => ({ volumeSet: {}, filterSet: {} }) }),
  'ec2:DescribeSnapshots': api('ec2', 'DescribeSnapshots', true, {
    request: (c) => ({ snapshotSet: {}, ownersSet: { items: [{ owner: c.res.account }] }, filterSet: {} }),
  }),
  'ec2:DescribeRegions': api('ec2', 'DescribeRegions', true, { request: () => ({ regionSet: {}, allRegions: false }) }),
  'ec2:RebootInstances': api('ec2', 'RebootInstances', false, {
    request: (c) => ({ instancesSet: { items: [{ instanceId: pick(c, c.res.instances) }] } }),
    response: () => ({ _return: true }),
  }),
  'lambda:ListFunctions': api('lambda', 'ListFunctions20150331', true, {
    action: 'lambda:ListFunctions',
    request: () => null,
  }),
  'lambda:GetFunction': api('lambda', 'GetFunction20150331v2', true, {
    action: 'lambda:GetFunction',
    request: (c) => ({ functionName: pick(c, c.res.functions) }),
  }),
  'lambda:UpdateFunctionCode': api('lambda', 'UpdateFunctionCode20150331v2', false, {
    action: 'lambda:UpdateFunctionCode',
    request: (c) => ({
      functionName: pick(c, c.res.functions),
      s3Bucket: c.res.artifactBucket,
      s3Key: `builds/${c.rng.hex(12)}.zip`,
      publish: false,
      dryRun: false,
    }),
  }),
  'logs:DescribeLogGroups': api('logs', 'DescribeLogGroups', true, {
    request: (c) => ({ logGroupNamePrefix: pick(c, c.res.logGroups).slice(0, 12) }),
  }),
  'logs:DescribeLogStreams': api('logs', 'DescribeLogStreams', true, {
    request: (c) => ({ logGroupName: pick(c, c.res.logGroups), orderBy: 'LastEventTime', descending: true, limit: 50 }),
  }),
  'logs:StartQuery': api('logs', 'StartQuery', true, {
    request: (c) => ({
      logGroupNames: [pick(c, c.res.logGroups)],
      startTime: Math.floor((c.t - minutesAgo(c)) / 1000),
      endTime: Math.floor(c.t / 1000),
      queryString: 'fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 100',
    }),
    response: (c) => ({ queryId: c.rng.uuid() }),
  }),
  'logs:GetQueryResults': api('logs', 'GetQueryResults', true, { request: (c) => ({ queryId: c.rng.uuid() }) }),
  'cloudformation:DescribeStacks': api('cloudformation', 'DescribeStacks', true, {
    request: (c) => ({ stackName: pick(c, c.res.stacks) }),
  }),
  'cloudformation:ListStacks': api('cloudformation', 'ListStacks', true, { request: () => null }),
  'cloudformation:DescribeStackEvents': api('cloudformation', 'DescribeStackEvents', true, {
    request: (c) => ({ stackName: pick(c, c.res.stacks) }),
  }),
  'ecr:DescribeRepositories': api('ecr', 'DescribeRepositories', true, { request: () => null }),
  'ecr:DescribeImages': api('ecr', 'DescribeImages', true, {
    request: (c) => ({ repositoryName: pick(c, c.res.services), maxResults: 100 }),
  }),
  'ecr:GetAuthorizationToken': api('ecr', 'GetAuthorizationToken', true, { request: () => ({}) }),
  'ecr:BatchCheckLayerAvailability': api('ecr', 'BatchCheckLayerAvailability', true, {
    request: (c) => ({ repositoryName: pick(c, c.res.services), layerDigests: [`sha256:${c.rng.hex(64)}`] }),
  }),
  'ecr:InitiateLayerUpload': api('ecr', 'InitiateLayerUpload', false, {
    request: (c) => ({ repositoryName: pick(c, c.res.services) }),
  }),
  'ecr:CompleteLayerUpload': api('ecr', 'CompleteLayerUpload', false, {
    request: (c) => ({ repositoryName: pick(c, c.res.services), layerDigests: [`sha256:${c.rng.hex(64)}`] }),
  }),
  'ecr:PutImage': api('ecr', 'PutImage', false, {
    request: (c) => ({ repositoryName: pick(c, c.res.services), imageTag: c.rng.hex(7) }),
  }),
  'dynamodb:DescribeTable': api('dynamodb', 'DescribeTable', true, {
    request: (c) => ({ tableName: pick(c, c.res.tables) }),
  }),
  'dynamodb:ListTables': api('dynamodb', 'ListTables', true, { request: () => null }),
  'dynamodb:DescribeContinuousBackups': api('dynamodb', 'DescribeContinuousBackups', true, {
    request: (c) => ({ tableName: pick(c, c.res.tables) }),
  }),
  's3:ListBuckets': api('s3', 'ListBuckets', true, {
    request: (c) => ({ Host: `s3.${c.region}.amazonaws.com` }),
  }),
  's3:GetBucketLocation': api('s3', 'GetBucketLocation', true, {
    request: (c) => {
      const bucket = pick(c, c.res.buckets);
      return { bucketName: bucket, Host: `${bucket}.s3.amazonaws.com`, location: '' };
    },
  }),
  's3:GetBucketPolicy': api('s3', 'GetBucketPolicy', true, {
    request: (c) => {
      const bucket = pick(c, c.res.buckets);
      return { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, policy: '' };
    },
  }),
  's3:GetBucketEncryption': api('s3', 'GetBucketEncryption', true, {
    request: (c) => {
      const bucket = pick(c, c.res.buckets);
      return { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, encryption: '' };
    },
  }),
  's3:GetBucketVersioning': api('s3', 'GetBucketVersioning', true, {
    request: (c) => {
      const bucket = pick(c, c.res.buckets);
      return { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, versioning: '' };
    },
  }),
  'sts:GetCallerIdentity': api('sts', 'GetCallerIdentity', true, { request: () => null }),
  'secretsmanager:DescribeSecret': api('secretsmanager', 'DescribeSecret', true, {
    request: (c) => ({ secretId: pick(c, c.res.secrets) }),
  }),
  'secretsmanager:ListSecrets': api('secretsmanager', 'ListSecrets', true, { request: () => null }),
  'secretsmanager:GetSecretValue': api('secretsmanager', 'GetSecretValue', true, {
    request: (c) => ({ secretId: pick(c, c.res.secrets) }),
  }),
  'ssm:GetParameter': api('ssm', 'GetParameter', true, {
    request: (c) => ({ name: pick(c, c.res.parameters), withDecryption: false }),
  }),
  'ssm:GetParametersByPath': api('ssm', 'GetParametersByPath', true, {
    request: (c) => ({ path: `/${c.res.env}/`, recursive: true, withDecryption: false }),
  }),
  'ssm:DescribeInstanceInformation': api('ssm', 'DescribeInstanceInformation', true, { request: () => null }),
  'ssm:StartSession': api('ssm', 'StartSession', false, {
    request: (c) => ({ target: pick(c, c.res.instances) }),
    response: (c) => ({ sessionId: `ops-${c.rng.hex(17)}`, tokenValue: 'Value hidden due to security reasons.' }),
  }),
  'cloudwatch:GetMetricData': api('monitoring', 'GetMetricData', true, {
    request: (c) => ({
      metricDataQueries: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization' } } }],
      startTime: `${new Date(c.t - minutesAgo(c)).toISOString().slice(0, 19)}Z`,
      endTime: `${new Date(c.t).toISOString().slice(0, 19)}Z`,
    }),
  }),
  'cloudwatch:DescribeAlarms': api('monitoring', 'DescribeAlarms', true, {
    request: () => ({ stateValue: 'ALARM' }),
  }),
  'ecs:DescribeServices': api('ecs', 'DescribeServices', true, {
    request: (c) => ({ cluster: c.res.cluster, services: [pick(c, c.res.services)] }),
  }),
  'ecs:ListTasks': api('ecs', 'ListTasks', true, {
    request: (c) => ({ cluster: c.res.cluster, serviceName: pick(c, c.res.services) }),
  }),
  'ecs:DescribeTasks': api('ecs', 'DescribeTasks', true, {
    request: (c) => ({ cluster: c.res.cluster, tasks: [c.rng.hex(32)] }),
  }),
  'ecs:DescribeTaskDefinition': api('ecs', 'DescribeTaskDefinition', true, {
    request: (c) => ({ taskDefinition: pick(c, c.res.services) }),
  }),
  'ecs:UpdateService': api('ecs', 'UpdateService', false, {
    request: (c) => ({ cluster: c.res.cluster, service: pick(c, c.res.services), forceNewDeployment: true }),
  }),
  'ecs:RegisterTaskDefinition': api('ecs', 'RegisterTaskDefinition', false, {
    request: (c) => ({ family: pick(c, c.res.services), networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] }),
  }),
  'rds:DescribeDBInstances': api('rds', 'DescribeDBInstances', true, { request: () => null }),
  'rds:DescribeDBClusters': api('rds', 'DescribeDBClusters', true, { request: () => null }),
  'autoscaling:DescribeAutoScalingGroups': api('autoscaling', 'DescribeAutoScalingGroups', true, {
    request: () => null,
  }),
  'elasticloadbalancing:DescribeTargetHealth': api('elasticloadbalancing', 'DescribeTargetHealth', true, {
    request: (c) => ({
      targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${c.res.account}:targetgroup/${pick(c, c.res.services)}/${c.rng.hex(16)}`,
    }),
  }),
  'elasticloadbalancing:DescribeLoadBalancers': api('elasticloadbalancing', 'DescribeLoadBalancers', true, {
    request: () => null,
  }),
  'kms:DescribeKey': api('kms', 'DescribeKey', true, { request: (c) => ({ keyId: `alias/${c.res.env}-data` }) }),
  'kms:Decrypt': api('kms', 'Decrypt', true, {
    request: () => ({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
  }),
  'iam:GetRole': api('iam', 'GetRole', true, { global: true, request: (c) => ({ roleName: pick(c, c.res.roles) }) }),
  'iam:ListRoles': api('iam', 'ListRoles', true, { global: true, request: () => null }),
  'iam:ListRolePolicies': api('iam', 'ListRolePolicies', true, {
    global: true,
    request: (c) => ({ roleName: pick(c, c.res.roles) }),
  }),
  'iam:ListAttachedRolePolicies': api('iam', 'ListAttachedRolePolicies', true, {
    global: true,
    request: (c) => ({ roleName: pick(c, c.res.roles) }),
  }),
  'iam:GetRolePolicy': api('iam', 'GetRolePolicy', true, {
    global: true,
    request: (c) => ({ roleName: pick(c, c.res.roles), policyName: 'inline-access' }),
  }),
  'iam:ListPolicies': api('iam', 'ListPolicies', true, { global: true, request: () => ({ scope: 'Local' }) }),
  'iam:GetPolicy': api('iam', 'GetPolicy', true, {
    global: true,
    request: (c) => ({ policyArn: `arn:aws:iam::${c.res.account}:policy/${pick(c, c.res.policies)}` }),
  }),
  'iam:GetPolicyVersion': api('iam', 'GetPolicyVersion', true, {
    global: true,
    request: (c) => ({ policyArn: `arn:aws:iam::${c.res.account}:policy/${pick(c, c.res.policies)}`, versionId: 'v3' }),
  }),
  'iam:ListUsers': api('iam', 'ListUsers', true, { global: true, request: () => null }),
  'iam:GetUser': api('iam', 'GetUser', true, { global: true, request: () => null }),
  'iam:ListAccessKeys': api('iam', 'ListAccessKeys', true, { global: true, request: () => null }),
  'iam:GetAccountSummary': api('iam', 'GetAccountSummary', true, { global: true, request: () => null }),
  'iam:GenerateCredentialReport': api('iam', 'GenerateCredentialReport', false, { global: true, request: () => null }),
  'iam:GetCredentialReport': api('iam', 'GetCredentialReport', true, { global: true, request: () => null }),
  'iam:GetAccountAuthorizationDetails': api('iam', 'GetAccountAuthorizationDetails', true, {
    global: true,
    request: () => ({ filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] }),
  }),
  'organizations:DescribeOrganization': api('organizations', 'DescribeOrganization', true, {
    global: true,
    request: () => null,
  }),
  'organizations:ListAccounts': api('organizations', 'ListAccounts', true, { global: true, request: () => null }),
  'sso:ListPermissionSets': api('sso', 'ListPermissionSets', true, {
    request: (c) => ({ instanceArn: `arn:aws:sso:::instance/ssoins-${c.res.ssoInstance}` }),
  }),
  'sso:DescribePermissionSet': api('sso', 'DescribePermissionSet', true, {
    request: (c) => ({
      instanceArn: `arn:aws:sso:::instance/ssoins-${c.res.ssoInstance}`,
      permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-${c.res.ssoInstance}/ps-${c.rng.hex(16)}`,
    }),
  }),
  'cloudtrail:DescribeTrails': api('cloudtrail', 'DescribeTrails', true, {
    request: () => ({ includeShadowTrails: true }),
  }),
  'cloudtrail:GetTrailStatus': api('cloudtrail', 'GetTrailStatus', true, {
    request: (c) => ({ name: c.res.trailArn }),
  }),
  'cloudtrail:LookupEvents': api('cloudtrail', 'LookupEvents', true, {
    request: () => ({
      maxResults: 50,
      lookupAttributes: [{ attributeKey: 'EventName', attributeValue: 'ConsoleLogin' }],
    }),
  }),
  'config:DescribeConfigRules': api('config', 'DescribeConfigRules', true, { request: () => null }),
  'config:DescribeComplianceByConfigRule': api('config', 'DescribeComplianceByConfigRule', true, {
    request: () => ({ complianceTypes: ['NON_COMPLIANT'] }),
  }),
  'guardduty:ListDetectors': api('guardduty', 'ListDetectors', true, { request: () => null }),
  'guardduty:ListFindings': api('guardduty', 'ListFindings', true, {
    request: (c) => ({ detectorId: c.res.detectorId, maxResults: 50 }),
  }),
  'guardduty:GetFindings': api('guardduty', 'GetFindings', true, {
    request: (c) => ({ detectorId: c.res.detectorId, findingIds: [c.rng.hex(32)] }),
  }),
  'securityhub:GetFindings': api('securityhub', 'GetFindings', true, {
    request: () => ({ maxResults: 100, filters: { RecordState: [{ Comparison: 'EQUALS', Value: 'ACTIVE' }] } }),
  }),
  'access-analyzer:ListFindings': api('access-analyzer', 'ListFindings', true, {
    request: (c) => ({ analyzerArn: `arn:aws:access-analyzer:${c.region}:${c.res.account}:analyzer/org-analyzer` }),
  }),
  'route53:ListHostedZones': api('route53', 'ListHostedZones', true, { global: true, request: () => null }),
  'athena:StartQueryExecution': api('athena', 'StartQueryExecution', false, {
    request: (c) => ({
      queryString: pick(c, [
        'SELECT country, count(*) FROM customers GROUP BY 1',
        "SELECT * FROM orders WHERE order_date >= current_date - interval '7' day LIMIT 1000",
        'SELECT segment, avg(lifetime_value) FROM customer_ltv GROUP BY segment',
        'SELECT month, sum(revenue) FROM finance.revenue_by_month GROUP BY month ORDER BY month',
      ]),
      queryExecutionContext: { database: 'analytics' },
      workGroup: 'analysts',
    }),
    response: (c) => ({ queryExecutionId: c.rng.uuid() }),
  }),
  'athena:GetQueryExecution': api('athena', 'GetQueryExecution', true, {
    request: (c) => ({ queryExecutionId: c.rng.uuid() }),
  }),
  'athena:GetQueryResults': api('athena', 'GetQueryResults', true, {
    request: (c) => ({ queryExecutionId: c.rng.uuid(), maxResults: 1000 }),
  }),
  'glue:GetTable': api('glue', 'GetTable', true, {
    request: (c) => ({ databaseName: 'analytics', name: pick(c, ['customers', 'orders', 'customer_ltv', 'sessions']) }),
  }),
  'glue:GetTables': api('glue', 'GetTables', true, { request: () => ({ databaseName: 'analytics' }) }),
  'glue:GetDatabases': api('glue', 'GetDatabases', true, { request: () => null }),
  'glue:GetPartitions': api('glue', 'GetPartitions', true, {
    request: () => ({ databaseName: 'analytics', tableName: 'orders' }),
  }),
  'glue:GetJobRuns': api('glue', 'GetJobRuns', true, { request: () => ({ jobName: 'orders-daily-rollup' }) }),
  'glue:StartJobRun': api('glue', 'StartJobRun', false, {
    request: () => ({ jobName: 'orders-daily-rollup' }),
    response: (c) => ({ jobRunId: `jr_${c.rng.hex(64)}` }),
  }),
  'sagemaker:ListNotebookInstances': api('sagemaker', 'ListNotebookInstances', true, { request: () => null }),
  'sagemaker:CreatePresignedNotebookInstanceUrl': api('sagemaker', 'CreatePresignedNotebookInstanceUrl', false, {
    request: () => ({ notebookInstanceName: 'ds-shared-notebook' }),
  }),
  'ce:GetCostAndUsage': api('ce', 'GetCostAndUsage', true, {
    global: true,
    request: () => ({
      timePeriod: { start: '2026-07-01', end: '2026-10-01' },
      granularity: 'MONTHLY',
      metrics: ['UnblendedCost'],
      groupBy: [{ type: 'DIMENSION', key: 'LINKED_ACCOUNT' }],
    }),
  }),
  'ce:GetCostForecast': api('ce', 'GetCostForecast', true, {
    global: true,
    request: () => ({
      timePeriod: { start: '2026-10-01', end: '2027-01-01' },
      metric: 'UNBLENDED_COST',
      granularity: 'MONTHLY',
    }),
  }),
  'sqs:ListQueues': api('sqs', 'ListQueues', true, { request: () => null }),
  'ssm:UpdateInstanceInformation': api('ssm', 'UpdateInstanceInformation', false, {
    request: (c) => ({
      instanceId: pick(c, c.res.instances),
      agentVersion: '3.3.987.0',
      agentStatus: 'Active',
      platformType: 'Linux',
      platformName: 'Amazon Linux',
      platformVersion: '2023',
    }),
  }),
} as const satisfies Record<string, ApiDef>;

/** The name of an API in the catalogue. */
export type ApiKey = keyof typeof API;

/** A job's API mix: `[weight, api]`. */
export type ApiMix = readonly (readonly [number, ApiKey])[];

/** Developers: their services, logs, stacks, the odd write in development. */
export const DEVELOPER_MIX: ApiMix = [
  [10, 'ec2:DescribeInstances'],
  [4, 'ec2:DescribeSecurityGroups'],
  [2, 'ec2:DescribeVpcs'],
  [2, 'ec2:DescribeSubnets'],
  [8, 'lambda:ListFunctions'],
  [6, 'lambda:GetFunction'],
  [3, 'lambda:UpdateFunctionCode'],
  [6, 'logs:DescribeLogGroups'],
  [3, 'logs:DescribeLogStreams'],
  [6, 'logs:StartQuery'],
  [10, 'logs:GetQueryResults'],
  [5, 'cloudformation:DescribeStacks'],
  [2, 'cloudformation:ListStacks'],
  [3, 'cloudformation:DescribeStackEvents'],
  [3, 'ecr:DescribeRepositories'],
  [2, 'ecr:DescribeImages'],
  [4, 'dynamodb:DescribeTable'],
  [2, 'dynamodb:ListTables'],
  [3, 's3:ListBuckets'],
  [1, 's3:GetBucketLocation'],
  [2, 'sts:GetCallerIdentity'],
  [2, 'secretsmanager:DescribeSecret'],
  [1, 'secretsmanager:ListSecrets'],
  [3, 'ssm:GetParameter'],
  [1, 'ssm:GetParametersByPath'],
  [4, 'cloudwatch:GetMetricData'],
  [2, 'cloudwatch:DescribeAlarms'],
  [4, 'ecs:DescribeServices'],
  [2, 'ecs:ListTasks'],
  [2, 'ecs:DescribeTasks'],
  [2, 'iam:GetRole'],
  [1, 'sqs:ListQueues'],
];

/** SREs: service health, deployments, instances, databases. */
export const SRE_MIX: ApiMix = [
  [10, 'ecs:DescribeServices'],
  [3, 'ecs:ListTasks'],
  [3, 'ecs:DescribeTasks'],
  [2, 'ecs:UpdateService'],
  [8, 'ec2:DescribeInstances'],
  [3, 'ec2:DescribeInstanceStatus'],
  [8, 'cloudwatch:DescribeAlarms'],
  [10, 'cloudwatch:GetMetricData'],
  [5, 'logs:StartQuery'],
  [8, 'logs:GetQueryResults'],
  [3, 'logs:DescribeLogGroups'],
  [4, 'rds:DescribeDBInstances'],
  [2, 'rds:DescribeDBClusters'],
  [3, 'autoscaling:DescribeAutoScalingGroups'],
  [3, 'elasticloadbalancing:DescribeTargetHealth'],
  [2, 'elasticloadbalancing:DescribeLoadBalancers'],
  [2, 'ssm:DescribeInstanceInformation'],
  [1, 'ssm:StartSession'],
  [2, 'sts:GetCallerIdentity'],
  [1, 'iam:GetRole'],
];

/** Data scientists: queries, catalogues, notebooks (their S3 reads are drawn apart). */
export const DATA_SCIENCE_MIX: ApiMix = [
  [8, 'athena:StartQueryExecution'],
  [14, 'athena:GetQueryExecution'],
  [8, 'athena:GetQueryResults'],
  [5, 'glue:GetTable'],
  [3, 'glue:GetTables'],
  [2, 'glue:GetDatabases'],
  [3, 'glue:GetPartitions'],
  [2, 'sagemaker:ListNotebookInstances'],
  [1, 'sagemaker:CreatePresignedNotebookInstanceUrl'],
  [3, 's3:ListBuckets'],
  [1, 'sts:GetCallerIdentity'],
];

/** Data engineers (the contractors): pipelines and the catalogue. */
export const DATA_ENGINEERING_MIX: ApiMix = [
  [6, 'glue:GetJobRuns'],
  [1, 'glue:StartJobRun'],
  [5, 'glue:GetTable'],
  [3, 'glue:GetPartitions'],
  [6, 'athena:StartQueryExecution'],
  [10, 'athena:GetQueryExecution'],
  [5, 'athena:GetQueryResults'],
  [4, 'logs:StartQuery'],
  [6, 'logs:GetQueryResults'],
  [3, 's3:ListBuckets'],
  [2, 'sts:GetCallerIdentity'],
  [2, 'cloudwatch:GetMetricData'],
];

/** Finance: queries and cost reports (their report downloads are drawn apart). */
export const FINANCE_MIX: ApiMix = [
  [6, 'athena:StartQueryExecution'],
  [10, 'athena:GetQueryExecution'],
  [6, 'athena:GetQueryResults'],
  [3, 's3:ListBuckets'],
];

/** Finance in the management account: Cost Explorer. */
export const BILLING_MIX: ApiMix = [
  [8, 'ce:GetCostAndUsage'],
  [3, 'ce:GetCostForecast'],
];

/** Platform admins: reading IAM, the organisation and the estate; changes go through terraform. */
export const ADMIN_MIX: ApiMix = [
  [8, 'iam:ListRoles'],
  [8, 'iam:GetRole'],
  [4, 'iam:ListPolicies'],
  [4, 'iam:GetPolicy'],
  [3, 'iam:GetPolicyVersion'],
  [5, 'iam:ListAttachedRolePolicies'],
  [3, 'iam:ListUsers'],
  [2, 'iam:GetAccountSummary'],
  [3, 'organizations:ListAccounts'],
  [2, 'organizations:DescribeOrganization'],
  [3, 'sso:ListPermissionSets'],
  [2, 'sso:DescribePermissionSet'],
  [2, 'cloudtrail:DescribeTrails'],
  [2, 'cloudtrail:GetTrailStatus'],
  [2, 'config:DescribeConfigRules'],
  [6, 'ec2:DescribeInstances'],
  [3, 'ec2:DescribeVpcs'],
  [2, 'route53:ListHostedZones'],
  [3, 's3:ListBuckets'],
  [2, 'cloudformation:DescribeStacks'],
];

/** Security analysts: findings, compliance, credential reports. */
export const SECURITY_MIX: ApiMix = [
  [4, 'guardduty:ListDetectors'],
  [10, 'guardduty:ListFindings'],
  [10, 'guardduty:GetFindings'],
  [10, 'securityhub:GetFindings'],
  [4, 'config:DescribeComplianceByConfigRule'],
  [3, 'access-analyzer:ListFindings'],
  [2, 'iam:GenerateCredentialReport'],
  [2, 'iam:GetCredentialReport'],
  [3, 'iam:ListUsers'],
  [3, 'iam:ListRoles'],
  [4, 'cloudtrail:LookupEvents'],
  [2, 'cloudtrail:DescribeTrails'],
  [2, 's3:GetBucketPolicy'],
  [2, 's3:ListBuckets'],
];

/** Support engineers: looking, never touching. */
export const SUPPORT_MIX: ApiMix = [
  [6, 'ecs:DescribeServices'],
  [6, 'ec2:DescribeInstances'],
  [6, 'cloudwatch:DescribeAlarms'],
  [6, 'cloudwatch:GetMetricData'],
  [4, 'logs:StartQuery'],
  [6, 'logs:GetQueryResults'],
  [2, 'rds:DescribeDBInstances'],
];

/** Terraform refreshing state before a plan or apply. */
export const TERRAFORM_MIX: ApiMix = [
  [6, 'iam:GetRole'],
  [4, 'iam:ListRolePolicies'],
  [4, 'iam:ListAttachedRolePolicies'],
  [3, 'iam:GetRolePolicy'],
  [3, 'iam:GetPolicy'],
  [3, 'iam:GetPolicyVersion'],
  [4, 'ec2:DescribeVpcs'],
  [4, 'ec2:DescribeSubnets'],
  [4, 'ec2:DescribeSecurityGroups'],
  [3, 's3:GetBucketPolicy'],
  [3, 's3:GetBucketEncryption'],
  [3, 's3:GetBucketVersioning'],
  [3, 'lambda:GetFunction'],
  [2, 'logs:DescribeLogGroups'],
  [3, 'kms:DescribeKey'],
  [2, 'secretsmanager:DescribeSecret'],
  [3, 'dynamodb:DescribeTable'],
  [2, 'dynamodb:DescribeContinuousBackups'],
  [3, 'ecs:DescribeServices'],
  [2, 'ecs:DescribeTaskDefinition'],
  [2, 'elasticloadbalancing:DescribeLoadBalancers'],
  [1, 'route53:ListHostedZones'],
  [1, 'sts:GetCallerIdentity'],
];
