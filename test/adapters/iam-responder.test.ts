import {
  AttachUserPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { IamResponder } from '../../lambdas/adapters/iam-responder.ts';
import { denyAllPolicy } from '../../lambdas/core/response/policies.ts';
import type { ActionSpec, PlannedAction } from '../../lambdas/core/response/types.ts';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const AT = Date.parse('2025-03-04T10:06:00.000Z');
const at = () => AT;

const noSuchEntity = () =>
  new NoSuchEntityException({ message: 'The user policy with name VigilDenyAll cannot be found.', $metadata: {} });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

const planned = (spec: ActionSpec): PlannedAction => ({
  id: spec.kind,
  target: 'arn:aws:iam::111122223333:user/mallory',
  description: spec.kind,
  spec,
});

/** A responder whose backoff is recorded, not slept. */
const responder = () => {
  const sleeps: number[] = [];
  const r = new IamResponder(new IAMClient({}), {
    s3: new S3Client({}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
  });
  return { r, sleeps };
};

beforeEach(() => {
  iam.reset();
  s3.reset();
});

describe('IamResponder.apply', () => {
  it('attaches the deny-all inline policy, recording that there was none', async () => {
    iam.on(GetUserPolicyCommand).rejects(noSuchEntity());
    iam.on(PutUserPolicyCommand).resolves({});
    const { r } = responder();

    const record = await r.apply(
      planned({ kind: 'deny-all-user', userName: 'mallory', policyName: 'VigilDenyAll' }),
      at,
    );

    expect(iam.commandCalls(PutUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      {
        UserName: 'mallory',
        PolicyName: 'VigilDenyAll',
        PolicyDocument:
          '{"Version":"2012-10-17","Statement":[{"Sid":"VigilContainment","Effect":"Deny","Action":"*","Resource":"*"}]}',
      },
    ]);
    expect(record).toMatchObject({
      status: 'done',
      before: { policyName: 'VigilDenyAll', document: null },
      error: null,
      attempts: 2,
      at: AT,
    });
  });

  it('changes nothing when the policy is already there (IAM returns it URL-encoded)', async () => {
    iam.on(GetUserPolicyCommand).resolves({
      UserName: 'mallory',
      PolicyName: 'VigilDenyAll',
      PolicyDocument: encodeURIComponent(JSON.stringify(denyAllPolicy())),
    });
    const { r } = responder();
    const record = await r.apply(
      planned({ kind: 'deny-all-user', userName: 'mallory', policyName: 'VigilDenyAll' }),
      at,
    );
    expect(record.status).toBe('unchanged');
    expect(iam.commandCalls(PutUserPolicyCommand)).toEqual([]);
  });

  it('deactivates the chosen active keys, retrying throttling with backoff', async () => {
    iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [
        { UserName: 'mallory', AccessKeyId: 'AKIAMALLORYKEY000001', Status: 'Active' },
        { UserName: 'mallory', AccessKeyId: 'AKIAMALLORYKEY000002', Status: 'Active' },
        { UserName: 'mallory', AccessKeyId: 'AKIAMALLORYKEY000003', Status: 'Inactive' },
      ],
    });
    iam
      .on(UpdateAccessKeyCommand)
      .rejectsOnce(named('Throttling', 'Rate exceeded'))
      .rejectsOnce(named('Throttling', 'Rate exceeded'))
      .resolves({});
    const { r, sleeps } = responder();

    const record = await r.apply(
      planned({
        kind: 'deactivate-access-keys',
        userName: 'mallory',
        accessKeyIds: ['AKIAMALLORYKEY000001', 'AKIAMALLORYKEY000003', 'AKIAGONE000000000000'],
      }),
      at,
    );

    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'mallory', AccessKeyId: 'AKIAMALLORYKEY000001', Status: 'Inactive' },
      { UserName: 'mallory', AccessKeyId: 'AKIAMALLORYKEY000001', Status: 'Inactive' },
      { UserName: 'mallory', AccessKeyId: 'AKIAMALLORYKEY000001', Status: 'Inactive' },
    ]);
    expect(sleeps).toEqual([100, 200]);
    expect(record).toMatchObject({
      status: 'done',
      attempts: 4,
      before: {
        keys: [
          { id: 'AKIAMALLORYKEY000001', status: 'Active' },
          { id: 'AKIAMALLORYKEY000003', status: 'Inactive' },
        ],
        missing: ['AKIAGONE000000000000'],
      },
      after: {
        keys: [
          { id: 'AKIAMALLORYKEY000001', status: 'Inactive' },
          { id: 'AKIAMALLORYKEY000003', status: 'Inactive' },
        ],
        missing: ['AKIAGONE000000000000'],
      },
    });
  });

  it('records a failed step with its error and the state it read, without throwing', async () => {
    iam
      .on(ListAccessKeysCommand)
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAMALLORYKEY000001', Status: 'Active' }] });
    iam.on(UpdateAccessKeyCommand).rejects(named('AccessDenied', 'not authorized to perform iam:UpdateAccessKey'));
    const { r } = responder();
    const record = await r.apply(
      planned({ kind: 'deactivate-access-keys', userName: 'mallory', accessKeyIds: null }),
      at,
    );
    expect(record).toMatchObject({
      status: 'failed',
      error: 'AKIAMALLORYKEY000001: AccessDenied: not authorized to perform iam:UpdateAccessKey',
      before: { keys: [{ id: 'AKIAMALLORYKEY000001', status: 'Active' }], missing: [] },
      after: { keys: [{ id: 'AKIAMALLORYKEY000001', status: 'Active' }], missing: [] },
    });
  });

  it('removes the console password, recording when it was made', async () => {
    iam.on(GetLoginProfileCommand).resolves({
      LoginProfile: {
        UserName: 'mallory',
        CreateDate: new Date('2024-05-01T00:00:00Z'),
        PasswordResetRequired: false,
      },
    });
    iam.on(DeleteLoginProfileCommand).resolves({});
    const { r } = responder();
    const record = await r.apply(planned({ kind: 'delete-login-profile', userName: 'mallory' }), at);
    expect(iam.commandCalls(DeleteLoginProfileCommand).map((c) => c.args[0].input)).toEqual([{ UserName: 'mallory' }]);
    expect(record).toMatchObject({
      status: 'done',
      before: { loginProfile: { createdAt: '2024-05-01T00:00:00.000Z', passwordResetRequired: false } },
      after: { loginProfile: null },
    });
  });

  it('detaches every managed policy, page by page', async () => {
    iam
      .on(ListAttachedUserPoliciesCommand, { UserName: 'mallory', Marker: undefined })
      .resolves({
        AttachedPolicies: [{ PolicyName: 'PowerUserAccess', PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }],
        IsTruncated: true,
        Marker: 'm1',
      })
      .on(ListAttachedUserPoliciesCommand, { UserName: 'mallory', Marker: 'm1' })
      .resolves({
        AttachedPolicies: [{ PolicyName: 'Billing', PolicyArn: 'arn:aws:iam::aws:policy/job-function/Billing' }],
      });
    iam.on(DetachUserPolicyCommand).resolves({});
    const { r } = responder();
    const record = await r.apply(planned({ kind: 'detach-user-policies', userName: 'mallory', policyArns: null }), at);
    expect(iam.commandCalls(DetachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'mallory', PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      { UserName: 'mallory', PolicyArn: 'arn:aws:iam::aws:policy/job-function/Billing' },
    ]);
    expect(record.after).toEqual({
      attached: [],
      detached: ['arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::aws:policy/job-function/Billing'],
    });
  });

  it('revokes older role sessions with an aws:TokenIssueTime deny, and leaves a later cut-off alone', async () => {
    const spec: ActionSpec = {
      kind: 'revoke-role-sessions',
      roleName: 'Deployer',
      policyName: 'VigilRevokeOlderSessions',
      issuedBefore: '2025-03-04T10:06:00.000Z',
    };
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity());
    iam.on(PutRolePolicyCommand).resolves({});
    const { r } = responder();
    expect((await r.apply(planned(spec), at)).status).toBe('done');
    expect(iam.commandCalls(PutRolePolicyCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleName: 'Deployer',
        PolicyName: 'VigilRevokeOlderSessions',
        PolicyDocument:
          '{"Version":"2012-10-17","Statement":[{"Sid":"VigilRevokeOlderSessions","Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2025-03-04T10:06:00.000Z"}}}]}',
      },
    ]);

    iam.reset();
    const later = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:TokenIssueTime': '2025-03-05T00:00:00.000Z' } },
        },
      ],
    };
    iam.on(GetRolePolicyCommand).resolves({ PolicyDocument: encodeURIComponent(JSON.stringify(later)) });
    expect((await r.apply(planned(spec), at)).status).toBe('unchanged');
    expect(iam.commandCalls(PutRolePolicyCommand)).toEqual([]);
  });

  it("adds Vigil's statement to a bucket policy, keeping the others", async () => {
    const existing = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::payroll-exports/*' },
      ],
    };
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(existing) });
    s3.on(PutBucketPolicyCommand).resolves({});
    const { r } = responder();
    const record = await r.apply(
      planned({
        kind: 'deny-bucket-access',
        bucket: 'payroll-exports',
        sid: 'Vigilcase1',
        principalArns: [],
        userIdPatterns: ['*:carol@example.com'],
      }),
      at,
    );
    expect(record.status).toBe('done');
    expect(JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]?.args[0].input.Policy ?? '')).toEqual({
      Version: '2012-10-17',
      Statement: [
        existing.Statement[0],
        {
          Sid: 'Vigilcase1',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::payroll-exports', 'arn:aws:s3:::payroll-exports/*'],
          Condition: { StringLike: { 'aws:userid': ['*:carol@example.com'] } },
        },
      ],
    });
  });
});

describe('IamResponder.undo', () => {
  it('puts back what each step recorded', async () => {
    iam.on(DeleteUserPolicyCommand).resolves({});
    iam.on(UpdateAccessKeyCommand).resolves({});
    iam.on(AttachUserPolicyCommand).resolves({});
    const { r } = responder();
    const base = { error: null, attempts: 1, at: AT } as const;

    const results = [
      await r.undo(
        {
          ...base,
          action: planned({ kind: 'deny-all-user', userName: 'mallory', policyName: 'VigilDenyAll' }),
          status: 'done',
          before: { policyName: 'VigilDenyAll', document: null },
          after: {},
        },
        at,
      ),
      await r.undo(
        {
          ...base,
          action: planned({ kind: 'deactivate-access-keys', userName: 'mallory', accessKeyIds: null }),
          status: 'done',
          before: {
            keys: [
              { id: 'AKIA1', status: 'Active' },
              { id: 'AKIA2', status: 'Inactive' },
            ],
            missing: [],
          },
          after: {
            keys: [
              { id: 'AKIA1', status: 'Inactive' },
              { id: 'AKIA2', status: 'Inactive' },
            ],
            missing: [],
          },
        },
        at,
      ),
      await r.undo(
        {
          ...base,
          action: planned({ kind: 'detach-user-policies', userName: 'mallory', policyArns: null }),
          status: 'done',
          before: { attached: ['arn:p'] },
          after: { attached: [], detached: ['arn:p'] },
        },
        at,
      ),
      await r.undo(
        {
          ...base,
          action: planned({ kind: 'delete-login-profile', userName: 'mallory' }),
          status: 'done',
          before: {},
          after: {},
        },
        at,
      ),
    ];

    expect(iam.commandCalls(DeleteUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'mallory', PolicyName: 'VigilDenyAll' },
    ]);
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'mallory', AccessKeyId: 'AKIA1', Status: 'Active' },
    ]);
    expect(iam.commandCalls(AttachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'mallory', PolicyArn: 'arn:p' },
    ]);
    expect(results.map((u) => u.status)).toEqual(['restored', 'restored', 'restored', 'manual']);
    expect(results[3]?.instructions).toBe(
      'Vigil cannot restore a console password. If mallory needs console access again, set a new password: aws iam create-login-profile --user-name mallory --password-reset-required --password <a temporary password>, and hand it over out of band.',
    );
  });
});

describe('IamResponder.enrich', () => {
  it("reads a user's keys and their last use, policies, groups, console password and tags", async () => {
    iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [{ AccessKeyId: 'AKIA1', Status: 'Active', CreateDate: new Date('2024-01-01T00:00:00Z') }],
    });
    iam.on(GetAccessKeyLastUsedCommand).resolves({
      AccessKeyLastUsed: { LastUsedDate: new Date('2025-03-04T10:04:00Z'), ServiceName: 'iam', Region: 'us-east-1' },
    });
    iam.on(ListAttachedUserPoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyName: 'PowerUserAccess', PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }],
    });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['legacy'] });
    iam
      .on(ListGroupsForUserCommand)
      .resolves({ Groups: [{ GroupName: 'engineers', GroupId: 'g', Path: '/', Arn: 'a', CreateDate: new Date() }] });
    iam.on(GetLoginProfileCommand).rejects(noSuchEntity());
    iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 'team', Value: 'payments' }] });
    const { r } = responder();

    expect(
      await r.enrich({
        kind: 'iam-user',
        accountId: '111122223333',
        userName: 'mallory',
        arn: 'arn:aws:iam::111122223333:user/mallory',
      }),
    ).toEqual({
      kind: 'iam-user',
      userName: 'mallory',
      accessKeys: [
        {
          id: 'AKIA1',
          status: 'Active',
          createdAt: '2024-01-01T00:00:00.000Z',
          lastUsedAt: '2025-03-04T10:04:00.000Z',
          lastUsedService: 'iam',
        },
      ],
      attachedPolicies: [{ name: 'PowerUserAccess', arn: 'arn:aws:iam::aws:policy/PowerUserAccess' }],
      inlinePolicies: ['legacy'],
      groups: ['engineers'],
      loginProfile: null,
      tags: { team: 'payments' },
    });
  });
});
