/** CloudTrail records and the SQS messages that carry them to the scorer, as AWS delivers them. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { CloudTrailRecord } from '../../../lambdas/core/cloudtrail.ts';

export const ACCOUNT = '111122223333';
export const TRAIL_BUCKET = 'vigil-trail-bucket';

/** The root user signing in to the console without MFA. */
export const rootSignIn: CloudTrailRecord = {
  eventVersion: '1.09',
  userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
  eventTime: '2026-10-05T09:15:00Z',
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  requestParameters: null,
  responseElements: { ConsoleLogin: 'Success' },
  additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com/' },
  eventID: 'root-signin-1',
  readOnly: false,
  eventType: 'AwsConsoleSignIn',
  managementEvent: true,
  recipientAccountId: ACCOUNT,
  eventCategory: 'Management',
};

/** An IAM user's call, `name` on `source`. */
export const userCall = (
  id: string,
  time: string,
  source: string,
  name: string,
  request: Record<string, unknown> | null = null,
): CloudTrailRecord => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEMALLORY01',
    arn: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    accountId: ACCOUNT,
    accessKeyId: 'AKIAEXAMPLEMALLORY01',
    userName: 'mallory',
  },
  eventTime: time,
  eventSource: source,
  eventName: name,
  awsRegion: 'eu-west-1',
  sourceIPAddress: '198.51.100.20',
  userAgent: 'aws-cli/2.17.0',
  requestParameters: request,
  responseElements: null,
  eventID: id,
  readOnly: name.startsWith('List') || name.startsWith('Get') || name.startsWith('Describe'),
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCOUNT,
  eventCategory: 'Management',
});

/** mallory stops the organisation's trail. */
export const stopLogging = userCall('stop-1', '2026-10-05T10:00:00Z', 'cloudtrail.amazonaws.com', 'StopLogging', {
  name: 'org-trail',
});

/** An SQS message. */
export const sqsRecord = (messageId: string, body: string, queue = 'vigil-fast'): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1791191700000',
    SenderId: 'AIDAEVENTBRIDGE',
    ApproximateFirstReceiveTimestamp: '1791191700001',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:${queue}`,
  awsRegion: 'us-east-1',
});

/** The fast path's message: the EventBridge event CloudTrail put on the default bus. */
export const fastMessage = (messageId: string, record: CloudTrailRecord): SQSRecord =>
  sqsRecord(
    messageId,
    JSON.stringify({
      version: '0',
      id: `eb-${messageId}`,
      'detail-type':
        record.eventType === 'AwsConsoleSignIn' ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
      source: `aws.${String(record.eventSource).replace('.amazonaws.com', '')}`,
      account: ACCOUNT,
      time: record.eventTime,
      region: record.awsRegion,
      resources: [],
      detail: record,
    }),
  );

/** A log file's key, as CloudTrail names it. */
export const logKey = (suffix: string): string =>
  `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2026/10/05/${ACCOUNT}_CloudTrail_eu-west-1_20261005T1005Z_${suffix}.json.gz`;

/** The bulk path's message: S3's "Object Created" event for a log file. */
export const fileMessage = (messageId: string, key: string, etag = `etag-${messageId}`): SQSRecord =>
  sqsRecord(
    messageId,
    JSON.stringify({
      version: '0',
      id: `s3-${messageId}`,
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: ACCOUNT,
      time: '2026-10-05T10:05:00Z',
      region: 'us-east-1',
      resources: [`arn:aws:s3:::${TRAIL_BUCKET}`],
      detail: {
        version: '0',
        bucket: { name: TRAIL_BUCKET },
        object: { key, size: 1024, etag, sequencer: '0062E99A88DC407460' },
        'request-id': 'N4N7GDK58NMKJ12R',
        requester: ACCOUNT,
        'source-ip-address': '203.0.113.15',
        reason: 'PutObject',
      },
    }),
    'vigil-bulk',
  );

/** A log file's body as S3 returns it: gzipped `{"Records":[...]}`, streamed. */
export const logFileBody = (records: readonly unknown[]): Readable =>
  Readable.from([gzipSync(JSON.stringify({ Records: records }))]);

/** An SQS event of `records`. */
export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
