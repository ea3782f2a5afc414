import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import { normaliseRecord, resolvePrincipal } from '../../lambdas/core/normalise.ts';

const base = (
  userIdentity: CloudTrailRecord['userIdentity'],
  extra: Partial<CloudTrailRecord> = {},
): CloudTrailRecord => ({
  eventVersion: '1.09',
  userIdentity,
  eventTime: '2026-10-05T09:15:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'ListUsers',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  userAgent: 'aws-cli/2.15.0',
  eventID: '11111111-2222-3333-4444-555555555555',
  readOnly: true,
  eventType: 'AwsApiCall',
  recipientAccountId: '111122223333',
  ...extra,
});

describe('resolvePrincipal', () => {
  it.each([
    {
      name: 'IAM user',
      identity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLE',
        arn: 'arn:aws:iam::111122223333:user/alice',
        accountId: '111122223333',
        userName: 'alice',
      },
      expected: {
        key: 'user:111122223333:alice',
        type: 'IAMUser',
        name: 'alice',
        accountId: '111122223333',
        arn: 'arn:aws:iam::111122223333:user/alice',
        context: {},
      },
    },
    {
      name: 'root',
      identity: {
        type: 'Root',
        principalId: '111122223333',
        arn: 'arn:aws:iam::111122223333:root',
        accountId: '111122223333',
      },
      expected: {
        key: 'root:111122223333',
        type: 'Root',
        name: 'root',
        accountId: '111122223333',
        arn: 'arn:aws:iam::111122223333:root',
        context: {},
      },
    },
    {
      name: 'Identity Center person behind AWSReservedSSO',
      identity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:Bob@Example.com',
        arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataScientist_0123456789abcdef/Bob@Example.com',
        accountId: '111122223333',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            arn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataScientist_0123456789abcdef',
            accountId: '111122223333',
            userName: 'AWSReservedSSO_DataScientist_0123456789abcdef',
          },
        },
      },
      expected: {
        key: 'person:bob@example.com',
        type: 'IdentityCenterUser',
        name: 'bob@example.com',
        accountId: '111122223333',
        arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataScientist_0123456789abcdef/Bob@Example.com',
        context: {
          roleName: 'AWSReservedSSO_DataScientist_0123456789abcdef',
          roleArn:
            'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataScientist_0123456789abcdef',
          sessionName: 'Bob@Example.com',
          permissionSet: 'DataScientist',
        },
      },
    },
    {
      name: 'role session with sourceIdentity',
      identity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci-123',
        accountId: '111122223333',
        sessionContext: {
          sourceIdentity: 'carol',
          sessionIssuer: {
            userName: 'deploy',
            accountId: '111122223333',
            arn: 'arn:aws:iam::111122223333:role/deploy',
          },
        },
      },
      expected: {
        key: 'person:carol',
        type: 'AssumedRole',
        name: 'carol',
        accountId: '111122223333',
        arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci-123',
        context: {
          roleName: 'deploy',
          roleArn: 'arn:aws:iam::111122223333:role/deploy',
          sessionName: 'ci-123',
          sourceIdentity: 'carol',
        },
      },
    },
    {
      name: 'EC2 instance role',
      identity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/web-server/i-0abc123def4567890',
        accountId: '111122223333',
        sessionContext: {
          ec2RoleDelivery: '2.0',
          sessionIssuer: {
            userName: 'web-server',
            accountId: '111122223333',
            arn: 'arn:aws:iam::111122223333:role/web-server',
          },
        },
      },
      expected: {
        key: 'role:111122223333:web-server',
        type: 'AssumedRole',
        name: 'web-server',
        accountId: '111122223333',
        arn: 'arn:aws:sts::111122223333:assumed-role/web-server/i-0abc123def4567890',
        context: {
          roleName: 'web-server',
          roleArn: 'arn:aws:iam::111122223333:role/web-server',
          sessionName: 'i-0abc123def4567890',
          instanceId: 'i-0abc123def4567890',
        },
      },
    },
    {
      name: 'CI role session without a person',
      identity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/github-actions/GitHubActions',
        accountId: '111122223333',
        sessionContext: { sessionIssuer: { userName: 'github-actions', accountId: '111122223333' } },
      },
      expected: {
        key: 'role:111122223333:github-actions',
        type: 'AssumedRole',
        name: 'github-actions',
        accountId: '111122223333',
        arn: 'arn:aws:sts::111122223333:assumed-role/github-actions/GitHubActions',
        context: { roleName: 'github-actions', sessionName: 'GitHubActions' },
      },
    },
    {
      name: 'federated user',
      identity: {
        type: 'FederatedUser',
        principalId: '111122223333:dave',
        arn: 'arn:aws:sts::111122223333:federated-user/dave',
        accountId: '111122223333',
      },
      expected: {
        key: 'federated:111122223333:dave',
        type: 'FederatedUser',
        name: 'dave',
        accountId: '111122223333',
        arn: 'arn:aws:sts::111122223333:federated-user/dave',
        context: {},
      },
    },
    {
      name: 'SAML user',
      identity: { type: 'SAMLUser', principalId: 'x:erin', userName: 'erin', identityProvider: 'okta' },
      expected: {
        key: 'saml:okta:erin',
        type: 'SAMLUser',
        name: 'erin',
        accountId: '111122223333',
        arn: null,
        context: { identityProvider: 'okta' },
      },
    },
    {
      name: 'cross-account caller',
      identity: { type: 'AWSAccount', principalId: 'AIDAOTHER', accountId: '999988887777' },
      expected: {
        key: 'account:999988887777',
        type: 'AWSAccount',
        name: 'account 999988887777',
        accountId: '999988887777',
        arn: null,
        context: {},
      },
    },
    {
      name: 'failed console sign-in without an ARN',
      identity: {
        type: 'IAMUser',
        principalId: '',
        accountId: '111122223333',
        accessKeyId: '',
        userName: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      },
      expected: {
        key: 'unknown:111122223333',
        type: 'Unknown',
        name: 'unknown user',
        accountId: '111122223333',
        arn: null,
        context: {},
      },
    },
  ])('resolves $name', ({ identity, expected }) => {
    // Act
    const result = resolvePrincipal(base(identity as CloudTrailRecord['userIdentity']));
    // Assess
    expect(result).toEqual({ ok: true, principal: expected });
  });

  it('counts AWS service events apart instead of scoring them', () => {
    expect(resolvePrincipal(base({ type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' }))).toEqual({
      ok: false,
      service: true,
      reason: 'AWS service event (cloudtrail.amazonaws.com)',
    });
  });
});

