/**
 * The contain-principal and release-principal state machines, as CDK synthesizes them, run with
 * aws-local-stepfunctions, every task bound to its Lambda handler's step, on a real local
 * DynamoDB: one test per branch.
 */
import {
  AttachUserPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createLocalPlaybooks,
  type LocalPlaybooks,
  type LocalPlaybooksOptions,
  synthesizePlaybookDefinitions,
} from '../../cli/local-playbooks.ts';
import { DynamoCaseStore } from '../../lambdas/adapters/case-store.ts';
import { IamResponder } from '../../lambdas/adapters/iam-responder.ts';
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import { MemoryAuditLog } from '../../lambdas/adapters/memory.ts';
import { STATE_TABLE } from '../../lambdas/adapters/tables.ts';
import { parseConfig, type VigilConfigInput } from '../../lambdas/core/config.ts';
import { caseIdFor } from '../../lambdas/core/response/case-id.ts';
import { roleFinding, userFinding } from '../core/response/fixtures.ts';

const iam = mockClient(IAMClient);
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const NOW = Date.parse('2025-03-04T10:06:00.000Z');
const clock = { now: () => NOW };

let dynamo: LocalDynamo;
let audit: MemoryAuditLog;
let runner: LocalPlaybooks | undefined;

beforeAll(() => {
  // Synthesize once for the file: every test reads the same definitions.
  synthesizePlaybookDefinitions(parseConfig({}));
});

beforeEach(async () => {
  iam.reset();
  dynamo = await startLocalDynamo({ dir: null });
  await ensureTables(dynamo.client, [STATE_TABLE]);
  audit = new MemoryAuditLog();
});

afterEach(async () => {
  await runner?.close();
  runner = undefined;
  await dynamo.close();
});

const open = async (
  config: VigilConfigInput,
  options: Partial<LocalPlaybooksOptions> = {},
): Promise<LocalPlaybooks> => {
  runner = await createLocalPlaybooks({
    config: parseConfig(config),
    doc: dynamo.doc,
    stateTableName: STATE_TABLE.localName,
    audit,
    clock,
    ...options,
  });
  return runner;
};

/** The audit trail of a case as `type:result` pairs, in order. */
const trail = (caseId: string): string[] =>
  audit.entries
    .filter((e) => e.caseId === caseId)
    .map((e) => (e.result ? `${e.type}:${e.target ?? ''}:${e.result}` : e.type));

const subjects = (caseId: string): string[] =>
  audit.entries
    .filter((e) => e.caseId === caseId && e.type === 'notification')
    .map((e) => String((e.data as { subject: string }).subject));

/** An IAM where mallory has one active key, a console password and one managed policy. */
const mockMallory = () => {
  iam.on(GetUserPolicyCommand).rejects(new NoSuchEntityException({ message: 'no policy', $metadata: {} }));
  iam.on(PutUserPolicyCommand).resolves({});
  iam
    .on(ListAccessKeysCommand)
    .resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAMALLORYKEY000001', Status: 'Active' }] });
  iam.on(UpdateAccessKeyCommand).resolves({});
  iam
    .on(GetLoginProfileCommand)
    .resolves({ LoginProfile: { UserName: 'mallory', CreateDate: new Date('2024-05-01T00:00:00Z') } });
  iam.on(DeleteLoginProfileCommand).resolves({});
  iam.on(ListAttachedUserPoliciesCommand).resolves({
    AttachedPolicies: [{ PolicyName: 'PowerUserAccess', PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }],
  });
  iam.on(DetachUserPolicyCommand).resolves({});
};

/** A responder that acts on the mocked IAM; enrichment is left to the dry run's "unavailable". */
const iamResponder = () => {
  const responder = new IamResponder(new IAMClient({}), { sleep: async () => {} });
  return Object.assign(responder, {
    enrich: async () => ({ kind: 'unavailable' as const, reason: 'not read in this test' }),
  });
};

const caseOf = (finding = userFinding()) => caseIdFor(finding);

