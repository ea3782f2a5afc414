import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SfnTaskTokens, StsCallerIdentity } from '../../../cli/case/aws-ports.ts';
import {
  approveCase,
  type CaseCommandDeps,
  CaseStateError,
  denyCase,
  releaseCase,
  TaskTokenExpiredError,
  UnknownCaseError,
} from '../../../cli/case/case-commands.ts';
import { DynamoCaseStore } from '../../../lambdas/adapters/case-store.ts';
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../../lambdas/adapters/local-dynamo.ts';
import { MemoryAuditLog } from '../../../lambdas/adapters/memory.ts';
import { STATE_TABLE } from '../../../lambdas/adapters/tables.ts';
import { NotAnApproverError, SelfApprovalError } from '../../../lambdas/core/response/approvers.ts';
import { CaseIdError } from '../../../lambdas/core/response/case-id.ts';
import type { ApprovalAnswer, CaseRecord } from '../../../lambdas/core/response/types.ts';
import { userFinding } from '../../core/response/fixtures.ts';

const ALICE = 'arn:aws:iam::111122223333:user/alice';
const MALLORY = 'arn:aws:iam::111122223333:user/mallory';
const CASE = 'case-0123456789abcdef0123';
const NOW = Date.parse('2025-03-04T10:30:00.000Z');

let dynamo: LocalDynamo;
let cases: DynamoCaseStore;
let audit: MemoryAuditLog;
let sent: { kind: string; token: string; output?: ApprovalAnswer; error?: string; cause?: string }[];
let started: { name: string; input: unknown }[];
let expired: boolean;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ dir: null });
  await ensureTables(dynamo.client, [STATE_TABLE]);
  cases = new DynamoCaseStore(dynamo.doc, STATE_TABLE.localName);
});
afterAll(async () => {
  await dynamo.close();
});

let seq = 0;
beforeEach(() => {
  audit = new MemoryAuditLog();
  sent = [];
  started = [];
  expired = false;
  seq++;
});

/** A case in `status`, under a fresh id per test. */
const seed = async (status: CaseRecord['status']): Promise<string> => {
  const caseId = `case-${String(seq).padStart(20, '0')}`;
  const finding = userFinding();
  await cases.create({
    caseId,
    principal: finding.principal,
    openingFinding: finding,
    findingIds: [finding.id],
    severity: 'critical',
    mode: 'approval',
    status,
    executionId: `arn:aws:states:eu-west-1:111122223333:execution:Contain:${caseId}`,
    openedAt: NOW,
    updatedAt: NOW,
    lastEventTime: NOW,
    approval: {
      requestedAt: NOW,
      taskToken: 'token-1',
      approvers: ['alice'],
      result: 'pending',
      decidedBy: null,
      decidedAt: null,
      reason: null,
    },
  });
  return caseId;
};

const deps = (caller: string): CaseCommandDeps => ({
  approvers: [ALICE],
  cases,
  audit,
  identity: { callerArn: async () => caller },
  tokens: {
    succeed: async (token, output) => {
      if (expired) throw new TaskTokenExpiredError('TaskTimedOut: Task Timed Out');
      sent.push({ kind: 'success', token, output });
    },
    fail: async (token, error, cause) => {
      sent.push({ kind: 'failure', token, error, cause });
    },
  },
  releases: {
    executionIdFor: (name) => `arn:release:${name}`,
    start: async (name, input) => {
      started.push({ name, input });
      return { executionId: `arn:release:${name}`, started: true };
    },
  },
  clock: { now: () => NOW },
});

