/**
 * Builders for CloudTrail records shaped as AWS writes them: the userIdentity of every identity
 * kind the organisation uses, API calls, S3 data events and console sign-ins. Identities are built
 * once per session and shared by the records of that session, which keeps large corpora small in
 * memory; records are read-only once built.
 */
import type { CloudTrailRecord, CloudTrailUserIdentity } from '../../lambdas/core/cloudtrail.ts';
import type { Rng } from './random.ts';
import { awsDate, cloudTrailTime, HOUR } from './time.ts';

/** One API call before it gets its eventID and requestID. */
export interface Call {
  readonly identity: CloudTrailUserIdentity;
  readonly account: string;
  readonly region: string;
  readonly ip: string;
  readonly userAgent: string;
  readonly source: string;
  readonly name: string;
  readonly readOnly: boolean;
  readonly request: Record<string, unknown> | null;
  readonly response?: Record<string, unknown> | null;
  readonly additional?: Record<string, unknown>;
  readonly resources?: CloudTrailRecord['resources'];
  /** A failed call; a failed console sign-in has a message and no code, as CloudTrail writes it. */
  readonly error?: { readonly code?: string; readonly message: string };
  readonly eventType?: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  /** S3 object-level events are data events. */
  readonly data?: boolean;
  /** The call came from the console: CloudTrail marks the session credential. */
  readonly console?: boolean;
  readonly vpcEndpointId?: string;
}

/** Fresh identifiers for a record: drawn when the record is written so they follow output order. */
export interface RecordIds {
  uuid(): string;
  s3RequestId(): string;
}

/** Ids from a seeded stream. */
export const recordIds = (rng: Rng): RecordIds => ({
  uuid: () => rng.uuid(),
  s3RequestId: () => rng.hex(16).toUpperCase(),
});

const EVENT_VERSION = '1.09';
const DATA_EVENT_VERSION = '1.10';

/**
 * Writes the record with its fields in the order CloudTrail writes them. `requestID` and `eventID`
 * are left empty for `assignIds`, which draws them in output order.
 */
export const toRecord = (t: number, call: Call): CloudTrailRecord => {
  const s3Data = call.data === true;
  const tls =
    call.source !== 'signin.amazonaws.com' && !call.ip.endsWith('amazonaws.com') && call.ip !== 'AWS Internal'
      ? tlsDetails(hostHeader(call))
      : undefined;
  // One literal in CloudTrail's field order: absent fields are undefined, which JSON leaves out,
  // so every record shares one shape (generation allocates and builds ~100k of them).
  return {
    eventVersion: s3Data ? DATA_EVENT_VERSION : EVENT_VERSION,
    userIdentity: call.identity,
    eventTime: cloudTrailTime(t),
    eventSource: call.source,
    eventName: call.name,
    awsRegion: call.region,
    sourceIPAddress: call.ip,
    userAgent: call.userAgent,
    errorCode: call.error?.code || undefined,
    errorMessage: call.error?.message,
    requestParameters: call.request,
    responseElements: call.error?.code ? null : (call.response ?? null),
    additionalEventData: call.additional,
    requestID: '',
    eventID: '',
    readOnly: call.readOnly,
    resources: call.resources,
    eventType: call.eventType ?? 'AwsApiCall',
    managementEvent: !s3Data,
    recipientAccountId: call.account,
    vpcEndpointId: call.vpcEndpointId,
    eventCategory: s3Data ? 'Data' : 'Management',
    tlsDetails: tls,
    sessionCredentialFromConsole: call.console ? 'true' : undefined,
  };
};

const tlsByHost = new Map<string, Record<string, unknown>>();

/** TLS details are the same for every call to a host; one shared object keeps large corpora small. */
const tlsDetails = (host: string): Record<string, unknown> => {
  let details = tlsByHost.get(host);
  if (!details) {
    details = Object.freeze({
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: host,
    });
    tlsByHost.set(host, details);
  }
  return details;
};

/** Fills in a record's `requestID` (S3's 16-digit form on data events) and `eventID`. */
export const assignIds = (record: CloudTrailRecord, ids: RecordIds): CloudTrailRecord => {
  record.requestID = record.eventCategory === 'Data' ? ids.s3RequestId() : ids.uuid();
  record.eventID = ids.uuid();
  return record;
};

const hostHeader = (call: Call): string => {
  const service = call.source.replace('.amazonaws.com', '');
  if (service === 's3' && call.request && typeof call.request.bucketName === 'string') {
    return `${call.request.bucketName}.s3.${call.region}.amazonaws.com`;
  }
  if (service === 'iam' || service === 'organizations' || service === 'route53' || service === 'ce') {
    return `${service}.amazonaws.com`;
  }
  if (service === 'monitoring') return `monitoring.${call.region}.amazonaws.com`;
  return `${service}.${call.region}.amazonaws.com`;
};