describe('contain-principal, run locally as synthesized', () => {
  it('dry-run: proposes, changes nothing, tells the team, closes the case', async () => {
    const pb = await open({ response: { modes: { critical: 'dry-run' } } });
    const responses = await pb.publish([userFinding()]);
    const caseId = caseOf();

    expect(responses.get('f-0001')).toEqual({
      playbook: 'contain-principal',
      mode: 'dry-run',
      executionId: `arn:aws:states:us-east-1:000000000000:execution:contain-principal:${caseId}`,
    });
    expect(trail(caseId)).toEqual([
      'case-opened',
      'decision:arn:aws:iam::111122223333:user/mallory:dry-run',
      'notification:sns:dry-run',
      'case-closed::dry-run',
    ]);
    expect(subjects(caseId)).toEqual([`[Vigil] CRITICAL ${caseId}: Dry run: Vigil would contain mallory`]);
    expect(pb.cases().map((c) => [c.status, c.outcome, c.actions.map((a) => a.status)])).toEqual([
      ['closed', 'dry-run', ['proposed', 'proposed', 'proposed', 'proposed']],
    ]);
  });

  it('starts one execution for a finding delivered twice', async () => {
    const pb = await open({ response: { modes: { critical: 'dry-run' } } });
    await pb.publish([userFinding()]);
    await pb.publish([userFinding()]);
    expect(audit.entries.filter((e) => e.type === 'case-opened').length).toBe(1);
    expect(audit.entries.filter((e) => e.type === 'decision').length).toBe(1);
    expect(pb.cases().length).toBe(1);
  });

  it('a second finding for the principal joins its case', async () => {
    const pb = await open({ response: { modes: { critical: 'dry-run' } } });
    await pb.publish([
      userFinding(),
      userFinding({ id: 'f-0002', severity: 'high', lastEventTime: '2025-03-04T10:30:00.000Z' }),
    ]);
    expect(pb.cases().map((c) => [c.caseId, c.findings])).toEqual([[caseOf(), 2]]);
  });

  it('auto: contains at once, step by step, and the case stays open until released', async () => {
    mockMallory();
    const pb = await open({ response: { modes: { critical: 'auto' } } }, { responder: iamResponder() });
    await pb.publish([userFinding()]);
    const caseId = caseOf();
    expect(trail(caseId)).toEqual([
      'case-opened',
      'decision:arn:aws:iam::111122223333:user/mallory:contain',
      'action:arn:aws:iam::111122223333:user/mallory:done',
      'action:arn:aws:iam::111122223333:user/mallory:done',
      'action:arn:aws:iam::111122223333:user/mallory:done',
      'action:arn:aws:iam::111122223333:user/mallory:done',
      'notification:sns:dry-run',
    ]);
    expect(subjects(caseId)).toEqual([`[Vigil] CRITICAL ${caseId}: Contained mallory`]);
    expect(pb.cases()[0]?.status).toBe('contained');
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'mallory', AccessKeyId: 'AKIAMALLORYKEY000001', Status: 'Inactive' },
    ]);
  });

  it('an action failing: the other steps still run, the team hears it was partial', async () => {
    mockMallory();
    iam.on(DeleteLoginProfileCommand).rejects(
      Object.assign(new Error('User: vigil is not authorized to perform: iam:DeleteLoginProfile'), {
        name: 'AccessDenied',
      }),
    );
    const pb = await open({ response: { modes: { critical: 'auto' } } }, { responder: iamResponder() });
    await pb.publish([userFinding()]);
    const caseId = caseOf();
    const actions = audit.entries.filter((e) => e.caseId === caseId && e.type === 'action');
    expect(actions.map((e) => [(e.data as { action: string }).action, e.result])).toEqual([
      ['deny-all-user', 'done'],
      ['deactivate-access-keys', 'done'],
      ['delete-login-profile', 'failed'],
      ['detach-user-policies', 'done'],
    ]);
    expect((actions[2]?.data as { error?: string } | undefined)?.error).toBe(
      'AccessDenied: User: vigil is not authorized to perform: iam:DeleteLoginProfile',
    );
    expect(subjects(caseId)).toEqual([`[Vigil] CRITICAL ${caseId}: Partly contained mallory: some steps failed`]);
    expect(pb.cases().map((c) => [c.status, c.outcome])).toEqual([['contained', 'partially-contained']]);
  });

  it('approval approved: asks, waits, then contains once an approver answers with vigil case approve', async () => {
    const pb = await open({ response: { modes: { critical: 'approval' }, approvers: [ALICE] } });
    await pb.publish([userFinding()]);
    const caseId = caseOf();
    expect(pb.cases()[0]?.status).toBe('awaiting-approval');

    const result = await pb.approve(caseId, ALICE, 'confirmed with HR');

    expect(result).toEqual({
      caseId,
      by: ALICE,
      as: ALICE,
      executionId: `arn:aws:states:us-east-1:000000000000:execution:contain-principal:${caseId}`,
    });
    expect(trail(caseId)).toEqual([
      'case-opened',
      'decision:arn:aws:iam::111122223333:user/mallory:approval',
      'notification:sns:dry-run',
      'approval:arn:aws:iam::111122223333:user/mallory:approved',
      'action:arn:aws:iam::111122223333:user/mallory:dry-run',
      'action:arn:aws:iam::111122223333:user/mallory:dry-run',
      'action:arn:aws:iam::111122223333:user/mallory:dry-run',
      'action:arn:aws:iam::111122223333:user/mallory:dry-run',
      'notification:sns:dry-run',
      'case-closed::dry-run-contained',
    ]);
    expect(audit.entries.find((e) => e.type === 'action')?.actor).toBe(`vigil:playbook approved by ${ALICE}`);
    expect(subjects(caseId)).toEqual([
      `[Vigil] CRITICAL ${caseId}: Approval needed to contain mallory`,
      `[Vigil] CRITICAL ${caseId}: Dry run: Vigil would have contained mallory`,
    ]);
  });

  it('approval denied: nothing is done, the team hears who denied and why', async () => {
    const pb = await open(
      { response: { modes: { critical: 'approval' }, approvers: [ALICE] } },
      { approvals: () => ({ deny: ALICE, reason: 'authorised pentest' }) },
    );
    await pb.publish([userFinding()]);
    const caseId = caseOf();
    expect(trail(caseId)).toEqual([
      'case-opened',
      'decision:arn:aws:iam::111122223333:user/mallory:approval',
      'notification:sns:dry-run',
      'denial:arn:aws:iam::111122223333:user/mallory:denied',
      'notification:sns:dry-run',
      'case-closed::denied',
    ]);
    const text = String(
      (audit.entries.filter((e) => e.type === 'notification')[1]?.data as { text?: string } | undefined)?.text,
    );
    expect(text.split('\n').find((line) => line.includes('Denied by'))).toBe(
      `  - Denied by ${ALICE}: authorised pentest`,
    );
  });

  it('approval timed out: escalates to the team and closes the case', async () => {
    const pb = await open(
      { response: { modes: { critical: 'approval' }, approvers: [ALICE], approvalTimeoutMinutes: 60 } },
      { approvals: () => 'timeout' },
    );
    await pb.publish([userFinding()]);
    const caseId = caseOf();
    expect(subjects(caseId)).toEqual([
      `[Vigil] CRITICAL ${caseId}: Approval needed to contain mallory`,
      `[Vigil] CRITICAL ${caseId}: Escalation: nobody approved containing mallory`,
    ]);
    const stored = await new DynamoCaseStore(dynamo.doc, STATE_TABLE.localName).get(caseId);
    expect([stored?.status, stored?.outcome, stored?.approval?.result, stored?.approval?.taskToken]).toEqual([
      'closed',
      'approval-timed-out',
      'timed-out',
      null,
    ]);
  });

  it('protected principal: never contained, whatever the mode', async () => {
    const pb = await open({
      protectedPrincipals: ['arn:aws:iam::111122223333:user/mallory'],
      response: { modes: { critical: 'auto' } },
    });
    await pb.publish([userFinding()]);
    const caseId = caseOf();
    expect(trail(caseId)).toEqual([
      'case-opened',
      'decision:arn:aws:iam::111122223333:user/mallory:protected',
      'notification:sns:dry-run',
      'case-closed::protected',
    ]);
    expect(subjects(caseId)).toEqual([`[Vigil] CRITICAL ${caseId}: Not contained: mallory is a protected principal`]);
  });

  it('budget exhausted: the second containment of the hour waits for a person', async () => {
    const pb = await open({ response: { modes: { critical: 'auto' }, maxContainmentsPerHour: 1 } });
    const role = roleFinding();
    // One at a time: executions of one publish run concurrently and would race for the last slot.
    await pb.publish([userFinding()]);
    await pb.publish([role]);
    expect(
      pb
        .cases()
        .map((c) => [c.principal.name, c.outcome])
        .sort(),
    ).toEqual([
      ['Deployer', 'budget-exhausted'],
      ['mallory', 'dry-run-contained'],
    ]);
    expect(subjects(caseOf(role))).toEqual([
      `[Vigil] CRITICAL ${caseOf(role)}: Not contained (budget exhausted): Deployer`,
    ]);
  });

  it('does not start a playbook for a severity whose mode is off', async () => {
    const pb = await open({ response: { modes: { critical: 'off' } } });
    expect((await pb.publish([userFinding()])).get('f-0001')).toBe(null);
    expect(pb.cases()).toEqual([]);
  });
});

