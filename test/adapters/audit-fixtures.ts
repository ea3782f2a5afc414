/**
 * What the audit tests share: an in-memory dynalite with the audit table, a hand-moved clock,
 * and realistic entries (a finding with the CloudTrail records behind it, a case's playbook
 * records) as the scorer and the playbooks append them.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AUDIT_TABLE, chainPartition } from '../../lambdas/adapters/audit-table.ts';
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import type { AuditEntry, Clock } from '../../lambdas/core/ports.ts';

/** The audit table's name in the local store. */
export const AUDIT = AUDIT_TABLE.localName;

/** Starts an in-memory dynalite and creates the audit table in it. */
export const openAuditTable = async (): Promise<LocalDynamo> => {
  const local = await startLocalDynamo({ dir: null });
  await ensureTables(local.client, [AUDIT_TABLE]);
  return local;
};

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

/** 2026-06-01T00:00:00Z */
export const JUNE_1 = Date.UTC(2026, 5, 1);
/** One hour in ms. */
export const HOUR = 3_600_000;

/** A CloudTrail record as AWS writes it: CreateAccessKey by `actor` for `userName`. */
export const cloudTrailRecord = (eventId: string, actor: string, userName: string, at: number): CloudTrailRecord => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEPRINCIPAL',
    arn: `arn:aws:iam::123456789012:user/${actor}`,
    accountId: '123456789012',
    accessKeyId: 'AKIAEXAMPLEKEY000001',
    userName: actor,
  },
  eventTime: new Date(at).toISOString().replace(/\.\d+Z$/, 'Z'),
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateAccessKey',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  userAgent: 'aws-cli/2.17.0 Python/3.11.9 Linux/6.1 exe/x86_64',
  requestParameters: { userName },
  responseElements: {
    accessKey: {
      accessKeyId: 'AKIAEXAMPLEKEY000002',
      status: 'Active',
      userName,
      createDate: 'Jun 1, 2026 9:00:00 AM',
    },
  },
  requestID: `req-${eventId}`,
  eventID: eventId,
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '123456789012',
  eventCategory: 'Management',
});

/** The contract finding for a CloudTrail record. */
export const finding = (
  id: string,
  principal: string,
  at: number,
  detector = 'iam.access-key-created-for-other-user',
): Finding => ({
  id,
  detector,
  title: `${principal} created an access key for another user`,
  severity: 'high',
  risk: 62,
  principal: {
    key: `user:123456789012:${principal}`,
    arn: `arn:aws:iam::123456789012:user/${principal}`,
    type: 'IAMUser',
    accountId: '123456789012',
    name: principal,
  },
  eventIds: [`evt-${id}`],
  firstEventTime: new Date(at).toISOString(),
  lastEventTime: new Date(at).toISOString(),
  attack: ['T1098.001'],
  evidence: { targetUser: 'carol' },
  response: null,
});

/** A `finding` entry as the scorer appends it: the finding and the CloudTrail records behind it. */
export const findingEntry = (id: string, principal: string, at: number, detector?: string): AuditEntry => {
  const f = finding(id, principal, at, detector);
  return {
    type: 'finding',
    at,
    actor: 'vigil:scorer',
    principalKey: f.principal.key,
    findingId: f.id,
    detector: f.detector,
    severity: f.severity,
    data: { finding: f, records: [cloudTrailRecord(`evt-${id}`, principal, 'carol', at)] },
  };
};

/** The playbook's records for a case about `findingId`, opened at `at`. */
export const caseEntries = (caseId: string, findingId: string, principalKey: string, at: number): AuditEntry[] => [
  {
    type: 'case-opened',
    at,
    actor: 'vigil:playbook',
    caseId,
    findingId,
    principalKey,
    severity: 'high',
    data: { mode: 'approval', playbook: 'contain-principal' },
  },
  {
    type: 'decision',
    at: at + 1_000,
    actor: 'vigil:playbook',
    caseId,
    findingId,
    principalKey,
    result: 'approval',
    data: {
      mode: 'approval',
      reasons: ['waiting for one of security-lead to approve (0 of 5 containments this hour)'],
      plan: [{ id: 'deactivate-access-key', target: 'AKIAEXAMPLEKEY000002', description: 'deactivate the access key' }],
    },
  },
  {
    type: 'approval',
    at: at + 60_000,
    actor: 'arn:aws:iam::123456789012:user/security-lead',
    caseId,
    findingId,
    principalKey,
    data: { comment: 'confirmed with the manager' },
  },
  {
    type: 'action',
    at: at + 61_000,
    actor: 'vigil:playbook',
    caseId,
    findingId,
    principalKey,
    target: 'AKIAEXAMPLEKEY000002',
    before: { status: 'Active' },
    after: { status: 'Inactive' },
    result: 'done',
    executionId: `arn:aws:states:us-east-1:123456789012:execution:vigil-playbook:${caseId}`,
    data: { action: 'deactivate-access-key' },
  },
  {
    type: 'notification',
    at: at + 62_000,
    actor: 'vigil:playbook',
    caseId,
    principalKey,
    target: 'slack',
    result: 'sent',
    data: { stage: 'contained', subject: 'Vigil contained user alice' },
  },
  { type: 'case-closed', at: at + 3_600_000, actor: 'vigil:playbook', caseId, principalKey, result: 'contained' },
];

/** Reads one stored item. */
export const getItem = async (local: LocalDynamo, pk: string, sk: string): Promise<Record<string, unknown>> => {
  const out = await local.doc.send(new GetCommand({ TableName: AUDIT, Key: { pk, sk } }));
  if (out.Item === undefined) throw new Error(`no item ${pk} / ${sk}`);
  return out.Item;
};

/** Overwrites an item as a tamperer with write access would. */
export const putRaw = async (local: LocalDynamo, item: Record<string, unknown>): Promise<void> => {
  await local.doc.send(new PutCommand({ TableName: AUDIT, Item: item }));
};

/** Deletes an item as a tamperer would. */
export const deleteRaw = async (local: LocalDynamo, pk: string, sk: string): Promise<void> => {
  await local.doc.send(new DeleteCommand({ TableName: AUDIT, Key: { pk, sk } }));
};

/** Every item of a chain, in key order. */
export const chainItemsRaw = async (local: LocalDynamo, chain: string): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await local.doc.send(
      new QueryCommand({
        TableName: AUDIT,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': chainPartition(chain) },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
};