/** An IAM unique id: a four-letter prefix and 17 characters. */
export const uniqueId = (rng: Rng, prefix: 'AIDA' | 'AROA'): string => `${prefix}${rng.upperAlnum(17)}`;

/** An access key id: `AKIA` for long-term keys, `ASIA` for session credentials. */
export const accessKeyId = (rng: Rng, prefix: 'AKIA' | 'ASIA'): string => `${prefix}${rng.base32(16)}`;

/** A role as IAM knows it. */
export interface RoleRef {
  readonly account: string;
  readonly name: string;
  /** Path including slashes, e.g. `/aws-reserved/sso.amazonaws.com/eu-west-1/`. */
  readonly path: string;
  readonly roleId: string;
}

/** The ARN of a role. */
export const roleArn = (role: RoleRef): string => `arn:aws:iam::${role.account}:role${role.path}${role.name}`;

/** A session of an assumed role: Identity Center, role chaining with a source identity, CI, EC2, Lambda. */
export const assumedRoleIdentity = (
  role: RoleRef,
  session: {
    readonly name: string;
    readonly accessKeyId: string;
    readonly created: number;
    readonly mfa?: boolean;
    readonly sourceIdentity?: string;
    readonly webIdentityProvider?: string;
    readonly ec2?: boolean;
    readonly invokedBy?: string;
  },
): CloudTrailUserIdentity => {
  const identity: CloudTrailUserIdentity = {
    type: 'AssumedRole',
    principalId: `${role.roleId}:${session.name}`,
    arn: `arn:aws:sts::${role.account}:assumed-role/${role.name}/${session.name}`,
    accountId: role.account,
    accessKeyId: session.accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: role.roleId,
        arn: roleArn(role),
        accountId: role.account,
        userName: role.name,
      },
      webIdFederationData: session.webIdentityProvider
        ? { federatedProvider: session.webIdentityProvider, attributes: {} }
        : {},
      attributes: { creationDate: cloudTrailTime(session.created), mfaAuthenticated: session.mfa ? 'true' : 'false' },
    },
  };
  if (session.sourceIdentity && identity.sessionContext)
    identity.sessionContext.sourceIdentity = session.sourceIdentity;
  if (session.ec2 && identity.sessionContext) identity.sessionContext.ec2RoleDelivery = '2.0';
  if (session.invokedBy) identity.invokedBy = session.invokedBy;
  return identity;
};

/** An IAM user calling with a long-term key, or with session credentials from GetSessionToken. */
export const iamUserIdentity = (
  user: { readonly account: string; readonly userName: string; readonly userId: string },
  key: string,
  session?: { readonly created: number; readonly mfa: boolean },
): CloudTrailUserIdentity => {
  const identity: CloudTrailUserIdentity = {
    type: 'IAMUser',
    principalId: user.userId,
    arn: `arn:aws:iam::${user.account}:user/${user.userName}`,
    accountId: user.account,
    accessKeyId: key,
    userName: user.userName,
  };
  if (session) {
    identity.sessionContext = {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: cloudTrailTime(session.created), mfaAuthenticated: session.mfa ? 'true' : 'false' },
    };
  }
  return identity;
};

/** An IAM user as a console sign-in records it: no key; a failed attempt also has no ARN. */
export const signInIdentity = (
  user: { readonly account: string; readonly userName: string; readonly userId: string },
  success: boolean,
): CloudTrailUserIdentity =>
  success
    ? {
        type: 'IAMUser',
        principalId: user.userId,
        arn: `arn:aws:iam::${user.account}:user/${user.userName}`,
        accountId: user.account,
        userName: user.userName,
      }
    : { type: 'IAMUser', principalId: user.userId, accountId: user.account, accessKeyId: '', userName: user.userName };

/** The account's root user; `key` is absent for a console sign-in itself. */
export const rootIdentity = (
  account: string,
  key?: string,
  session?: { readonly created: number; readonly mfa: boolean },
): CloudTrailUserIdentity => {
  const identity: CloudTrailUserIdentity = {
    type: 'Root',
    principalId: account,
    arn: `arn:aws:iam::${account}:root`,
    accountId: account,
  };
  if (key) identity.accessKeyId = key;
  if (session) {
    identity.sessionContext = {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: cloudTrailTime(session.created), mfaAuthenticated: session.mfa ? 'true' : 'false' },
    };
  }
  return identity;
};

/** An AWS service acting on its own (assuming a Lambda's role, writing log files). */
export const serviceIdentity = (service: string): CloudTrailUserIdentity => ({
  type: 'AWSService',
  invokedBy: service,
});

