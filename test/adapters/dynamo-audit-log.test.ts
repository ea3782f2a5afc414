import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBody, recordItem } from '../../lambdas/adapters/audit-item.ts';
import { DynamoAuditReader } from '../../lambdas/adapters/audit-reader.ts';
import { AUDIT_PK } from '../../lambdas/adapters/audit-table.ts';
import { verifyAuditTable } from '../../lambdas/adapters/audit-verify.ts';
import { AuditWriterNameError, DynamoAuditLog } from '../../lambdas/adapters/dynamo-audit-log.ts';
import type { LocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import { canonicalJson as canonicalJsonOf } from '../../lambdas/core/audit/canonical-json.ts';
import {
  AuditEntryError,
  buildRecordContent,
  GENESIS_HASH,
  hashContent,
  sha256Hex,
} from '../../lambdas/core/audit/record.ts';
import type { AuditEntry } from '../../lambdas/core/ports.ts';
import {
  AUDIT,
  caseEntries,
  chainItemsRaw,
  cloudTrailRecord,
  findingEntry,
  JUNE_1,
  openAuditTable,
  TestClock,
} from './audit-fixtures.ts';

const NOW = JUNE_1 + 9 * 3_600_000;

const anchorsOf = async (local: LocalDynamo): Promise<Record<string, unknown>[]> => {
  const out = await local.doc.send(
    new QueryCommand({
      TableName: AUDIT,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': AUDIT_PK.anchors },
    }),
  );
  return (out.Items ?? []).map((item) => decodeBody(item));
};

const contentsOf = async (local: LocalDynamo, chain: string): Promise<Record<string, unknown>[]> =>
  (await chainItemsRaw(local, chain)).map((item) => decodeBody(item));

describe('DynamoAuditLog', () => {
  let local: LocalDynamo;
  let clock: TestClock;
  beforeEach(async () => {
    local = await openAuditTable();
    clock = new TestClock(NOW);
  });
  afterEach(async () => {
    await local.close();
  });

  it('stores each record under its chain and sequence number, with its hash and its canonical content', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });
    const [opened, decision] = caseEntries('case-1', 'f-1', 'user:123456789012:alice', JUNE_1) as [
      AuditEntry,
      AuditEntry,
    ];

    // Act
    await log.append([opened, decision]);

    // Assess
    const chain = log.chainId as string;
    expect(chain).toMatch(/^scorer-20260601T090000Z-[0-9a-f]{10}$/);
    const items = await chainItemsRaw(local, chain);
    const first = buildRecordContent(opened, { chain, seq: 0, prev: GENESIS_HASH }, NOW);
    const second = buildRecordContent(decision, { chain, seq: 1, prev: hashContent(first) }, NOW);
    expect(items).toEqual([
      {
        pk: `C#${chain}`,
        sk: '000000000000',
        hash: hashContent(first),
        at: JUNE_1,
        day: '2026-06-01',
        type: 'case-opened',
        actor: 'vigil:playbook',
        actorKey: 'vigil:playbook',
        caseId: 'case-1',
        findingId: 'f-1',
        principalKey: 'user:123456789012:alice',
        severity: 'high',
        body: canonicalJsonOf(first),
      },
      {
        pk: `C#${chain}`,
        sk: '000000000001',
        hash: hashContent(second),
        at: JUNE_1 + 1_000,
        day: '2026-06-01',
        type: 'decision',
        actor: 'vigil:playbook',
        actorKey: 'vigil:playbook',
        caseId: 'case-1',
        findingId: 'f-1',
        principalKey: 'user:123456789012:alice',
        result: 'approval',
        body: canonicalJsonOf(second),
      },
    ]);
  });

  it('gzips a large body and reads it back as it was hashed', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });
    const entry = findingEntry('f-1', 'alice', JUNE_1);

    // Act
    await log.append([entry]);

    // Assess
    const [item] = await chainItemsRaw(local, log.chainId as string);
    const expected = buildRecordContent(entry, { chain: log.chainId as string, seq: 0, prev: GENESIS_HASH }, NOW);
    expect(item?.body).toBeUndefined();
    expect(item?.bodyGz).toBeInstanceOf(Uint8Array);
    expect(decodeBody(item as Record<string, unknown>)).toEqual(JSON.parse(canonicalJsonOf(expected)));
    expect(item?.hash).toBe(hashContent(expected));
  });

  it('registers its chain and anchors the first append', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, { writer: 'playbook', clock });

    // Act
    await log.append([findingEntry('f-1', 'alice', JUNE_1), findingEntry('f-2', 'alice', JUNE_1)]);

    // Assess
    const chain = log.chainId as string;
    const registry = await local.doc.send(
      new QueryCommand({
        TableName: AUDIT,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'R' },
      }),
    );
    expect(registry.Items).toEqual([{ pk: 'R', sk: chain, writer: 'playbook', startedAt: '2026-06-01T09:00:00.000Z' }]);
    const items = await chainItemsRaw(local, chain);
    expect(await anchorsOf(local)).toEqual([
      {
        v: 1,
        kind: 'anchor',
        chain: 'anchors',
        seq: 0,
        prev: GENESIS_HASH,
        at: '2026-06-01T09:00:00.000Z',
        writer: 'playbook',
        head: { chain, seq: 1, hash: items[1]?.hash },
      },
    ]);
  });

  it('anchors again after anchorEvery records, after the interval, and on seal', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, {
      writer: 'scorer',
      clock,
      anchorEvery: 3,
      anchorIntervalMs: 60_000,
    });
    const one = (n: number) => [findingEntry(`f-${n}`, 'alice', JUNE_1 + n)];

    // Act
    await log.append(one(0));
    await log.append(one(1));
    await log.append(one(2));
    await log.append(one(3));
    clock.ms += 60_000;
    await log.append(one(4));
    await log.append(one(5));
    await log.seal();
    await log.seal();

    // Assess
    const heads = (await anchorsOf(local)).map((a) => [a.seq, (a.head as { seq: number }).seq, a.at]);
    expect(heads).toEqual([
      [0, 0, '2026-06-01T09:00:00.000Z'],
      [1, 3, '2026-06-01T09:00:00.000Z'],
      [2, 4, '2026-06-01T09:01:00.000Z'],
      [3, 5, '2026-06-01T09:01:00.000Z'],
    ]);
  });

  it('keeps one chain across appends and opens another for another instance', async () => {
    // Prepare
    const a = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });
    const b = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });

    // Act
    await a.append([findingEntry('f-1', 'alice', JUNE_1)]);
    await b.append([findingEntry('f-2', 'bob', JUNE_1)]);
    await a.append([findingEntry('f-3', 'alice', JUNE_1)]);

    // Assess
    expect(a.chainId).not.toBe(b.chainId);
    expect((await contentsOf(local, a.chainId as string)).map((c) => [c.seq, c.findingId])).toEqual([
      [0, 'f-1'],
      [1, 'f-3'],
    ]);
    expect((await contentsOf(local, b.chainId as string)).map((c) => [c.seq, c.findingId])).toEqual([[0, 'f-2']]);
  });

  it('writes concurrent appends of one instance in the order they were called', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });

    // Act
    await Promise.all([
      log.append([findingEntry('f-1', 'alice', JUNE_1), findingEntry('f-2', 'alice', JUNE_1)]),
      log.append([findingEntry('f-3', 'alice', JUNE_1)]),
      log.append([findingEntry('f-4', 'alice', JUNE_1)]),
    ]);

    // Assess
    expect((await contentsOf(local, log.chainId as string)).map((c) => c.findingId)).toEqual([
      'f-1',
      'f-2',
      'f-3',
      'f-4',
    ]);
  });

  it('refuses a batch with an invalid entry before writing any of it', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });
    const bad = { type: 'finding', at: JUNE_1, actor: '' } as AuditEntry;

    // Act
    const act = log.append([findingEntry('f-1', 'alice', JUNE_1), bad]);

    // Assess
    await expect(act).rejects.toThrow(new AuditEntryError('actor of the finding record is ""; expected a name'));
    expect(log.chainId).toBeNull();
  });

  it('writes a record whose acknowledgement was lost once, when the next append retries it', async () => {
    // Prepare
    let loseNext = false;
    const flaky = {
      send: async (command: unknown) => {
        const out = await local.doc.send(command as PutCommand);
        if (loseNext && command instanceof PutCommand && String(command.input.Item?.pk).startsWith('C#')) {
          loseNext = false;
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        }
        return out;
      },
    } as unknown as DynamoDBDocumentClient;
    const log = new DynamoAuditLog(flaky, AUDIT, { writer: 'scorer', clock });
    await log.append([findingEntry('f-1', 'alice', JUNE_1)]);
    loseNext = true;
    const lost = log.append([findingEntry('f-2', 'alice', JUNE_1)]);
    await expect(lost).rejects.toThrow('socket hang up');

    // Act
    await log.append([findingEntry('f-3', 'alice', JUNE_1)]);

    // Assess
    expect((await contentsOf(local, log.chainId as string)).map((c) => [c.seq, c.findingId])).toEqual([
      [0, 'f-1'],
      [1, 'f-2'],
      [2, 'f-3'],
    ]);
    const verification = await verifyAuditTable(new DynamoAuditReader(local.doc, AUDIT));
    expect(verification.ok).toBe(true);
  });

  it('moves to a new chain when a clone of it took its next place, and neither chain breaks', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });
    await log.append([findingEntry('f-1', 'alice', JUNE_1)]);
    const chain = log.chainId as string;
    const [first] = await chainItemsRaw(local, chain);
    const clone = recordItem(
      buildRecordContent(findingEntry('f-clone', 'bob', JUNE_1), { chain, seq: 1, prev: String(first?.hash) }, NOW),
    );
    await local.doc.send(new PutCommand({ TableName: AUDIT, Item: clone.item }));

    // Act
    await log.append([findingEntry('f-2', 'alice', JUNE_1)]);
    await log.seal();

    // Assess
    expect(log.chainId).not.toBe(chain);
    expect((await contentsOf(local, chain)).map((c) => c.findingId)).toEqual(['f-1', 'f-clone']);
    expect((await contentsOf(local, log.chainId as string)).map((c) => [c.seq, c.findingId])).toEqual([[0, 'f-2']]);
    const verification = await verifyAuditTable(new DynamoAuditReader(local.doc, AUDIT));
    expect(verification.ok).toBe(true);
  });

  it('puts an anchor off while the anchor chain stays busy, keeping the append, and anchors on the next', async () => {
    // Prepare
    let busy = true;
    const contended = {
      send: async (command: unknown) => {
        if (busy && command instanceof PutCommand && command.input.Item?.pk === AUDIT_PK.anchors) {
          throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
        }
        return local.doc.send(command as PutCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const log = new DynamoAuditLog(contended, AUDIT, { writer: 'scorer', clock, anchorAttempts: 3 });
    await log.append([findingEntry('f-1', 'alice', JUNE_1)]);
    busy = false;

    // Act
    await log.append([findingEntry('f-2', 'alice', JUNE_1)]);

    // Assess
    expect(log.anchorsDeferred).toBe(1);
    expect((await contentsOf(local, log.chainId as string)).map((c) => c.findingId)).toEqual(['f-1', 'f-2']);
    expect((await anchorsOf(local)).map((a) => a.head)).toEqual([
      { chain: log.chainId, seq: 1, hash: (await chainItemsRaw(local, log.chainId as string))[1]?.hash },
    ]);
  });

  it('stores a finding too large for one item with its CloudTrail records replaced by their digest', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });
    // Random text does not compress: three of these are well past 400 KB gzipped.
    const records = [0, 1, 2].map((n) => ({
      ...cloudTrailRecord(`e-${n}`, 'alice', 'carol', JUNE_1),
      requestParameters: { policy: randomBytes(150_000).toString('base64') },
    }));
    const entry = { ...findingEntry('f-big', 'alice', JUNE_1), data: { finding: { id: 'f-big' }, records } };

    // Act
    await log.append([entry]);

    // Assess
    const [content] = await contentsOf(local, log.chainId as string);
    const text = canonicalJsonOf(records);
    expect(content?.data).toEqual({
      finding: { id: 'f-big' },
      records: { omitted: true, bytes: Buffer.byteLength(text), sha256: sha256Hex(text) },
    });
  });

  it.each(['', 'scorer/1', 'a'.repeat(49), 'név'])('refuses the writer name %j', (writer) => {
    // Act
    const act = () => new DynamoAuditLog(local.doc, AUDIT, { writer, clock });

    // Assess
    expect(act).toThrow(
      new AuditWriterNameError(
        `audit writer name ${JSON.stringify(writer)} is not usable; expected 1 to 48 letters, digits, '.', '_' or '-'`,
      ),
    );
  });

  it('counts the write units it consumed', async () => {
    // Prepare
    const log = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });

    // Act
    await log.append([findingEntry('f-1', 'alice', JUNE_1)]);

    // Assess: the registry entry, the record and the anchor
    expect(log.metrics.writes).toBe(3);
    expect(log.metrics.writeUnits).toBeGreaterThanOrEqual(3);
  });
});
