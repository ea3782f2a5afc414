/**
 * A small audit table as `vigil demo` leaves one: alice's finding, the case it opened, the
 * approval and the containment; a finding about bob; a configuration change. And a sink that
 * collects what a command writes.
 */
import { Writable } from 'node:stream';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditDeps } from '../../../cli/audit/deps.ts';
import { recordItem } from '../../../lambdas/adapters/audit-item.ts';
import { AUDIT_PK } from '../../../lambdas/adapters/audit-table.ts';
import { DynamoAuditLog } from '../../../lambdas/adapters/dynamo-audit-log.ts';
import type { LocalDynamo } from '../../../lambdas/adapters/local-dynamo.ts';
import { buildRecordContent, GENESIS_HASH } from '../../../lambdas/core/audit/record.ts';
import type { AuditEntry } from '../../../lambdas/core/ports.ts';
import {
  AUDIT,
  caseEntries,
  findingEntry,
  HOUR,
  JUNE_1,
  openAuditTable,
  TestClock,
} from '../../adapters/audit-fixtures.ts';

/** What a command wrote, as text. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
  /** The lines written, without the final empty one. */
  lines(): string[] {
    return this.text.split('\n').slice(0, -1);
  }
}

/** When the scenario's commands run: 2026-06-04T00:00:00Z. */
export const NOW = JUNE_1 + 72 * HOUR;
/** Alice's principal key. */
export const ALICE = 'user:123456789012:alice';

/** The scenario's table and the chains its two writers wrote. */
export interface Scenario {
  readonly local: LocalDynamo;
  readonly deps: AuditDeps;
  readonly warnings: string[];
  readonly scorerChain: string;
  readonly playbookChain: string;
}

/** Opens a table holding the scenario. */
export const openScenario = async (extra: readonly AuditEntry[] = []): Promise<Scenario> => {
  const local = await openAuditTable();
  const clock = new TestClock(NOW);
  const scorer = new DynamoAuditLog(local.doc, AUDIT, { writer: 'scorer', clock });
  const playbook = new DynamoAuditLog(local.doc, AUDIT, { writer: 'playbook', clock });
  await scorer.append([
    findingEntry('f-a1', 'alice', JUNE_1 + 9 * HOUR),
    findingEntry('f-b1', 'bob', JUNE_1 + 26 * HOUR, 'iam.policy-attached-to-self'),
    ...extra,
  ]);
  await playbook.append([
    ...caseEntries('case-1', 'f-a1', ALICE, JUNE_1 + 9 * HOUR + 5 * 60_000),
    {
      type: 'config-change',
      at: JUNE_1 + 30 * HOUR,
      actor: 'arn:aws:iam::123456789012:user/admin',
      target: 'suppressions',
      result: 'added s-1',
    },
  ]);
  await scorer.seal();
  await playbook.seal();
  const warnings: string[] = [];
  return {
    local,
    deps: { doc: local.doc, tableName: AUDIT, now: () => NOW, warn: (m) => warnings.push(m) },
    warnings,
    scorerChain: scorer.chainId as string,
    playbookChain: playbook.chainId as string,
  };
};

/**
 * Writes `count` records as one valid chain straight to the table, 25 an request: for tests that
 * need thousands of records to read and no writer behaviour.
 */
export const writeChainDirect = async (
  local: LocalDynamo,
  chain: string,
  count: number,
  entryOf: (i: number) => AuditEntry,
): Promise<void> => {
  const items: Record<string, unknown>[] = [
    { pk: AUDIT_PK.registry, sk: chain, writer: 'bulk', startedAt: new Date(NOW).toISOString() },
  ];
  let prev = GENESIS_HASH;
  for (let seq = 0; seq < count; seq++) {
    const { item, hash } = recordItem(buildRecordContent(entryOf(seq), { chain, seq, prev }, NOW));
    items.push(item);
    prev = hash;
  }
  for (let i = 0; i < items.length; i += 25) {
    await local.doc.send(
      new BatchWriteCommand({
        RequestItems: { [AUDIT]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
};
