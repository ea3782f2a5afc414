import { describe, expect, it } from 'vitest';
import {
  AuditEntryError,
  buildRecordContent,
  GENESIS_HASH,
  hashContent,
  lightenEntry,
  parseSeqKey,
  recordAttributes,
  seqKey,
  sha256Hex,
} from '../../../lambdas/core/audit/record.ts';
import type { AuditEntry } from '../../../lambdas/core/ports.ts';

const AT = Date.UTC(2026, 5, 1, 9);
const position = { chain: 'scorer-20260601T090000Z-0a1b2c3d4e', seq: 7, prev: GENESIS_HASH };

describe('buildRecordContent', () => {
  it('records the entry, its place in the chain and both times', () => {
    // Prepare
    const entry: AuditEntry = {
      type: 'action',
      at: AT,
      actor: 'vigil:playbook',
      caseId: 'case-1',
      principalKey: 'user:123456789012:alice',
      target: 'AKIAEXAMPLEKEY000002',
      before: { status: 'Active' },
      after: { status: 'Inactive' },
      result: 'done',
    };

    // Act
    const content = buildRecordContent(entry, position, AT + 5_000);

    // Assess
    expect(content).toEqual({
      v: 1,
      chain: 'scorer-20260601T090000Z-0a1b2c3d4e',
      seq: 7,
      prev: GENESIS_HASH,
      type: 'action',
      at: '2026-06-01T09:00:00.000Z',
      recordedAt: '2026-06-01T09:00:05.000Z',
      actor: 'vigil:playbook',
      caseId: 'case-1',
      principalKey: 'user:123456789012:alice',
      target: 'AKIAEXAMPLEKEY000002',
      before: { status: 'Active' },
      after: { status: 'Inactive' },
      result: 'done',
    });
  });

  it.each([
    {
      name: 'an unknown type',
      entry: { type: 'login', at: AT, actor: 'x' },
      message:
        'type is "login"; expected one of finding, finding-suppressed, finding-updated, case-opened, decision, approval, denial, action, notification, case-closed, config-change',
    },
    {
      name: 'an empty actor',
      entry: { type: 'approval', at: AT, actor: '' },
      message: 'actor of the approval record is ""; expected a name',
    },
    {
      name: 'a time that is not one',
      entry: { type: 'finding', at: Number.NaN, actor: 'vigil:scorer' },
      message: 'at of the finding record is NaN; expected epoch milliseconds',
    },
    {
      name: 'a non-string key field',
      entry: { type: 'finding', at: AT, actor: 'vigil:scorer', principalKey: 42 },
      message: 'principalKey of the finding record is number; expected a string',
    },
  ])('refuses $name', ({ entry, message }) => {
    // Act
    const act = () => buildRecordContent(entry as unknown as AuditEntry, position, AT);

    // Assess
    expect(act).toThrow(new AuditEntryError(message));
  });
});

describe('hashContent', () => {
  it('is the SHA-256 of the canonical JSON, whatever the key order', () => {
    // Act
    const a = hashContent({ b: 1, a: [1, 2] });
    const b = hashContent({ a: [1, 2], b: 1 });

    // Assess
    expect(a).toBe(sha256Hex('{"a":[1,2],"b":1}'));
    expect(b).toBe(a);
  });
});

describe('seqKey and parseSeqKey', () => {
  it('pads to twelve digits so keys sort in sequence order', () => {
    // Act
    const keys = [seqKey(0), seqKey(9), seqKey(10), seqKey(123456789012)];

    // Assess
    expect(keys).toEqual(['000000000000', '000000000009', '000000000010', '123456789012']);
    expect(keys.map(parseSeqKey)).toEqual([0, 9, 10, 123456789012]);
  });

  it.each(['00000000005', '0000000000055', '00000000000a', ''])('reads %j as no sequence number', (key) => {
    // Act
    const seq = parseSeqKey(key);

    // Assess
    expect(seq).toBeNull();
  });
});

describe('recordAttributes', () => {
  it('indexes a finding by principal, day, finding and detector, not by actor', () => {
    // Prepare
    const content = buildRecordContent(
      {
        type: 'finding',
        at: AT,
        actor: 'vigil:scorer',
        principalKey: 'user:1:alice',
        findingId: 'f-1',
        detector: 'iam.x',
        severity: 'high',
      },
      position,
      AT,
    );

    // Act
    const attributes = recordAttributes(content as unknown as Record<string, unknown>);

    // Assess
    expect(attributes).toEqual({
      at: AT,
      day: '2026-06-01',
      type: 'finding',
      actor: 'vigil:scorer',
      principalKey: 'user:1:alice',
      findingId: 'f-1',
      detector: 'iam.x',
      severity: 'high',
    });
  });

  it('indexes an approval by its approver and case', () => {
    // Prepare
    const content = buildRecordContent(
      { type: 'approval', at: AT, actor: 'arn:aws:iam::1:user/lead', caseId: 'case-1', principalKey: '' },
      position,
      AT,
    );

    // Act
    const attributes = recordAttributes(content as unknown as Record<string, unknown>);

    // Assess
    expect(attributes).toEqual({
      at: AT,
      day: '2026-06-01',
      type: 'approval',
      actor: 'arn:aws:iam::1:user/lead',
      actorKey: 'arn:aws:iam::1:user/lead',
      caseId: 'case-1',
    });
  });
});

describe('lightenEntry', () => {
  const entry: AuditEntry = {
    type: 'finding',
    at: AT,
    actor: 'vigil:scorer',
    data: { finding: { id: 'f-1' }, records: [{ eventID: 'e-1' }, { eventID: 'e-2' }] },
    before: { a: 1 },
  };

  it('first replaces the CloudTrail records by their digest', () => {
    // Act
    const lighter = lightenEntry(entry, 1);

    // Assess
    const text = '[{"eventID":"e-1"},{"eventID":"e-2"}]';
    expect(lighter).toEqual({
      ...entry,
      data: { finding: { id: 'f-1' }, records: { omitted: true, bytes: text.length, sha256: sha256Hex(text) } },
    });
  });

  it('then replaces data, before and after whole', () => {
    // Act
    const lighter = lightenEntry(entry, 2);

    // Assess
    const data = '{"finding":{"id":"f-1"},"records":[{"eventID":"e-1"},{"eventID":"e-2"}]}';
    expect(lighter).toEqual({
      type: 'finding',
      at: AT,
      actor: 'vigil:scorer',
      data: { omitted: true, bytes: data.length, sha256: sha256Hex(data) },
      before: { omitted: true, bytes: 7, sha256: sha256Hex('{"a":1}') },
    });
  });

  it('has nothing to lighten in an entry without bulk', () => {
    // Act
    const lighter = [
      lightenEntry({ type: 'approval', at: AT, actor: 'x' }, 1),
      lightenEntry({ type: 'approval', at: AT, actor: 'x' }, 2),
    ];

    // Assess
    expect(lighter).toEqual([null, null]);
  });
});
