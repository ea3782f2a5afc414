/**
 * `vigil audit verify`: walks the anchor chain and every writer chain, prints one line a chain
 * as it goes and the first broken link of each broken chain, and ends with the anchor head to
 * note down, so a later run can prove the table was not rewritten since (`expectAnchor`).
 */
import { type AuditVerification, type VerifiedChain, verifyAuditTable } from '../../lambdas/adapters/audit-verify.ts';
import type { ChainReport } from '../../lambdas/core/audit/verify.ts';
import { UsageError } from '../errors.ts';
import { type AuditDeps, readerOf } from './deps.ts';
import { safeText, writeOut } from './render.ts';

/** Options of `vigil audit verify`. */
export interface AuditVerifyOptions {
  /** An anchor head printed by an earlier run, `<seq>:<sha256>`: the table must still hold it. */
  readonly expectAnchor?: string;
  /** Print only broken chains and the summary. @default false */
  readonly quiet?: boolean;
}

/** The outcome, with the exit status the command should end with: 0 intact, 1 broken. */
export type AuditVerifyResult = AuditVerification & { readonly exitCode: 0 | 1 };

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

const state = (report: ChainReport): string => {
  if (report.break === null) return 'ok';
  return `BROKEN at record ${report.break.seq}: ${report.break.kind}: ${report.break.detail}`;
};

/** One line for a writer chain. */
export const chainLine = (report: VerifiedChain): string => {
  const anchored =
    report.anchoredThrough !== null
      ? `, anchored through ${report.anchoredThrough}`
      : report.break === null && report.records > 0
        ? ', not anchored'
        : '';
  const after =
    report.anchoredThrough !== null && report.unanchored > 0 ? `, ${report.unanchored} after the last anchor` : '';
  const writer = report.writer === null ? 'no registry entry' : report.writer;
  return safeText(
    `chain ${report.chain} (${writer}): ${plural(report.records, 'record')}${anchored}${after}: ${state(report)}`,
  );
};

const parseExpectAnchor = (value: string): { seq: number; hash: string } => {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value.trim());
  if (match === null) {
    throw new UsageError(
      `--expect-anchor ${JSON.stringify(value)} is not an anchor head; expected <seq>:<64 hex digits>, as verify prints it`,
    );
  }
  return { seq: Number(match[1]), hash: match[2] as string };
};

/** Verifies every chain of the table, writing the report to `out`. */
export const auditVerify = async (
  deps: AuditDeps,
  out: NodeJS.WritableStream,
  opts: AuditVerifyOptions = {},
): Promise<AuditVerifyResult> => {
  const expectAnchor = opts.expectAnchor === undefined ? undefined : parseExpectAnchor(opts.expectAnchor);
  const result = await verifyAuditTable(readerOf(deps), {
    ...(expectAnchor === undefined ? {} : { expectAnchor }),
    onChain: async (report) => {
      if (!opts.quiet || report.break !== null) await writeOut(out, `${chainLine(report)}\n`);
    },
  });
  const anchors = result.anchors;
  const head = anchors.head === null ? 'none' : `${anchors.head.seq}:${anchors.head.hash}`;
  await writeOut(
    out,
    `${safeText(`anchors: ${plural(anchors.records, 'anchor')}, head ${head}: ${state(anchors)}`)}\n`,
  );
  if (result.expectedHeadMissing !== null)
    await writeOut(out, `anchor head check FAILED: ${result.expectedHeadMissing}\n`);
  const problems = [
    ...(result.broken.length + (anchors.break === null ? 0 : 1) > 0
      ? [plural(result.broken.length + (anchors.break === null ? 0 : 1), 'broken chain')]
      : []),
    ...(result.expectedHeadMissing === null ? [] : ['anchor head missing']),
  ];
  const verdict = result.ok ? 'OK' : `BROKEN (${problems.join(', ')})`;
  const unanchored =
    result.unanchored > 0 ? `; ${plural(result.unanchored, 'record')} not yet covered by an anchor` : '';
  await writeOut(
    out,
    `verified ${plural(result.chains, 'chain')}, ${plural(result.records, 'record')}: ${verdict}${unanchored}\n`,
  );
  if (anchors.head !== null) {
    await writeOut(out, `note the anchor head to check it was not rewritten later: --expect-anchor ${head}\n`);
  }
  return { ...result, exitCode: result.ok ? 0 : 1 };
};
