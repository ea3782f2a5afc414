import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditFilter, AuditRangeError, DynamoAuditReader } from '../../lambdas/adapters/audit-reader.ts';
import { verifyAuditTable } from '../../lambdas/adapters/audit-verify.ts';
import { DynamoAuditLog } from '../../lambdas/adapters/dynamo-audit-log.ts';
import type { LocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import type { AuditRecord } from '../../lambdas/core/audit/record.ts';
import type { AuditEntry } from '../../lambdas/core/ports.ts';
import { AUDIT, caseEntries, findingEntry, HOUR, JUNE_1, openAuditTable, TestClock } from './audit-fixtures.ts';

const DAY = 24 * HOUR;
const alice = 'user:123456789012:alice';
const bob = 'user:123456789012:bob';

const collect = async (records: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> => {
  const all: AuditRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
};

const label = (r: AuditRecord): string => `${r.type} ${r.findingId ?? r.caseId ?? r.target ?? ''} ${r.at}`;

describe('DynamoAuditReader queries', () => {
  let local: LocalDynamo;
  let reader: DynamoAuditReader;
  const skipped: string[] = [];

  beforeAll(async () => {
    local = await openAuditTable();
    const clock = new TestClock(JUNE_1 + 3 * DAY);
    const scorer = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });
    const playbook = new DynamoAuditLog(local.doc, AUDIT, { writer: 'playbook', clock });
    await scorer.append([
      findingEntry('f-a1', 'alice', JUNE_1 + 9 * HOUR),
      findingEntry('f-b1', 'bob', JUNE_1 + 10 * HOUR, 'iam.policy-attached-to-self'),
      findingEntry('f-a2', 'alice', JUNE_1 + DAY + 9 * HOUR, 'iam.policy-attached-to-self'),
      findingEntry('f-b2', 'bob', JUNE_1 + 2 * DAY + 8 * HOUR),
    ]);
    const config: AuditEntry = {
      type: 'config-change',
      at: JUNE_1 + DAY + 12 * HOUR,
      actor: 'arn:aws:iam::123456789012:user/admin',
      target: 'suppressions',
      result: 'added s-1',
    };
    await playbook.append([...caseEntries('case-1', 'f-a1', alice, JUNE_1 + 9 * HOUR + 5 * 60_000), config]);
    await scorer.seal();
    await playbook.seal();
    reader = new DynamoAuditReader(local.doc, AUDIT, {
      pageSize: 3,
      onSkipped: (key, reason) => skipped.push(`${key}: ${reason}`),
    });
  });
  afterAll(async () => {
    await local.close();
  });

  const cases: { name: string; filter: AuditFilter; expected: string[] }[] = [
    {
      name: 'by principal, oldest first',
      filter: { principalKey: alice },
      expected: [
        'finding f-a1 2026-06-01T09:00:00.000Z',
        'case-opened f-a1 2026-06-01T09:05:00.000Z',
        'decision f-a1 2026-06-01T09:05:01.000Z',
        'approval f-a1 2026-06-01T09:06:00.000Z',
        'action f-a1 2026-06-01T09:06:01.000Z',
        'notification case-1 2026-06-01T09:06:02.000Z',
        'case-closed case-1 2026-06-01T10:05:00.000Z',
        'finding f-a2 2026-06-02T09:00:00.000Z',
      ],
    },
    {
      name: 'by principal and type',
      filter: { principalKey: alice, type: 'approval' },
      expected: ['approval f-a1 2026-06-01T09:06:00.000Z'],
    },
    {
      name: 'by principal within a time range, until exclusive',
      filter: { principalKey: alice, since: JUNE_1 + 9 * HOUR + 6 * 60_000, until: JUNE_1 + 10 * HOUR + 5 * 60_000 },
      expected: [
        'approval f-a1 2026-06-01T09:06:00.000Z',
        'action f-a1 2026-06-01T09:06:01.000Z',
        'notification case-1 2026-06-01T09:06:02.000Z',
      ],
    },
    {
      name: 'by case',
      filter: { caseId: 'case-1' },
      expected: [
        'case-opened f-a1 2026-06-01T09:05:00.000Z',
        'decision f-a1 2026-06-01T09:05:01.000Z',
        'approval f-a1 2026-06-01T09:06:00.000Z',
        'action f-a1 2026-06-01T09:06:01.000Z',
        'notification case-1 2026-06-01T09:06:02.000Z',
        'case-closed case-1 2026-06-01T10:05:00.000Z',
      ],
    },
    {
      name: 'by finding',
      filter: { findingId: 'f-a1' },
      expected: [
        'finding f-a1 2026-06-01T09:00:00.000Z',
        'case-opened f-a1 2026-06-01T09:05:00.000Z',
        'decision f-a1 2026-06-01T09:05:01.000Z',
        'approval f-a1 2026-06-01T09:06:00.000Z',
        'action f-a1 2026-06-01T09:06:01.000Z',
      ],
    },
    {
      name: 'by detector',
      filter: { detector: 'iam.policy-attached-to-self' },
      expected: ['finding f-b1 2026-06-01T10:00:00.000Z', 'finding f-a2 2026-06-02T09:00:00.000Z'],
    },
    {
      name: 'by approver',
      filter: { actor: 'arn:aws:iam::123456789012:user/security-lead' },
      expected: ['approval f-a1 2026-06-01T09:06:00.000Z'],
    },
    {
      name: 'by actor, which leaves out the scorer-written finding types',
      filter: { actor: 'vigil:scorer' },
      expected: [],
    },
    {
      name: 'by day across the organisation',
      filter: { since: JUNE_1 + DAY, until: JUNE_1 + 3 * DAY },
      expected: [
        'finding f-a2 2026-06-02T09:00:00.000Z',
        'config-change suppressions 2026-06-02T12:00:00.000Z',
        'finding f-b2 2026-06-03T08:00:00.000Z',
      ],
    },
    {
      name: 'by type across days',
      filter: { type: 'finding', since: JUNE_1, until: JUNE_1 + 3 * DAY },
      expected: [
        'finding f-a1 2026-06-01T09:00:00.000Z',
        'finding f-b1 2026-06-01T10:00:00.000Z',
        'finding f-a2 2026-06-02T09:00:00.000Z',
        'finding f-b2 2026-06-03T08:00:00.000Z',
      ],
    },
    {
      name: 'by principal for someone never seen',
      filter: { principalKey: 'user:123456789012:nobody' },
      expected: [],
    },
    {
      name: 'by two properties at once, read from the narrower index',
      filter: { caseId: 'case-1', principalKey: bob },
      expected: [],
    },
  ];

  it.each(cases)('reads $name', async ({ filter, expected }) => {
    // Act
    const records = await collect(reader.query(filter));

    // Assess
    expect(records.map(label)).toEqual(expected);
  });

  it('gives each record its id, hash and content as written', async () => {
    // Act
    const [approval] = await collect(reader.query({ caseId: 'case-1', type: 'approval' }));

    // Assess
    expect(approval).toEqual({
      id: `${approval?.chain}/2`,
      hash: approval?.hash,
      v: 1,
      chain: approval?.chain,
      seq: 2,
      prev: approval?.prev,
      type: 'approval',
      at: '2026-06-01T09:06:00.000Z',
      recordedAt: '2026-06-04T00:00:00.000Z',
      actor: 'arn:aws:iam::123456789012:user/security-lead',
      caseId: 'case-1',
      findingId: 'f-a1',
      principalKey: alice,
      data: { comment: 'confirmed with the manager' },
    });
    expect(approval?.chain).toMatch(/^playbook-20260604T000000Z-/);
  });

  it('refuses to read by day without both ends of the range', async () => {
    // Act
    const act = collect(reader.query({ since: JUNE_1 }));

    // Assess
    await expect(act).rejects.toThrow(
      new AuditRangeError(
        'reading records by day needs both since and until; expected a time range, or a principal, case, finding, detector or actor',
      ),
    );
  });

  it('skips an item whose body was destroyed, and says which', async () => {
    // Prepare
    const [finding] = await collect(reader.query({ findingId: 'f-b2' }));
    const [chain, seq] = (finding?.id ?? '').split('/');
    await local.doc.send(
      new UpdateCommand({
        TableName: AUDIT,
        Key: { pk: `C#${chain}`, sk: String(seq).padStart(12, '0') },
        UpdateExpression: 'SET body = :b REMOVE bodyGz',
        ExpressionAttributeValues: { ':b': 'not json' },
      }),
    );

    // Act
    const records = await collect(reader.query({ principalKey: bob }));

    // Assess
    expect(records.map(label)).toEqual(['finding f-b1 2026-06-01T10:00:00.000Z']);
    expect(skipped).toEqual([
      `C#${chain}/${String(seq).padStart(12, '0')}: its body does not decode (Unexpected token 'o', "not json" is not valid JSON)`,
    ]);
  });
});

