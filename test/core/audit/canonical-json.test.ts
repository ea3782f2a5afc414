import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from '../../../lambdas/core/audit/canonical-json.ts';

describe('canonicalJson', () => {
  it.each([
    {
      name: 'sorts keys at every depth, without whitespace',
      value: { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } },
      expected: '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    },
    {
      name: 'sorts keys by UTF-16 code units',
      value: { é: 1, b: 2, B: 3, aa: 4, a: 5 },
      expected: '{"B":3,"a":5,"aa":4,"b":2,"é":1}',
    },
    {
      name: 'drops undefined members and functions',
      value: { a: undefined, b: () => 1, c: null },
      expected: '{"c":null}',
    },
    {
      name: 'writes undefined in arrays and non-finite numbers as null',
      value: [undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21],
      expected: '[null,null,null,0,1e+21]',
    },
    {
      name: 'honours toJSON, as dates have it',
      value: { at: new Date(Date.UTC(2026, 5, 1, 9)) },
      expected: '{"at":"2026-06-01T09:00:00.000Z"}',
    },
    {
      name: 'escapes strings as JSON does',
      value: { s: 'line\nbreak "quoted" \u0001' },
      expected: '{"s":"line\\nbreak \\"quoted\\" \\u0001"}',
    },
    { name: 'writes a lone value', value: 'text', expected: '"text"' },
  ])('$name', ({ value, expected }) => {
    // Act
    const text = canonicalJson(value);

    // Assess
    expect(text).toBe(expected);
  });

  it('gives the same text for its own output parsed back, so stored records hash again as written', () => {
    // Prepare
    const record = {
      eventName: 'CreateAccessKey',
      requestParameters: { userName: 'carol', tags: [{ key: 'ünïcode', value: '\u2028' }] },
      numbers: { n: 0.1, big: 2 ** 70, tiny: 5e-324, negative: -3 },
      u: undefined,
    };
    const first = canonicalJson(record);

    // Act
    const second = canonicalJson(JSON.parse(first));

    // Assess
    expect(second).toBe(first);
  });

  it('refuses a bigint, naming where it is', () => {
    // Act
    const act = () => canonicalJson({ data: { count: 10n } });

    // Assess
    expect(act).toThrow(
      new CanonicalJsonError('bigint 10 at $.data.count has no JSON form; expected a number or a string'),
    );
  });

  it('refuses a cycle, naming where it closes', () => {
    // Prepare
    const loop: Record<string, unknown> = { a: [] };
    (loop.a as unknown[]).push(loop);

    // Act
    const act = () => canonicalJson(loop);

    // Assess
    expect(act).toThrow(new CanonicalJsonError('cycle at $.a[0]; expected a tree'));
  });

  it('writes a shared object twice when it is not a cycle', () => {
    // Prepare
    const shared = { k: 1 };

    // Act
    const text = canonicalJson({ a: shared, b: shared });

    // Assess
    expect(text).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});