describe('vigil case approve', () => {
  it("answers the task token with the approver's identity and records it", async () => {
    const caseId = await seed('awaiting-approval');
    const result = await approveCase(caseId, { reason: 'confirmed with HR' }, deps(ALICE));
    expect(result).toEqual({
      caseId,
      by: ALICE,
      as: ALICE,
      executionId: `arn:aws:states:eu-west-1:111122223333:execution:Contain:${caseId}`,
    });
    expect(sent).toEqual([
      {
        kind: 'success',
        token: 'token-1',
        output: { approved: true, approver: ALICE, at: NOW, reason: 'confirmed with HR' },
      },
    ]);
    expect((await cases.get(caseId))?.approval).toEqual({
      requestedAt: NOW,
      taskToken: null,
      approvers: ['alice'],
      result: 'approved',
      decidedBy: ALICE,
      decidedAt: NOW,
      reason: 'confirmed with HR',
    });
    expect(audit.entries.map((e) => [e.type, e.actor, e.caseId, e.target, e.result, e.data])).toEqual([
      ['approval', ALICE, caseId, MALLORY, 'approved', { approver: ALICE, reason: 'confirmed with HR' }],
    ]);
  });

  it('refuses someone who is not an approver, sending nothing', async () => {
    const caseId = await seed('awaiting-approval');
    await expect(approveCase(caseId, {}, deps('arn:aws:iam::111122223333:user/eve'))).rejects.toThrow(
      NotAnApproverError,
    );
    expect(sent).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('refuses the subject approving their own containment', async () => {
    const caseId = await seed('awaiting-approval');
    await expect(approveCase(caseId, {}, { ...deps(MALLORY), approvers: [ALICE, MALLORY] })).rejects.toThrow(
      SelfApprovalError,
    );
  });

  it('refuses a case that is not waiting, naming its status', async () => {
    const caseId = await seed('closed');
    await expect(approveCase(caseId, {}, deps(ALICE))).rejects.toThrow(
      new CaseStateError(`case ${caseId} is closed; expected awaiting-approval`),
    );
  });

  it('tells the approver the window has closed when the token timed out', async () => {
    const caseId = await seed('awaiting-approval');
    expired = true;
    await expect(approveCase(caseId, {}, deps(ALICE))).rejects.toThrow(
      new CaseStateError(
        `the approval window of case ${caseId} has closed (TaskTimedOut: Task Timed Out); it escalated to the security team`,
      ),
    );
    expect((await cases.get(caseId))?.approval?.result).toBe('timed-out');
  });

  it('refuses an id that is not a case id, and a case that does not exist', async () => {
    await expect(approveCase('../etc', {}, deps(ALICE))).rejects.toThrow(CaseIdError);
    await expect(approveCase(CASE, {}, deps(ALICE))).rejects.toThrow(
      new UnknownCaseError(`no case ${CASE} in the state table; expected an id from a Vigil notification`),
    );
  });
});

describe('vigil case deny', () => {
  it('fails the task token with the denial the state machine catches', async () => {
    const caseId = await seed('awaiting-approval');
    await denyCase(caseId, { reason: 'authorised pentest' }, deps(ALICE));
    expect(sent).toEqual([
      {
        kind: 'failure',
        token: 'token-1',
        error: 'VigilApprovalDenied',
        cause: JSON.stringify({ approver: ALICE, reason: 'authorised pentest' }),
      },
    ]);
    expect(audit.entries.map((e) => [e.type, e.result])).toEqual([['denial', 'denied']]);
  });
});

describe('vigil case release', () => {
  it('starts the release playbook for a contained case, once', async () => {
    const caseId = await seed('contained');
    const result = await releaseCase(caseId, {}, deps(ALICE));
    expect(started).toEqual([{ name: `${caseId}-release-${NOW}`, input: { caseId, requestedBy: ALICE } }]);
    expect(result.executionId).toBe(`arn:release:${caseId}-release-${NOW}`);
    expect((await cases.get(caseId))?.status).toBe('releasing');
    await expect(releaseCase(caseId, {}, deps(ALICE))).rejects.toThrow(
      new CaseStateError(`case ${caseId} is releasing; expected contained`),
    );
  });
});

describe('the AWS ports', () => {
  const sfn = mockClient(SFNClient);
  const sts = mockClient(STSClient);

  it("reads the caller's ARN from STS", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: ALICE, Account: '111122223333', UserId: 'AIDA' });
    expect(await new StsCallerIdentity(new STSClient({})).callerArn()).toBe(ALICE);
  });

  it('sends task success and failure, and reports a timed-out token as expired', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const tokens = new SfnTaskTokens(new SFNClient({}));
    await tokens.succeed('t', { approved: true, approver: ALICE, at: NOW, reason: null });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 't', output: JSON.stringify({ approved: true, approver: ALICE, at: NOW, reason: null }) },
    ]);
    await expect(tokens.fail('t', 'VigilApprovalDenied', '{}')).rejects.toThrow(
      new TaskTokenExpiredError('TaskTimedOut: Task Timed Out'),
    );
  });
});
