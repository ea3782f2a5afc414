/**
 * Deterministic CloudTrail-shaped records for the ingest tests and the splitter benchmark: the
 * field mix of real management and S3 data events, with strings that trip naive splitters
 * (brackets, braces, escaped quotes, backslashes, non-ASCII).
 */
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';

const TRICKY_AGENT = 'Mozilla/5.0 "quoted" {braces} [brackets] \\ back\\\\slash ünïcödé 日本 😀 },{"Records":[';

/** The record numbered `i`: one second after record `i - 1`, every 7th an S3 data event. */
export const sampleRecord = (i: number): CloudTrailRecord => {
  const time = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace('.000Z', 'Z');
  const s3 = i % 7 === 0;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE${i % 100}:alice${i % 50}@example.com`,
      arn: `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_abc/alice${i % 50}@example.com`,
      accountId: '123456789012',
      accessKeyId: `ASIA${String(i).padStart(16, '0')}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLE',
          arn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abc',
          accountId: '123456789012',
          userName: 'AWSReservedSSO_Admin_abc',
        },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
      },
    },
    eventTime: time,
    eventSource: s3 ? 's3.amazonaws.com' : 'iam.amazonaws.com',
    eventName: s3 ? 'GetObject' : 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: `203.0.113.${i % 250}`,
    userAgent:
      i % 5 === 3
        ? TRICKY_AGENT
        : 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2 prompt/off command/iam.list-users',
    requestParameters: s3
      ? { bucketName: 'secret-bucket', Host: 'secret-bucket.s3.us-east-1.amazonaws.com', key: `data/file-${i}.csv` }
      : { maxItems: 100, pathPrefix: '/' },
    responseElements: null,
    ...(s3
      ? {
          additionalEventData: {
            SignatureVersion: 'SigV4',
            CipherSuite: 'TLS_AES_128_GCM_SHA256',
            bytesTransferredIn: 0,
            AuthenticationMethod: 'AuthHeader',
            bytesTransferredOut: 12345 + i,
          },
          resources: [
            { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::secret-bucket/data/file-${i}.csv` },
            { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::secret-bucket' },
          ],
        }
      : {}),
    requestID: `REQ${String(i).padStart(12, '0')}`,
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: !s3,
    recipientAccountId: '123456789012',
    eventCategory: s3 ? 'Data' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'iam.amazonaws.com',
    },
  };
};

/** Records `from` to `from + count - 1`. */
export const sampleRecords = (count: number, from = 0): CloudTrailRecord[] =>
  Array.from({ length: count }, (_, k) => sampleRecord(from + k));

/** A CloudTrail log file as delivered to S3. */
export const logFile = (records: readonly unknown[]): string => JSON.stringify({ Records: records });

/** An EventBridge event as the default bus delivers a CloudTrail record. */
export const envelope = (
  record: CloudTrailRecord,
  detailType = 'AWS API Call via CloudTrail',
): Record<string, unknown> => ({
  version: '0',
  id: `eb-${String(record.eventID)}`,
  'detail-type': detailType,
  source: `aws.${String(record.eventSource).split('.')[0]}`,
  account: '123456789012',
  time: record.eventTime,
  region: 'us-east-1',
  resources: [],
  detail: record,
});
