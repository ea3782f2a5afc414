/**
 * What the baseline reads off one event: time slots, the network it came from, the user-agent
 * family, whether the call is sensitive, a discovery call, an S3 read or write.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { VigilEvent } from '../event.ts';

/** Milliseconds in an hour and a day. */
export const HOUR = 3_600_000;
/** Milliseconds in a day. */
export const DAY = 86_400_000;

/** The UTC day number (days since the epoch) of an epoch-ms time. */
export const dayOf = (time: number): number => Math.floor(time / DAY);
/** The hour number (hours since the epoch) of an epoch-ms time. */
export const hourOf = (time: number): number => Math.floor(time / HOUR);
/** Hour of the week in UTC, 0-167, Monday 00:00 = 0. */
export const hourOfWeek = (time: number): number => {
  const date = new Date(time);
  return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
};

/**
 * The network an address belongs to: the /24 of an IPv4 address (`203.0.113`), the /48 of an
 * IPv6 one (`2001:db8:1`). Addresses inside AWS are one network, `aws`: EC2, Lambda and NAT
 * addresses change all the time and say nothing about where a person is.
 */
export const networkOf = (ip: string, isAws: boolean): string | null => {
  if (isAws) return 'aws';
  if (isIPv4(ip)) return ip.slice(0, ip.lastIndexOf('.'));
  if (!isIPv6(ip)) return null;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':');
};

const PENTEST =
  /kali|parrot|pentoo|blackarch|pacu|scoutsuite|scout suite|cloudfox|enumerate-iam|weirdaal|aws_pwn|cloudsploit|stratus-red-team|nmap|sqlmap|metasploit/i;

/**
 * The family of a user agent: the tool, without versions or platform, so upgrades are not news.
 * Pentest tooling (Kali, Pacu, ScoutSuite, ...) is its own family, `pentest`.
 */
export const userAgentFamily = (userAgent: string): string => {
  let family = families.get(userAgent);
  if (family === undefined) {
    family = classify(userAgent);
    if (families.size >= MAX_FAMILIES) families.clear();
    families.set(userAgent, family);
  }
  return family;
};

// User agents repeat: classify each once.
const families = new Map<string, string>();
const MAX_FAMILIES = 4096;