describe('normaliseRecord', () => {
  const alice = {
    type: 'IAMUser',
    arn: 'arn:aws:iam::111122223333:user/alice',
    accountId: '111122223333',
    userName: 'alice',
  };

  it('normalises the fields the core reads', () => {
    const record = base(alice, {
      eventName: 'GetObject',
      eventSource: 's3.amazonaws.com',
      eventCategory: 'Data',
      additionalEventData: { bytesTransferredOut: 2048 },
      requestParameters: { bucketName: 'acme-customer-data', key: 'a.csv' },
      errorCode: 'AccessDenied',
    });
    const result = normaliseRecord(record, { file: 'f.json', position: 'record 3' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { raw: _raw, principal: _principal, ...event } = result.event;
    expect(event).toEqual({
      id: '11111111-2222-3333-4444-555555555555',
      time: Date.parse('2026-10-05T09:15:00Z'),
      timeIso: '2026-10-05T09:15:00.000Z',
      source: 's3.amazonaws.com',
      name: 'GetObject',
      api: 's3:GetObject',
      region: 'us-east-1',
      accountId: '111122223333',
      sourceIp: '203.0.113.7',
      sourceService: null,
      userAgent: 'aws-cli/2.15.0',
      errorCode: 'AccessDenied',
      errorMessage: null,
      accessDenied: true,
      readOnly: true,
      eventType: 'AwsApiCall',
      category: 'Data',
      mfa: null,
      accessKeyId: null,
      request: { bucketName: 'acme-customer-data', key: 'a.csv' },
      response: {},
      additional: { bytesTransferredOut: 2048 },
      resources: [],
      bytesOut: 2048,
      vpcEndpointId: null,
      eventVersion: '1.09',
      origin: { file: 'f.json', position: 'record 3' },
    });
  });

  it.each([
    [
      'a service name as source address',
      { sourceIPAddress: 'ec2.amazonaws.com' },
      { sourceIp: null, sourceService: 'ec2.amazonaws.com' },
    ],
    ['garbage as source address', { sourceIPAddress: '999.1.1.1' }, { sourceIp: null, sourceService: null }],
    ['an IPv6 source address', { sourceIPAddress: '2001:db8::1' }, { sourceIp: '2001:db8::1', sourceService: null }],
    [
      'an unknown region and a future event version',
      { awsRegion: undefined, eventVersion: '9.99' },
      { region: 'unknown', eventVersion: '9.99' },
    ],
  ])('copes with %s', (_name, extra, expected) => {
    const result = normaliseRecord(base(alice, extra as Partial<CloudTrailRecord>));
    expect(result.ok && result.event).toMatchObject(expected);
  });

  it('marks a failed console sign-in as an error and reads MFA from additionalEventData', () => {
    const result = normaliseRecord(
      base(alice, {
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        responseElements: { ConsoleLogin: 'Failure' },
        additionalEventData: { MFAUsed: 'No' },
      }),
    );
    expect(result.ok && [result.event.errorCode, result.event.errorMessage, result.event.mfa]).toEqual([
      'Failure',
      'Failed authentication',
      false,
    ]);
  });

  it('gives a record without an eventID a stable synthetic id', () => {
    const record = base(alice, { eventID: undefined });
    const a = normaliseRecord(record);
    const b = normaliseRecord(structuredClone(record));
    expect(a.ok && a.event.id).toMatch(/^synthetic-[0-9a-f]{32}$/);
    expect(a.ok && b.ok && a.event.id === b.event.id).toBe(true);
  });

  it.each([
    ['no eventTime', { eventTime: undefined }, 'record has no eventTime'],
    ['a bad eventTime', { eventTime: 'yesterday' }, 'eventTime "yesterday" is not an ISO-8601 time'],
    ['no eventSource', { eventSource: undefined }, 'record has no eventSource'],
    ['no eventName', { eventName: undefined }, 'record has no eventName'],
    ['no userIdentity', { userIdentity: undefined }, 'record has no userIdentity'],
  ])('rejects a record with %s, naming the field', (_name, extra, reason) => {
    expect(normaliseRecord(base(alice, extra as Partial<CloudTrailRecord>))).toEqual({
      ok: false,
      service: false,
      reason,
    });
  });

  it('rejects values that are not objects without throwing', () => {
    expect(normaliseRecord(42 as unknown as CloudTrailRecord)).toEqual({
      ok: false,
      service: false,
      reason: 'record is not a JSON object',
    });
    expect(normaliseRecord(null as unknown as CloudTrailRecord)).toEqual({
      ok: false,
      service: false,
      reason: 'record is not a JSON object',
    });
  });
});
