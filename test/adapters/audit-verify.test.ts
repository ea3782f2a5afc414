import { gzipSync } from 'node:zlib';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBody, recordItem } from '../../lambdas/adapters/audit-item.ts';
import { DynamoAuditReader } from '../../lambdas/adapters/audit-reader.ts';
import { AUDIT_PK, chainPartition } from '../../lambdas/adapters/audit-table.ts';
import { type AuditVerification, verifyAuditTable } from '../../lambdas/adapters/audit-verify.ts';
import { DynamoAuditLog } from '../../lambdas/adapters/dynamo-audit-log.ts';
import type { LocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import { canonicalJson } from '../../lambdas/core/audit/canonical-json.ts';
import type { AuditRecordContent } from '../../lambdas/core/audit/record.ts';
import { buildRecordContent, seqKey } from '../../lambdas/core/audit/record.ts';
import {
  AUDIT,
  chainItemsRaw,
  deleteRaw,
  findingEntry,
  getItem,
  HOUR,
  JUNE_1,
  openAuditTable,
  putRaw,
  TestClock,
} from './audit-fixtures.ts';

/** Records each of the two writers appends, three at a time; anchors every five, then sealed. */
const PER_WRITER = 12;

describe('verifyAuditTable on a table tampered with', () => {
  let local: LocalDynamo;
  let chains: string[];

  beforeEach(async () => {
    local = await openAuditTable();
    const clock = new TestClock(JUNE_1 + 12 * HOUR);
    const logs = [0, 1].map(() => new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock, anchorEvery: 5 }));
    await Promise.all(
      logs.map(async (log, w) => {
        for (let i = 0; i < PER_WRITER; i += 3) {
          await log.append([0, 1, 2].map((j) => findingEntry(`f-${w}-${i + j}`, `p${j}`, JUNE_1 + (i + j) * 60_000)));
        }
        await log.seal();
      }),
    );
    chains = logs.map((log) => log.chainId as string);
  });
  afterEach(async () => {
    await local.close();
  });

  const verify = (expectAnchor?: { seq: number; hash: string }): Promise<AuditVerification> =>
    verifyAuditTable(new DynamoAuditReader(local.doc, AUDIT), expectAnchor === undefined ? {} : { expectAnchor });

  const target = (): string => chains[0] as string;
  const pk = (): string => chainPartition(target());

  const rewrite = async (
    seq: number,
    change: (content: AuditRecordContent) => AuditRecordContent,
    at = seq,
  ): Promise<void> => {
    const item = await getItem(local, pk(), seqKey(seq));
    const content = change(decodeBody(item) as unknown as AuditRecordContent);
    await deleteRaw(local, pk(), seqKey(seq));
    await putRaw(local, { ...recordItem(content).item, sk: seqKey(at) });
  };

  const brokenOf = async (): Promise<unknown> => {
    const verification = await verify();
    expect(verification.ok).toBe(false);
    return verification.broken.map((c) => ({ chain: c.chain, writer: c.writer, break: c.break }));
  };

  it('passes the untouched table the two concurrent writers left', async () => {
    // Act
    const verification = await verify();

    // Assess
    expect(verification).toMatchObject({ ok: true, chains: 2, records: 2 * PER_WRITER, broken: [], unanchored: 0 });
    expect(verification.anchors.break).toBeNull();
  });

  it('catches a field changed in place', async () => {
    // Prepare
    await local.doc.send(
      new UpdateCommand({
        TableName: AUDIT,
        Key: { pk: pk(), sk: seqKey(4) },
        UpdateExpression: 'SET severity = :s',
        ExpressionAttributeValues: { ':s': 'low' },
      }),
    );

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      {
        chain: target(),
        writer: 'scorer',
        break: { kind: 'changed', seq: 4, detail: 'record 4: attribute severity is "low"; the record says "high"' },
      },
    ]);
  });

  it('catches a field changed inside the stored content', async () => {
    // Prepare
    const item = await getItem(local, pk(), seqKey(4));
    const content = { ...decodeBody(item), severity: 'low' };
    await putRaw(local, { ...item, bodyGz: gzipSync(canonicalJson(content)) });

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      {
        chain: target(),
        writer: 'scorer',
        break: { kind: 'changed', seq: 4, detail: 'record 4 does not match its hash: its content was edited' },
      },
    ]);
  });

  it('catches a record changed and hashed again', async () => {
    // Prepare
    await rewrite(4, (c) => ({ ...c, severity: 'low' }));

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      {
        chain: target(),
        writer: 'scorer',
        break: {
          kind: 'changed',
          seq: 4,
          detail: 'record 5 links to a hash record 4 no longer has: record 4 was edited and hashed again',
        },
      },
    ]);
  });

  it('catches a deleted record', async () => {
    // Prepare
    await deleteRaw(local, pk(), seqKey(6));

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      { chain: target(), writer: 'scorer', break: { kind: 'deleted', seq: 6, detail: 'record 6 is missing' } },
    ]);
  });

  it('catches an inserted record', async () => {
    // Prepare: the records from 5 on move up a place to make room for a forged record 5
    for (let seq = PER_WRITER - 1; seq >= 5; seq--) await rewrite(seq, (c) => c, seq + 1);
    const before = await getItem(local, pk(), seqKey(4));
    const forged = buildRecordContent(
      findingEntry('f-forged', 'framed', JUNE_1),
      { chain: target(), seq: 5, prev: String(before.hash) },
      JUNE_1 + 12 * HOUR,
    );
    await putRaw(local, recordItem(forged).item);

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      {
        chain: target(),
        writer: 'scorer',
        break: { kind: 'inserted', seq: 5, detail: 'record 5 was inserted; record 5 now sits at 6' },
      },
    ]);
  });

  it('catches reordered records', async () => {
    // Prepare
    const second = await getItem(local, pk(), seqKey(2));
    const third = await getItem(local, pk(), seqKey(3));
    await putRaw(local, { ...third, sk: seqKey(2) });
    await putRaw(local, { ...second, sk: seqKey(3) });

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      {
        chain: target(),
        writer: 'scorer',
        break: { kind: 'reordered', seq: 2, detail: 'record 3 sits at position 2' },
      },
    ]);
  });

  it("catches a chain's truncated tail", async () => {
    // Prepare
    for (const seq of [9, 10, 11]) await deleteRaw(local, pk(), seqKey(seq));

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      {
        chain: target(),
        writer: 'scorer',
        break: {
          kind: 'tail-truncated',
          seq: 9,
          detail: `records 9 to 11 are missing; anchor ${await lastAnchorOf(target())} recorded the chain at 11`,
        },
      },
    ]);
  });

  it('catches a chain deleted whole, registry entry included', async () => {
    // Prepare
    const anchor = await lastAnchorOf(target());
    for (const item of await chainItemsRaw(local, target())) await deleteRaw(local, pk(), String(item.sk));
    await deleteRaw(local, AUDIT_PK.registry, target());

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      {
        chain: target(),
        writer: null,
        break: {
          kind: 'tail-truncated',
          seq: 0,
          detail: `records 0 to 11 are missing; anchor ${anchor} recorded the chain at 11`,
        },
      },
    ]);
  });

  it('catches a chain hidden by deleting its registry entry', async () => {
    // Prepare
    await deleteRaw(local, AUDIT_PK.registry, target());

    // Act
    const broken = await brokenOf();

    // Assess
    expect(broken).toEqual([
      {
        chain: target(),
        writer: null,
        break: { kind: 'deleted', seq: 0, detail: 'the chain registry has no entry for this chain' },
      },
    ]);
  });

  it('catches a deleted anchor', async () => {
    // Prepare
    await deleteRaw(local, AUDIT_PK.anchors, seqKey(1));

    // Act
    const verification = await verify();

    // Assess
    expect(verification.ok).toBe(false);
    expect(verification.anchors.break).toEqual({ kind: 'deleted', seq: 1, detail: 'record 1 is missing' });
  });

  it('catches anchors deleted from the end against the head an auditor noted', async () => {
    // Prepare
    const noted = (await verify()).anchors.head as { seq: number; hash: string };
    await deleteRaw(local, AUDIT_PK.anchors, seqKey(noted.seq));

    // Act
    const verification = await verify(noted);

    // Assess
    expect(verification.ok).toBe(false);
    expect(verification.expectedHeadMissing).toBe(
      `anchor ${noted.seq} is missing: the anchor chain ends at ${noted.seq - 1}; expected it to hold ${noted.seq}:${noted.hash}`,
    );
  });

  const lastAnchorOf = async (chain: string): Promise<number> => {
    let last = -1;
    for await (const item of new DynamoAuditReader(local.doc, AUDIT).chainItems('anchors')) {
      const content = item.content as { head?: { chain?: string } };
      if (content.head?.chain === chain) last = Number(item.key);
    }
    return last;
  };
});