const classify = (userAgent: string): string => {
  const ua = userAgent.trim();
  if (ua === '') return 'none';
  if (PENTEST.test(ua)) return 'pentest';
  if (/^(signin|console)\.amazonaws\.com|console\.aws\.amazon\.com|AWS Internal/i.test(ua)) return 'console';
  if (/terraform|hashicorp/i.test(ua)) return 'terraform';
  if (/aws-cdk|\bcdk\//i.test(ua)) return 'cdk';
  if (/aws-cli\//i.test(ua)) return 'aws-cli';
  if (/boto3|botocore/i.test(ua)) return 'boto3';
  if (/aws-sdk-js|aws-sdk-nodejs|@aws-sdk|aws-sdk-javascript/i.test(ua)) return 'sdk-js';
  if (/aws-sdk-java/i.test(ua)) return 'sdk-java';
  if (/aws-sdk-go/i.test(ua)) return 'sdk-go';
  if (/aws-sdk-dotnet|aws-sdk-net/i.test(ua)) return 'sdk-dotnet';
  if (/aws-sdk-ruby/i.test(ua)) return 'sdk-ruby';
  if (/aws-sdk-php/i.test(ua)) return 'sdk-php';
  if (/aws-sdk-rust/i.test(ua)) return 'sdk-rust';
  if (/powershell/i.test(ua)) return 'powershell';
  if (/amazonaws\.com/i.test(ua)) return 'aws-service';
  if (/mozilla\//i.test(ua)) return 'browser';
  if (/curl|wget|python-requests|go-http-client|okhttp/i.test(ua)) return 'http-client';
  const token =
    ua
      .split(/[\s/(]/)[0]
      ?.toLowerCase()
      .replace(/[^a-z0-9._-]/g, '') ?? '';
  return token === '' ? 'other' : `other:${token.slice(0, 24)}`;
};

/** The event name without the API version CloudTrail appends (`GetFunction20150331v2` -> `GetFunction`). */
export const apiName = (event: VigilEvent): string => {
  let name = apiNames.get(event.api);
  if (name === undefined) {
    name = `${event.api.split(':')[0]}:${event.name.replace(/\d{8}(v\d+)?$/, '')}`;
    if (apiNames.size >= MAX_FAMILIES) apiNames.clear();
    apiNames.set(event.api, name);
  }
  return name;
};

const apiNames = new Map<string, string>();

/**
 * Calls that change who can do what, reveal secrets, blind the logs or open data to others.
 * First use of one of these by a principal is worth a look.
 */
export const SENSITIVE_APIS: ReadonlySet<string> = new Set([
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachGroupPolicy',
  'iam:PutUserPolicy',
  'iam:PutRolePolicy',
  'iam:PutGroupPolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:AddUserToGroup',
  'iam:DeactivateMFADevice',
  'iam:DeleteVirtualMFADevice',
  'iam:DeleteUserPermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:CreateSAMLProvider',
  'iam:UpdateSAMLProvider',
  'iam:CreateOpenIDConnectProvider',
  'sts:GetFederationToken',
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'secretsmanager:PutResourcePolicy',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:PutKeyPolicy',
  'kms:CreateGrant',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketAcl',
  's3:PutObjectAcl',
  's3:PutBucketPublicAccessBlock',
  's3:DeleteBucketPublicAccessBlock',
  's3:PutBucketReplication',
  's3control:PutPublicAccessBlock',
  's3control:DeletePublicAccessBlock',
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'guardduty:DeleteDetector',
  'guardduty:UpdateDetector',
  'guardduty:DisassociateFromMasterAccount',
  'guardduty:DisassociateFromAdministratorAccount',
  'config:StopConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'logs:DeleteLogGroup',
  'ec2:ModifySnapshotAttribute',
  'ec2:ModifyImageAttribute',
  'ec2:GetPasswordData',
  'rds:ModifyDBSnapshotAttribute',
  'rds:ModifyDBClusterSnapshotAttribute',
  'lambda:AddPermission',
  'organizations:LeaveOrganization',
  'sso:AttachManagedPolicyToPermissionSet',
  'sso:PutInlinePolicyToPermissionSet',
  'sso:CreateAccountAssignment',
  'identitystore:CreateUser',
]);

/** True for a management read that enumerates: List*, Describe*, Get* (not S3 object reads). */
export const isDiscovery = (event: VigilEvent): boolean =>
  event.category !== 'Data' &&
  /^(List|Describe|Get|Search|BatchGet)/.test(event.name) &&
  !event.name.startsWith('GetObject');

const S3_READS = new Set([
  'GetObject',
  'HeadObject',
  'ListObjects',
  'ListObjectsV2',
  'ListObjectVersions',
  'SelectObjectContent',
  'GetObjectTorrent',
]);
const S3_WRITES = new Set([
  'PutObject',
  'CopyObject',
  'CompleteMultipartUpload',
  'DeleteObject',
  'DeleteObjects',
  'RestoreObject',
  'PutObjectTagging',
]);

/** What an S3 data event did to which bucket, or null for anything else. */
export const s3Access = (event: VigilEvent): { bucket: string; write: boolean; objectRead: boolean } | null => {
  if (event.source !== 's3.amazonaws.com' || event.category !== 'Data') return null;
  const bucket = event.request.bucketName;
  if (typeof bucket !== 'string' || bucket === '') return null;
  if (S3_READS.has(event.name))
    return { bucket, write: false, objectRead: event.name === 'GetObject' && event.errorCode === null };
  if (S3_WRITES.has(event.name)) return { bucket, write: true, objectRead: false };
  return null;
};