describe('release-principal, run locally as synthesized', () => {
  it('undoes a containment from its recorded before-state and closes the case', async () => {
    mockMallory();
    iam.on(DeleteUserPolicyCommand).resolves({});
    iam.on(AttachUserPolicyCommand).resolves({});
    const pb = await open(
      { response: { modes: { critical: 'auto' }, approvers: [ALICE] } },
      { responder: iamResponder() },
    );
    await pb.publish([userFinding()]);
    const caseId = caseOf();

    const result = await pb.release(caseId, ALICE);

    expect(result.executionId).toBe(
      `arn:aws:states:us-east-1:000000000000:execution:release-principal:${caseId}-release-${NOW}`,
    );
    expect(iam.commandCalls(DeleteUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'mallory', PolicyName: 'VigilDenyAll' },
    ]);
    expect(iam.commandCalls(AttachUserPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { UserName: 'mallory', PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
    ]);
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((c) => c.args[0].input.Status)).toEqual(['Inactive', 'Active']);
    const undo = audit.entries.filter((e) => e.type === 'action' && (e.data as { undo: boolean }).undo);
    expect(undo.map((e) => [(e.data as { action: string }).action, e.result])).toEqual([
      ['detach-user-policies', 'restored'],
      ['delete-login-profile', 'manual'],
      ['deactivate-access-keys', 'restored'],
      ['deny-all-user', 'restored'],
    ]);
    expect(subjects(caseId).at(-1)).toBe(`[Vigil] CRITICAL ${caseId}: Released mallory`);
    expect(pb.cases().map((c) => [c.status, c.outcome])).toEqual([['released', 'released']]);
    expect(audit.entries.at(-1)?.type).toBe('case-closed');
  });
});
