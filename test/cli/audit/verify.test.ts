import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditVerify } from '../../../cli/audit/verify.ts';
import { UsageError } from '../../../cli/errors.ts';
import { AUDIT_PK, chainPartition } from '../../../lambdas/adapters/audit-table.ts';
import { seqKey } from '../../../lambdas/core/audit/record.ts';
import { deleteRaw, getItem } from '../../adapters/audit-fixtures.ts';
import { Capture, openScenario, type Scenario } from './fixtures.ts';

describe('auditVerify', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = await openScenario();
  });
  afterEach(async () => {
    await scenario.local.close();
  });

  const anchorHead = async (): Promise<string> => {
    const item = await getItem(scenario.local, AUDIT_PK.anchors, seqKey(1));
    return `1:${String(item.hash)}`;
  };

  it('reports each chain and the anchor head of an intact table, and exits 0', async () => {
    // Prepare
    const out = new Capture();
    const [first, second] = [scenario.playbookChain, scenario.scorerChain].sort();

    // Act
    const result = await auditVerify(scenario.deps, out);

    // Assess
    const head = await anchorHead();
    const lineOf = (chain: string) =>
      chain === scenario.playbookChain
        ? `chain ${chain} (playbook): 7 records, anchored through 6: ok`
        : `chain ${chain} (scorer): 2 records, anchored through 1: ok`;
    expect(out.lines()).toEqual([
      lineOf(first as string),
      lineOf(second as string),
      `anchors: 2 anchors, head ${head}: ok`,
      'verified 2 chains, 9 records: OK',
      `note the anchor head to check it was not rewritten later: --expect-anchor ${head}`,
    ]);
    expect(result.exitCode).toBe(0);
  });

  it('names the first broken link and its kind, and exits 1', async () => {
    // Prepare
    await deleteRaw(scenario.local, chainPartition(scenario.playbookChain), seqKey(3));
    const out = new Capture();

    // Act
    const result = await auditVerify(scenario.deps, out, { quiet: true });

    // Assess
    const head = await anchorHead();
    expect(out.lines()).toEqual([
      `chain ${scenario.playbookChain} (playbook): 6 records: BROKEN at record 3: deleted: record 3 is missing`,
      `anchors: 2 anchors, head ${head}: ok`,
      'verified 2 chains, 8 records: BROKEN (1 broken chain)',
      `note the anchor head to check it was not rewritten later: --expect-anchor ${head}`,
    ]);
    expect(result.exitCode).toBe(1);
  });

  it('fails when the anchor head noted earlier is gone', async () => {
    // Prepare
    const head = await anchorHead();
    const first = await getItem(scenario.local, AUDIT_PK.anchors, seqKey(0));
    await deleteRaw(scenario.local, AUDIT_PK.anchors, seqKey(1));
    const out = new Capture();

    // Act
    const result = await auditVerify(scenario.deps, out, { expectAnchor: head, quiet: true });

    // Assess
    expect(out.lines()).toEqual([
      `anchors: 1 anchor, head 0:${String(first.hash)}: ok`,
      `anchor head check FAILED: anchor 1 is missing: the anchor chain ends at 0; expected it to hold ${head}`,
      'verified 2 chains, 9 records: BROKEN (anchor head missing); 7 records not yet covered by an anchor',
      `note the anchor head to check it was not rewritten later: --expect-anchor 0:${String(first.hash)}`,
    ]);
    expect(result.exitCode).toBe(1);
  });

  it('refuses an anchor head that is not one', async () => {
    // Act
    const act = auditVerify(scenario.deps, new Capture(), { expectAnchor: '1:abc' });

    // Assess
    await expect(act).rejects.toThrow(
      new UsageError(
        '--expect-anchor "1:abc" is not an anchor head; expected <seq>:<64 hex digits>, as verify prints it',
      ),
    );
  });
});