/** The caller of AssumeRoleWithWebIdentity: the OIDC subject, e.g. a GitHub Actions workflow. */
export const webIdentityUser = (providerArn: string, subject: string): CloudTrailUserIdentity => ({
  type: 'WebIdentityUser',
  principalId: `${providerArn}:sts.amazonaws.com:${subject}`,
  userName: subject,
  identityProvider: providerArn,
});

/** `sts:AssumeRole` made by an AWS service for a role it runs (Lambda, ECS tasks, EC2). */
export const serviceAssumeRole = (
  rng: Rng,
  service: string,
  role: RoleRef,
  sessionName: string,
  region: string,
  t: number,
): Call => ({
  identity: serviceIdentity(service),
  account: role.account,
  region,
  ip: service,
  userAgent: service,
  source: 'sts.amazonaws.com',
  name: 'AssumeRole',
  readOnly: true,
  request: { roleArn: roleArn(role), roleSessionName: sessionName },
  response: {
    credentials: {
      accessKeyId: accessKeyId(rng, 'ASIA'),
      sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
      expiration: awsDate(t + 6 * HOUR),
    },
    assumedRoleUser: {
      assumedRoleId: `${role.roleId}:${sessionName}`,
      arn: `arn:aws:sts::${role.account}:assumed-role/${role.name}/${sessionName}`,
    },
  },
  resources: [{ accountId: role.account, type: 'AWS::IAM::Role', ARN: roleArn(role) }],
  eventType: 'AwsServiceEvent',
});

/** A console sign-in; `mfaUsed` is what CloudTrail writes, `No` for every Identity Center sign-in. */
export const consoleLogin = (
  identity: CloudTrailUserIdentity,
  account: string,
  ip: string,
  browser: string,
  opts: { readonly mfaUsed: boolean; readonly success: boolean },
): Call => ({
  identity,
  account,
  region: 'us-east-1',
  ip,
  userAgent: browser,
  source: 'signin.amazonaws.com',
  name: 'ConsoleLogin',
  readOnly: false,
  request: null,
  response: { ConsoleLogin: opts.success ? 'Success' : 'Failure' },
  additional: {
    LoginTo: 'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1',
    MobileVersion: 'No',
    MFAUsed: opts.mfaUsed ? 'Yes' : 'No',
  },
  eventType: 'AwsConsoleSignIn',
  ...(opts.success ? {} : { error: { message: 'Failed authentication' } }),
});

const buckets = new Map<string, { accountId: string; type: string; ARN: string }>();

/** The bucket entry of an object event's resources: the same for every event on the bucket, so shared. */
const bucketResource = (bucket: string, account: string) => {
  let resource = buckets.get(`${account}/${bucket}`);
  if (!resource) {
    resource = Object.freeze({ accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` });
    buckets.set(`${account}/${bucket}`, resource);
  }
  return resource;
};

const brackets = new Map<string, string>();
const bracketed = (userAgent: string): string => {
  let value = brackets.get(userAgent);
  if (value === undefined) {
    value = `[${userAgent}]`;
    brackets.set(userAgent, value);
  }
  return value;
};

/** Who makes an S3 data event, from where, with what. */
export type S3Caller = Pick<Call, 'identity' | 'account' | 'region' | 'ip' | 'userAgent'>;

/** S3 `GetObject`, `PutObject` or `ListObjects`: a data event with bytes transferred. */
export const s3DataEvent = (
  base: S3Caller,
  op: 'GetObject' | 'PutObject' | 'ListObjects' | 'HeadObject',
  bucket: string,
  bucketAccount: string,
  key: string,
  bytes: number,
  rng: Rng,
): Call => {
  const host = `${bucket}.s3.${base.region}.amazonaws.com`;
  const list = op === 'ListObjects';
  const request: Record<string, unknown> = list
    ? { bucketName: bucket, Host: host, 'list-type': '2', prefix: key, delimiter: '/', 'encoding-type': 'url' }
    : { bucketName: bucket, Host: host, key };
  const resources: NonNullable<CloudTrailRecord['resources']> = list
    ? [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}`, accountId: bucketAccount }]
    : [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` }, bucketResource(bucket, bucketAccount)];
  return {
    ...base,
    // S3 writes the caller's user agent in brackets on data events.
    userAgent: bracketed(base.userAgent),
    source: 's3.amazonaws.com',
    name: op,
    readOnly: op !== 'PutObject',
    request,
    response: null,
    additional: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: op === 'PutObject' ? bytes : 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': `${rng.hex(24)}/${rng.hex(20)}=`,
      bytesTransferredOut: op === 'GetObject' || list ? bytes : 0,
    },
    resources,
    data: true,
  };
};
