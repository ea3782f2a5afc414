/**
 * Verifies the whole audit table: the anchor chain first (it says how far each writer chain
 * must reach), then every chain the registry or an anchor names, one at a time, each read in
 * key order. Memory holds the anchors' heads and the set of chain ids, never a chain's records.
 */
import { ANCHOR_CHAIN, anchorAttributes, recordAttributes } from '../core/audit/record.ts';
import { type AnchoredHead, type ChainReport, ChainVerifier } from '../core/audit/verify.ts';
import type { DynamoAuditReader } from './audit-reader.ts';

/** A chain's report, with the writer that registered it (null when the registry has no entry). */
export type VerifiedChain = ChainReport & { readonly writer: string | null };

/** The outcome of verifying the table. */
export interface AuditVerification {
  readonly ok: boolean;
  /** The anchor chain's own report; its head is what an auditor records to compare next time. */
  readonly anchors: ChainReport;
  readonly chains: number;
  readonly records: number;
  /** Chains with a break, in the order verified. */
  readonly broken: readonly VerifiedChain[];
  /** Records no anchor covers yet, over all chains. */
  readonly unanchored: number;
  /** Set when an expected anchor head was given and the anchor chain does not reach it with that hash. */
  readonly expectedHeadMissing: string | null;
}

/** Options of verifyAuditTable. */
export interface VerifyAuditOptions {
  /** Called with each chain's report as soon as it is verified; verifying waits for it. */
  readonly onChain?: (report: VerifiedChain) => void | Promise<void>;
  /** An anchor head recorded earlier (`<seq>:<hash>`): the anchor chain must still hold it. */
  readonly expectAnchor?: { readonly seq: number; readonly hash: string };
}

/** Walks every chain of the table and reports each chain's first broken link. */
export const verifyAuditTable = async (
  reader: DynamoAuditReader,
  options: VerifyAuditOptions = {},
): Promise<AuditVerification> => {
  const anchorVerifier = new ChainVerifier(ANCHOR_CHAIN, { expectedAttributes: anchorAttributes });
  const heads = new Map<string, AnchoredHead[]>();
  let expectedHash: string | null = null;
  for await (const item of reader.chainItems(ANCHOR_CHAIN)) {
    anchorVerifier.push(item);
    if ('undecodable' in item.content) continue;
    const anchorSeq = Number(item.key);
    if (options.expectAnchor !== undefined && anchorSeq === options.expectAnchor.seq) expectedHash = String(item.hash);
    const head = item.content.head as { chain?: unknown; seq?: unknown; hash?: unknown } | undefined;
    if (typeof head?.chain !== 'string' || typeof head.seq !== 'number' || typeof head.hash !== 'string') continue;
    const list = heads.get(head.chain) ?? [];
    list.push({ seq: head.seq, hash: head.hash, anchorSeq });
    heads.set(head.chain, list);
  }
  const anchors = anchorVerifier.finish();

  const broken: VerifiedChain[] = [];
  let chains = 0;
  let records = 0;
  let unanchored = 0;
  const verify = async (chain: string, writer: string | null): Promise<void> => {
    const verifier = new ChainVerifier(chain, {
      anchored: heads.get(chain) ?? [],
      expectedAttributes: recordAttributes,
    });
    for await (const item of reader.chainItems(chain)) verifier.push(item);
    let report: VerifiedChain = { ...verifier.finish(), writer };
    if (writer === null && report.break === null && report.records > 0) {
      report = {
        ...report,
        break: { kind: 'deleted', seq: 0, detail: 'the chain registry has no entry for this chain' },
      };
    }
    chains += 1;
    records += report.records;
    unanchored += report.unanchored;
    if (report.break !== null) broken.push(report);
    await options.onChain?.(report);
  };

  const registered = new Set<string>();
  for await (const registration of reader.chains()) {
    registered.add(registration.chain);
    await verify(registration.chain, registration.writer);
  }
  for (const chain of [...heads.keys()].sort()) if (!registered.has(chain)) await verify(chain, null);

  let expectedHeadMissing: string | null = null;
  if (options.expectAnchor !== undefined && expectedHash !== options.expectAnchor.hash) {
    const { seq, hash } = options.expectAnchor;
    expectedHeadMissing =
      expectedHash === null
        ? `anchor ${seq} is missing: the anchor chain ends at ${anchors.head?.seq ?? 'nothing'}; expected it to hold ${seq}:${hash}`
        : `anchor ${seq} has hash ${expectedHash}; expected ${hash}`;
  }
  return {
    ok: anchors.break === null && broken.length === 0 && expectedHeadMissing === null,
    anchors,
    chains,
    records,
    broken,
    unanchored,
    expectedHeadMissing,
  };
};
