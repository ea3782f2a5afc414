/**
 * Checks one hash chain, record by record in key order, and names the first broken link and
 * what kind of break it is. Pure: the adapter reads the items and decodes their content; this
 * decides. Only the first break of a chain is reported: after it every link is suspect, and
 * more messages would bury the one that matters.
 *
 * How a break is told apart (`k` is the sequence number in the item's key):
 * - the key is not a sequence number, or the content belongs to another chain: inserted;
 * - keys jump from `k` to `k+n`: deleted (records `k` to `k+n-1` are missing);
 * - the content's own sequence number differs from the key while its hash still holds: the
 *   record was moved. If the next record is off by the same amount the rest were renumbered
 *   around a deletion (ahead) or an insertion (behind); otherwise the records were reordered.
 *   A record moved to a later place reads as a deletion at its old place, which is what it is
 *   there;
 * - the content does not hash to the stored hash, or a plain attribute disagrees with it: changed;
 * - the record's `prev` is not the hash of the record before it: if it is the hash of the one
 *   before that, that record was inserted; if the next record links over this one, or an anchor
 *   vouches for the record before, this one was inserted; otherwise the record before was
 *   changed and its hash computed again;
 * - an anchor recorded another hash for this sequence number: changed at or before it;
 * - an anchor recorded a sequence number past the chain's last record: tail truncated.
 */
import { GENESIS_HASH, hashContent, parseSeqKey } from './record.ts';

/** The kinds of break `vigil audit verify` reports. */
export const BREAK_KINDS = ['changed', 'deleted', 'inserted', 'reordered', 'tail-truncated'] as const;
/** What kind of tampering a broken link shows. */
export type BreakKind = (typeof BREAK_KINDS)[number];

/** The first broken link of a chain. */
export interface ChainBreak {
  readonly kind: BreakKind;
  /** Sequence number where the chain breaks. */
  readonly seq: number;
  /** One line for a human: what was found and what was expected. */
  readonly detail: string;
}

