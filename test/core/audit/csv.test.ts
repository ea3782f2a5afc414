import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../../lambdas/core/audit/csv.ts';

describe('csvCell', () => {
  it.each([
    { value: 'plain', expected: 'plain' },
    {
      value: '=HYPERLINK("http://evil.example","click")',
      expected: `"'=HYPERLINK(""http://evil.example"",""click"")"`,
    },
    { value: '+1+cmd|calc', expected: "'+1+cmd|calc" },
    { value: '-2+3', expected: "'-2+3" },
    { value: '@SUM(A1:A2)', expected: "'@SUM(A1:A2)" },
    { value: '\t=1', expected: "'\t=1" },
    { value: '\r=1', expected: `"'\r=1"` },
    { value: '\n=1', expected: `"'\n=1"` },
    { value: 'a,b', expected: '"a,b"' },
    { value: 'say "hi"', expected: '"say ""hi"""' },
    { value: 'two\r\nlines', expected: '"two\r\nlines"' },
    { value: ' =not a formula', expected: ' =not a formula' },
    { value: 'user=alice', expected: 'user=alice' },
    { value: -5, expected: '-5' },
    { value: 0, expected: '0' },
    { value: true, expected: 'true' },
    { value: null, expected: '' },
    { value: undefined, expected: '' },
    { value: '', expected: '' },
  ])('writes $value as $expected', ({ value, expected }) => {
    // Act
    const cell = csvCell(value);

    // Assess
    expect(cell).toBe(expected);
  });
});

describe('csvRow', () => {
  it('joins cells with commas and ends with CRLF', () => {
    // Act
    const row = csvRow(['id', '=1', 'a,b', 7, undefined]);

    // Assess
    expect(row).toBe(`id,'=1,"a,b",7,\r\n`);
  });
});
