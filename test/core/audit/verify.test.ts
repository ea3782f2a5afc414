import { describe, expect, it } from 'vitest';
import {
  buildRecordContent,
  GENESIS_HASH,
  hashContent,
  recordAttributes,
  seqKey,
} from '../../../lambdas/core/audit/record.ts';
import {
  type AnchoredHead,
  type ChainItem,
  type ChainReport,
  ChainVerifier,
} from '../../../lambdas/core/audit/verify.ts';

const CHAIN = 'scorer-20260601T090000Z-0a1b2c3d4e';
const OTHER = 'scorer-20260601T090000Z-ffffffffff';
const AT = Date.UTC(2026, 5, 1, 9);

type Content = Record<string, unknown>;

/** A valid chain of `n` finding records, as the adapter hands them to the verifier. */
const chainOf = (n: number, chain = CHAIN): ChainItem[] => {
  const items: ChainItem[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 0; seq < n; seq++) {
    const content = JSON.parse(
      JSON.stringify(
        buildRecordContent(
          {
            type: 'finding',
            at: AT + seq * 60_000,
            actor: 'vigil:scorer',
            principalKey: `user:1:p${seq}`,
            severity: 'high',
          },
          { chain, seq, prev },
          AT,
        ),
      ),
    ) as Content;
    const hash = hashContent(content);
    items.push({ key: seqKey(seq), hash, content, attributes: recordAttributes(content) });
    prev = hash;
  }
  return items;
};

/** The item a tamperer who recomputes the record's own hash leaves behind. */
const rehashed = (item: ChainItem, change: (content: Content) => Content, key = item.key): ChainItem => {
  const content = change({ ...(item.content as Content) });
  return { key, hash: hashContent(content), content, attributes: recordAttributes(content) };
};

const headsOf = (items: readonly ChainItem[], seqs: readonly number[]): AnchoredHead[] =>
  seqs.map((seq, anchorSeq) => ({ seq, hash: (items[seq] as ChainItem).hash as string, anchorSeq }));

const verify = (items: readonly ChainItem[], anchored: readonly AnchoredHead[] = []): ChainReport => {
  const verifier = new ChainVerifier(CHAIN, { anchored, expectedAttributes: recordAttributes });
  for (const item of items) verifier.push(item);
  return verifier.finish();
};

const at = (items: readonly ChainItem[], seq: number): ChainItem => items[seq] as ChainItem;

