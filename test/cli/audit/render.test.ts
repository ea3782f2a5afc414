import { describe, expect, it } from 'vitest';
import { recordLine, safeText, summarise } from '../../../cli/audit/render.ts';
import type { AuditRecord } from '../../../lambdas/core/audit/record.ts';

const base: AuditRecord = {
  id: 'scorer-x/3',
  hash: 'h'.repeat(64),
  v: 1,
  chain: 'scorer-x',
  seq: 3,
  prev: 'p'.repeat(64),
  type: 'finding',
  at: '2026-06-01T09:00:00.000Z',
  recordedAt: '2026-06-01T09:00:01.000Z',
  actor: 'vigil:scorer',
};

describe('summarise', () => {
  it.each<{ record: Partial<AuditRecord>; expected: string }>([
    {
      record: {
        type: 'finding',
        severity: 'critical',
        detector: 'cloudtrail.trail-stopped',
        data: { finding: { title: 'alice stopped the trail' }, records: [{}, {}] },
      },
      expected: 'critical cloudtrail.trail-stopped: alice stopped the trail (2 CloudTrail records)',
    },
    {
      record: {
        type: 'finding-suppressed',
        detector: 'iam.x',
        data: { suppression: 's-ci', finding: { title: 'ci created a key' } },
      },
      expected: 'suppressed by s-ci: iam.x: ci created a key',
    },
    {
      record: { type: 'finding-updated', severity: 'critical', detector: 'iam.x' },
      expected: 'severity now critical: iam.x',
    },
    { record: { type: 'case-opened', findingId: 'f-1' }, expected: 'case opened for finding f-1' },
    { record: { type: 'decision', result: 'dry-run' }, expected: 'decided dry-run' },
    { record: { type: 'decision', result: 'off', data: { mode: 'off' } }, expected: 'decided off: {"mode":"off"}' },
    {
      record: { type: 'approval', actor: 'arn:aws:iam::1:user/lead' },
      expected: 'approved by arn:aws:iam::1:user/lead',
    },
    { record: { type: 'denial', actor: 'arn:aws:iam::1:user/lead' }, expected: 'denied by arn:aws:iam::1:user/lead' },
    {
      record: { type: 'action', target: 'arn:aws:iam::1:user/alice', result: 'would-do' },
      expected: 'action on arn:aws:iam::1:user/alice: would-do',
    },
    { record: { type: 'notification', target: 'sns', result: 'withheld' }, expected: 'notified sns: withheld' },
    { record: { type: 'case-closed' }, expected: 'case closed' },
    { record: { type: 'config-change', actor: 'admin' }, expected: 'admin changed the configuration' },
  ])('says $expected', ({ record, expected }) => {
    // Act
    const text = summarise({ ...base, ...record } as AuditRecord);

    // Assess
    expect(text).toBe(expected);
  });
});

describe('safeText', () => {
  it('shows control, line-break and direction-override characters as escapes', () => {
    // Act
    const text = safeText('a\u001b[31mb\nc\td\u202ee\u2066f\u0085g');

    // Assess
    expect(text).toBe('a\\u{1b}[31mb\\u{a}c\\u{9}d\\u{202e}e\\u{2066}f\\u{85}g');
  });

  it('leaves other text, accents and emoji included, as it is', () => {
    // Act
    const text = safeText('Zoë 👀 user:123456789012:alice');

    // Assess
    expect(text).toBe('Zoë 👀 user:123456789012:alice');
  });
});

describe('recordLine', () => {
  it('writes the id first, the hashed content, then the hash, on one line', () => {
    // Act
    const line = recordLine(base);

    // Assess
    expect(line).toBe(
      `{"id":"scorer-x/3","v":1,"chain":"scorer-x","seq":3,"prev":"${'p'.repeat(64)}","type":"finding","at":"2026-06-01T09:00:00.000Z","recordedAt":"2026-06-01T09:00:01.000Z","actor":"vigil:scorer","hash":"${'h'.repeat(64)}"}\n`,
    );
  });
});