describe('DynamoAuditReader over 3,000 records from 4 concurrent writers', () => {
  const TOTAL = 3_000;
  const WRITERS = 4;
  /** 3,000 records spread over the 30 days of June, 14.4 minutes apart. */
  const SPACING = (30 * DAY) / TOTAL;
  let local: LocalDynamo;
  let pagesSeen: number[];
  let counting: DynamoDBDocumentClient;

  beforeAll(async () => {
    local = await openAuditTable();
    const clock = new TestClock(JUNE_1 + 31 * DAY);
    const logs = Array.from(
      { length: WRITERS },
      () => new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock }),
    );
    await Promise.all(
      logs.map(async (log, w) => {
        for (let start = w * 10; start < TOTAL; start += WRITERS * 10) {
          const batch = Array.from({ length: 10 }, (_, j) => start + j).map((i) =>
            findingEntry(`f-${i}`, `p${i % 7}`, JUNE_1 + i * SPACING, `detector.${i % 3}`),
          );
          await log.append(batch);
        }
        await log.seal();
      }),
    );
    pagesSeen = [];
    counting = {
      send: async (command: unknown) => {
        const out = await local.doc.send(command as QueryCommand);
        if (command instanceof QueryCommand && command.input.IndexName !== undefined)
          pagesSeen.push(out.Items?.length ?? 0);
        return out;
      },
    } as unknown as DynamoDBDocumentClient;
  }, 120_000);
  afterAll(async () => {
    await local.close();
  });

  const expectOrderedAndWhole = (records: readonly AuditRecord[], expectedIds: readonly number[]): void => {
    expect(records.map((r) => Number(r.findingId?.slice(2)))).toEqual(expectedIds);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  };

  it('reads the whole month by day, a page at a time, oldest first', async () => {
    // Prepare
    pagesSeen = [];
    const reader = new DynamoAuditReader(counting, AUDIT, { pageSize: 100 });

    // Act
    const records = await collect(reader.query({ since: JUNE_1, until: JUNE_1 + 30 * DAY }));

    // Assess
    expectOrderedAndWhole(
      records,
      Array.from({ length: TOTAL }, (_, i) => i),
    );
    expect(Math.max(...pagesSeen)).toBe(100);
    expect(pagesSeen.reduce((a, b) => a + b, 0)).toBe(TOTAL);
  });

  it('reads one principal over pages of an odd size', async () => {
    // Prepare
    pagesSeen = [];
    const reader = new DynamoAuditReader(counting, AUDIT, { pageSize: 37 });

    // Act
    const records = await collect(reader.query({ principalKey: 'user:123456789012:p3' }));

    // Assess
    expectOrderedAndWhole(
      records,
      Array.from({ length: TOTAL }, (_, i) => i).filter((i) => i % 7 === 3),
    );
    expect(pagesSeen.length).toBe(Math.ceil(429 / 37));
  });

  it('reads a detector within a range', async () => {
    // Prepare
    const reader = new DynamoAuditReader(local.doc, AUDIT);
    const since = JUNE_1 + 10 * DAY;
    const until = JUNE_1 + 20 * DAY;

    // Act
    const records = await collect(reader.query({ detector: 'detector.2', since, until }));

    // Assess
    expectOrderedAndWhole(
      records,
      Array.from({ length: TOTAL }, (_, i) => i).filter(
        (i) => i % 3 === 2 && JUNE_1 + i * SPACING >= since && JUNE_1 + i * SPACING < until,
      ),
    );
  });

  it('verifies the table the four writers wrote, chain by chain', async () => {
    // Act
    const verification = await verifyAuditTable(new DynamoAuditReader(local.doc, AUDIT));

    // Assess
    expect(verification).toMatchObject({
      ok: true,
      chains: WRITERS,
      records: TOTAL,
      broken: [],
      unanchored: 0,
      expectedHeadMissing: null,
    });
    expect(verification.anchors.break).toBeNull();
    expect(verification.anchors.records).toBeGreaterThanOrEqual(WRITERS * (TOTAL / WRITERS / 100));
  });
});