describe('ChainVerifier', () => {
  it('passes an untouched chain and says how far anchors vouch for it', () => {
    // Prepare
    const items = chainOf(10);

    // Act
    const report = verify(items, headsOf(items, [0, 4]));

    // Assess
    expect(report).toEqual({
      chain: CHAIN,
      records: 10,
      head: { seq: 9, hash: at(items, 9).hash },
      anchoredThrough: 4,
      unanchored: 5,
      break: null,
    });
  });

  it('passes an empty chain no anchor speaks of', () => {
    // Act
    const report = verify([]);

    // Assess
    expect(report).toEqual({ chain: CHAIN, records: 0, head: null, anchoredThrough: null, unanchored: 0, break: null });
  });

  const cases: {
    name: string;
    tamper: (items: ChainItem[]) => ChainItem[];
    anchors?: number[];
    expected: ChainReport['break'];
  }[] = [
    {
      name: 'a field edited in the content',
      tamper: (items) =>
        items.map((item, i) =>
          i === 3 ? { ...item, content: { ...(item.content as Content), severity: 'low' } } : item,
        ),
      expected: { kind: 'changed', seq: 3, detail: 'record 3 does not match its hash: its content was edited' },
    },
    {
      name: 'an index attribute edited to hide the record from a principal query',
      tamper: (items) =>
        items.map((item, i) =>
          i === 3 ? { ...item, attributes: { ...item.attributes, principalKey: 'user:1:nobody' } } : item,
        ),
      expected: {
        kind: 'changed',
        seq: 3,
        detail: 'record 3: attribute principalKey is "user:1:nobody"; the record says "user:1:p3"',
      },
    },
    {
      name: 'an index attribute removed',
      tamper: (items) =>
        items.map((item, i) => {
          if (i !== 3) return item;
          const { principalKey: _gone, ...attributes } = item.attributes;
          return { ...item, attributes };
        }),
      expected: {
        kind: 'changed',
        seq: 3,
        detail: 'record 3: attribute principalKey is missing; the record says "user:1:p3"',
      },
    },
    {
      name: 'a field edited and the record hashed again',
      tamper: (items) => items.map((item, i) => (i === 3 ? rehashed(item, (c) => ({ ...c, severity: 'low' })) : item)),
      expected: {
        kind: 'changed',
        seq: 3,
        detail: 'record 4 links to a hash record 3 no longer has: record 3 was edited and hashed again',
      },
    },
    {
      name: 'the last record edited and hashed again, caught by its anchor',
      tamper: (items) => items.map((item, i) => (i === 9 ? rehashed(item, (c) => ({ ...c, severity: 'low' })) : item)),
      anchors: [9],
      expected: {
        kind: 'changed',
        seq: 9,
        detail: 'anchor 0 recorded another hash for record 9: the chain was rewritten at or before it',
      },
    },
    {
      name: 'a record deleted',
      tamper: (items) => items.filter((_, i) => i !== 4),
      expected: { kind: 'deleted', seq: 4, detail: 'record 4 is missing' },
    },
    {
      name: 'two records deleted',
      tamper: (items) => items.filter((_, i) => i !== 4 && i !== 5),
      expected: { kind: 'deleted', seq: 4, detail: 'records 4 to 5 are missing' },
    },
    {
      name: 'the first record deleted',
      tamper: (items) => items.slice(1),
      expected: { kind: 'deleted', seq: 0, detail: 'record 0 is missing' },
    },
    {
      name: 'a record deleted and the rest moved down a place',
      tamper: (items) => items.filter((_, i) => i !== 4).map((item, i) => ({ ...item, key: seqKey(i) })),
      expected: { kind: 'deleted', seq: 4, detail: 'record 4 is missing and the records after it were renumbered' },
    },
    {
      name: 'a record inserted under a key between two records',
      tamper: (items) => [
        ...items.slice(0, 5),
        rehashed(at(items, 4), (c) => ({ ...c, principalKey: 'user:1:framed' }), '0000000000045'),
        ...items.slice(5),
      ],
      expected: { kind: 'inserted', seq: 5, detail: 'item with key "0000000000045" is not a record of this chain' },
    },
    {
      name: 'a forged record inserted and the rest moved up a place',
      tamper: (items) => {
        const forged = rehashed(at(items, 4), (c) => ({
          ...c,
          principalKey: 'user:1:framed',
          prev: at(items, 3).hash,
        }));
        return [
          ...items.slice(0, 4),
          forged,
          ...items.slice(4).map((item) => ({ ...item, key: seqKey(Number(item.key) + 1) })),
        ];
      },
      expected: { kind: 'inserted', seq: 4, detail: 'record 4 was inserted; record 4 now sits at 5' },
    },
    {
      name: 'a forged record inserted with a made-up link, the rest moved up',
      tamper: (items) => {
        const forged = rehashed(at(items, 4), (c) => ({ ...c, prev: 'f'.repeat(64) }));
        return [
          ...items.slice(0, 4),
          forged,
          ...items.slice(4).map((item) => ({ ...item, key: seqKey(Number(item.key) + 1) })),
        ];
      },
      expected: { kind: 'inserted', seq: 4, detail: 'record 5 links to record 3: record 4 was inserted' },
    },
    {
      name: 'a forged record added after an anchored tail',
      tamper: (items) => [
        ...items,
        rehashed(at(items, 9), (c) => ({ ...c, seq: 10, prev: 'e'.repeat(64) }), seqKey(10)),
      ],
      anchors: [9],
      expected: {
        kind: 'inserted',
        seq: 10,
        detail: 'record 10 does not link to record 9, which an anchor vouches for: record 10 was inserted',
      },
    },
    {
      name: 'a record copied in from another chain',
      tamper: (items) => items.map((item, i) => (i === 6 ? { ...at(chainOf(7, OTHER), 6) } : item)),
      expected: { kind: 'inserted', seq: 6, detail: `record 6 is a copy of record 6 of chain ${OTHER}` },
    },
    {
      name: 'two records swapped',
      tamper: (items) =>
        items.map((item, i) =>
          i === 2 ? { ...at(items, 3), key: item.key } : i === 3 ? { ...at(items, 2), key: item.key } : item,
        ),
      expected: { kind: 'reordered', seq: 2, detail: 'record 3 sits at position 2' },
    },
    {
      name: 'a record moved earlier',
      tamper: (items) => {
        const moved = [...items.slice(0, 2), at(items, 7), ...items.slice(2, 7), ...items.slice(8)];
        return moved.map((item, i) => ({ ...item, key: seqKey(i) }));
      },
      expected: { kind: 'reordered', seq: 2, detail: 'record 7 sits at position 2' },
    },
    {
      name: 'the tail deleted past the last anchor',
      tamper: (items) => items.slice(0, 7),
      anchors: [2, 8],
      expected: {
        kind: 'tail-truncated',
        seq: 7,
        detail: 'records 7 to 8 are missing; anchor 1 recorded the chain at 8',
      },
    },
    {
      name: 'the one anchored last record deleted',
      tamper: (items) => items.slice(0, 9),
      anchors: [9],
      expected: { kind: 'tail-truncated', seq: 9, detail: 'record 9 is missing; anchor 0 recorded it' },
    },
    {
      name: 'a whole anchored chain deleted',
      tamper: () => [],
      anchors: [0],
      expected: { kind: 'tail-truncated', seq: 0, detail: 'record 0 is missing; anchor 0 recorded it' },
    },
    {
      name: 'a body that no longer decodes',
      tamper: (items) =>
        items.map((item, i) =>
          i === 1 ? { ...item, content: { undecodable: 'its body is not a JSON object' } } : item,
        ),
      expected: { kind: 'changed', seq: 1, detail: 'record 1 cannot be read: its body is not a JSON object' },
    },
    {
      name: 'a first record that does not start from the genesis hash',
      tamper: (items) => [rehashed(at(items, 0), (c) => ({ ...c, prev: 'a'.repeat(64) })), ...items.slice(1)],
      expected: {
        kind: 'changed',
        seq: 0,
        detail: 'record 0 does not start the chain: its prev is not the genesis hash',
      },
    },
  ];

  it.each(cases)('reports $name', ({ tamper, anchors, expected }) => {
    // Prepare
    const original = chainOf(10);
    const items = tamper(original.map((item) => ({ ...item })));

    // Act
    const report = verify(items, headsOf(original, anchors ?? []));

    // Assess
    expect(report.break).toEqual(expected);
  });

  it('counts every record after a break but reports only the first', () => {
    // Prepare
    const items = chainOf(10).filter((_, i) => i !== 2 && i !== 6);

    // Act
    const report = verify(items);

    // Assess
    expect(report.records).toBe(8);
    expect(report.break).toEqual({ kind: 'deleted', seq: 2, detail: 'record 2 is missing' });
  });
});