/** An item as stored, decoded by the adapter. */
export interface ChainItem {
  /** The sort key as stored. */
  readonly key: string;
  /** The stored `hash` attribute. */
  readonly hash: unknown;
  /** The decoded content, or why it could not be decoded. */
  readonly content: Readonly<Record<string, unknown>> | { readonly undecodable: string };
  /** Every other stored attribute (everything but the keys, the hash and the content). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A chain head an anchor recorded. */
export interface AnchoredHead {
  readonly seq: number;
  readonly hash: string;
  /** Sequence number of the anchor that recorded it. */
  readonly anchorSeq: number;
}

/** What verifying one chain found. */
export interface ChainReport {
  readonly chain: string;
  /** Items read. */
  readonly records: number;
  /** The last item read: its sequence number and stored hash. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** The highest sequence number an anchor vouches for and the chain matches, or null. */
  readonly anchoredThrough: number | null;
  /** Records after `anchoredThrough` (0 for a broken chain): their loss could not be told from a writer that stopped. */
  readonly unanchored: number;
  readonly break: ChainBreak | null;
}

/** Options of a ChainVerifier. */
export interface ChainVerifierOptions {
  /** Heads anchors recorded for this chain, in any order. */
  readonly anchored?: readonly AnchoredHead[];
  /** The plain attributes an item with this content must carry. */
  readonly expectedAttributes: (content: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

interface Decoded {
  readonly item: ChainItem;
  readonly key: number | null;
  readonly content: Readonly<Record<string, unknown>> | null;
  readonly selfHash: string | null;
}

/** Verifies one chain fed item by item in key order: `push` each, then `finish`. */
export class ChainVerifier {
  private readonly anchored: readonly AnchoredHead[];
  private anchorIndex = 0;
  private pending: Decoded | null = null;
  private expected = 0;
  private prevHash = GENESIS_HASH;
  private prevPrevHash: string | null = null;
  /** Whether an anchor vouched for the previous record's hash: then a link that misses it is not its fault. */
  private prevAnchored = false;
  private records = 0;
  private head: ChainReport['head'] = null;
  private anchoredThrough: number | null = null;
  private broken: ChainBreak | null = null;

  constructor(
    readonly chain: string,
    private readonly options: ChainVerifierOptions,
  ) {
    this.anchored = [...(options.anchored ?? [])].sort((a, b) => a.seq - b.seq || a.anchorSeq - b.anchorSeq);
  }

  /** Feeds the next item in key order. */
  push(item: ChainItem): void {
    const decoded = this.decode(item);
    this.records += 1;
    if (this.pending !== null) this.check(this.pending, decoded);
    this.pending = decoded;
  }

  /** Checks the last item and the anchors past it; returns the report. */
  finish(): ChainReport {
    if (this.pending !== null) this.check(this.pending, null);
    this.pending = null;
    if (this.broken === null) {
      const last = this.anchored.at(-1);
      if (last !== undefined && last.seq >= this.expected) {
        this.broken = {
          kind: 'tail-truncated',
          seq: this.expected,
          detail:
            this.expected === last.seq
              ? `record ${last.seq} is missing; anchor ${last.anchorSeq} recorded it`
              : `records ${this.expected} to ${last.seq} are missing; anchor ${last.anchorSeq} recorded the chain at ${last.seq}`,
        };
      }
    }
    const covered = this.anchoredThrough === null ? 0 : this.anchoredThrough + 1;
    return {
      chain: this.chain,
      records: this.records,
      head: this.head,
      anchoredThrough: this.anchoredThrough,
      unanchored: this.broken === null ? Math.max(0, this.records - covered) : 0,
      break: this.broken,
    };
  }

  private decode(item: ChainItem): Decoded {
    const key = parseSeqKey(item.key);
    if (key !== null && typeof item.hash === 'string') this.head = { seq: key, hash: item.hash };
    if ('undecodable' in item.content) return { item, key, content: null, selfHash: null };
    let selfHash: string | null;
    try {
      selfHash = hashContent(item.content);
    } catch {
      selfHash = null;
    }
    return { item, key, content: item.content, selfHash };
  }

  private check(current: Decoded, next: Decoded | null): void {
    if (this.broken !== null) return;
    this.broken = this.findBreak(current, next);
    if (this.broken !== null || current.key === null) return;
    this.expected = current.key + 1;
    this.prevPrevHash = this.prevHash;
    this.prevHash = current.item.hash as string;
    this.prevAnchored = this.anchoredThrough === current.key;
  }

  private findBreak(current: Decoded, next: Decoded | null): ChainBreak | null {
    const { item, key, content, selfHash } = current;
    if (key === null) {
      return {
        kind: 'inserted',
        seq: this.expected,
        detail: `item with key ${JSON.stringify(item.key)} is not a record of this chain`,
      };
    }
    if (content === null) {
      const reason = 'undecodable' in item.content ? item.content.undecodable : 'unknown';
      return { kind: 'changed', seq: key, detail: `record ${key} cannot be read: ${reason}` };
    }
    const selfOk = selfHash !== null && selfHash === item.hash;
    if (content.chain !== this.chain) {
      return selfOk
        ? {
            kind: 'inserted',
            seq: key,
            detail: `record ${key} is a copy of record ${String(content.seq)} of chain ${String(content.chain)}`,
          }
        : {
            kind: 'changed',
            seq: key,
            detail: `record ${key} names chain ${JSON.stringify(content.chain)}; expected ${this.chain}`,
          };
    }
    if (key > this.expected) {
      return {
        kind: 'deleted',
        seq: this.expected,
        detail:
          key === this.expected + 1
            ? `record ${this.expected} is missing`
            : `records ${this.expected} to ${key - 1} are missing`,
      };
    }
    if (content.seq !== key) return this.moved(current, content, selfOk, next);
    if (!selfOk) {
      return { kind: 'changed', seq: key, detail: `record ${key} does not match its hash: its content was edited` };
    }
    const mismatch = attributeMismatch(item.attributes, this.options.expectedAttributes(content));
    if (mismatch !== null) return { kind: 'changed', seq: key, detail: `record ${key}: ${mismatch}` };
    if (content.prev !== this.prevHash) return this.unlinked(key, content, next);
    return this.checkAnchors(key, item.hash as string);
  }

  private moved(
    current: Decoded,
    content: Readonly<Record<string, unknown>>,
    selfOk: boolean,
    next: Decoded | null,
  ): ChainBreak {
    const key = current.key as number;
    if (!selfOk || typeof content.seq !== 'number') {
      return {
        kind: 'changed',
        seq: key,
        detail: `record ${key} says it is record ${String(content.seq)} and does not match its hash`,
      };
    }
    const offset = content.seq - key;
    const nextOffset = next?.key != null && next.content !== null ? (next.content.seq as number) - next.key : null;
    if (offset > 0 && nextOffset === offset) {
      return {
        kind: 'deleted',
        seq: key,
        detail: `${offset === 1 ? `record ${key} is missing` : `records ${key} to ${content.seq - 1} are missing`} and the records after it were renumbered`,
      };
    }
    if (offset < 0 && nextOffset === offset) {
      return {
        kind: 'inserted',
        seq: key + offset,
        detail: `${-offset === 1 ? `record ${key + offset} was inserted` : `records ${key + offset} to ${key - 1} were inserted`}; record ${content.seq} now sits at ${key}`,
      };
    }
    return { kind: 'reordered', seq: key, detail: `record ${content.seq} sits at position ${key}` };
  }

  private unlinked(key: number, content: Readonly<Record<string, unknown>>, next: Decoded | null): ChainBreak {
    if (this.prevPrevHash !== null && content.prev === this.prevPrevHash) {
      return {
        kind: 'inserted',
        seq: key - 1,
        detail: `record ${key} links to record ${key - 2}: record ${key - 1} was inserted`,
      };
    }
    if (next?.content != null && next.content.prev === this.prevHash) {
      return {
        kind: 'inserted',
        seq: key,
        detail: `record ${key + 1} links to record ${key - 1}: record ${key} was inserted`,
      };
    }
    if (this.prevAnchored) {
      return {
        kind: 'inserted',
        seq: key,
        detail: `record ${key} does not link to record ${key - 1}, which an anchor vouches for: record ${key} was inserted`,
      };
    }
    if (key === 0) {
      return { kind: 'changed', seq: 0, detail: 'record 0 does not start the chain: its prev is not the genesis hash' };
    }
    return {
      kind: 'changed',
      seq: key - 1,
      detail: `record ${key} links to a hash record ${key - 1} no longer has: record ${key - 1} was edited and hashed again`,
    };
  }

  private checkAnchors(key: number, hash: string): ChainBreak | null {
    while (this.anchorIndex < this.anchored.length) {
      const anchor = this.anchored[this.anchorIndex] as AnchoredHead;
      if (anchor.seq > key) break;
      this.anchorIndex += 1;
      if (anchor.seq < key) continue;
      if (anchor.hash !== hash) {
        return {
          kind: 'changed',
          seq: key,
          detail: `anchor ${anchor.anchorSeq} recorded another hash for record ${key}: the chain was rewritten at or before it`,
        };
      }
      this.anchoredThrough = key;
    }
    return null;
  }
}

const attributeMismatch = (
  actual: Readonly<Record<string, unknown>>,
  expected: Readonly<Record<string, unknown>>,
): string | null => {
  for (const name of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const want = expected[name];
    const have = actual[name];
    if (want === have) continue;
    if (want === undefined) return `attribute ${name} is ${JSON.stringify(have)} but the record has none`;
    if (have === undefined) return `attribute ${name} is missing; the record says ${JSON.stringify(want)}`;
    return `attribute ${name} is ${JSON.stringify(have)}; the record says ${JSON.stringify(want)}`;
  }
  return null;
};
