import { describe, expect, it } from 'vitest';
import { fileMarkerKey, findingKey, itemSizeBytes, principalStateKey } from '../../lambdas/adapters/state-table.ts';

describe('state table keys', () => {
  it('prefixes each item kind', () => {
    // Act
    const keys = [principalStateKey('user:123456789012:alice'), findingKey('f-1'), fileMarkerKey('bucket/a/b.json.gz')];

    // Assess
    expect(keys).toEqual([
      { pk: 'P#user:123456789012:alice', sk: 'STATE' },
      { pk: 'F#f-1', sk: 'FINDING' },
      { pk: 'FILE#bucket/a/b.json.gz', sk: 'FILE' },
    ]);
  });
});

describe('itemSizeBytes', () => {
  it.each([
    ['a string, by UTF-8 bytes', { name: 'café' }, 4 + 5],
    ['a single digit', { n: 7 }, 1 + 2],
    ['a 13-digit epoch ms with trailing zeros', { n: 1_780_000_000_000 }, 1 + 3],
    ['two digits sharing one base-100 pair', { n: 12 }, 1 + 2],
    ['two digits split across base-100 pairs', { n: 1.2 }, 1 + 3],
    ['a negative fraction', { n: -0.25 }, 1 + 3],
    ['zero', { n: 0 }, 1 + 1],
    ['null and booleans', { a: null, b: true }, 2 + 2],
    ['a list', { l: [1, 'ab'] }, 1 + 3 + (1 + 2) + (1 + 2)],
    ['a map', { m: { k: 'v' } }, 1 + 3 + (1 + 1 + 1)],
    ['undefined attributes, which are not stored', { a: 'x', b: undefined }, 2],
  ])('sizes %s', (_, item, expected) => {
    // Act
    const size = itemSizeBytes(item);

    // Assess
    expect(size).toBe(expected);
  });
});
