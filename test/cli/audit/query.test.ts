import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditQuery } from '../../../cli/audit/query.ts';
import { UsageError } from '../../../cli/errors.ts';
import { canonicalJson } from '../../../lambdas/core/audit/canonical-json.ts';
import { sha256Hex } from '../../../lambdas/core/audit/record.ts';
import { HOUR, JUNE_1 } from '../../adapters/audit-fixtures.ts';
import { ALICE, Capture, openScenario, type Scenario } from './fixtures.ts';

const HEADER = 'TIME                  TYPE                PRINCIPAL                       CASE                  WHAT';
const ALICE_ROWS = [
  '2026-06-01T09:00:00Z  finding             user:123456789012:alice         -                     high iam.access-key-created-for-other-user: alice created an access key for another user (1 CloudTrail record)',
  '2026-06-01T09:05:00Z  case-opened         user:123456789012:alice         case-1                case opened for finding f-a1 (high, mode approval)',
  '2026-06-01T09:05:01Z  decision            user:123456789012:alice         case-1                decided approval: waiting for one of security-lead to approve (0 of 5 containments this hour)',
  '2026-06-01T09:06:00Z  approval            user:123456789012:alice         case-1                approved by arn:aws:iam::123456789012:user/security-lead',
  '2026-06-01T09:06:01Z  action              user:123456789012:alice         case-1                deactivate-access-key on AKIAEXAMPLEKEY000002: done ({"status":"Active"} -> {"status":"Inactive"})',
  '2026-06-01T09:06:02Z  notification        user:123456789012:alice         case-1                notified slack: sent (Vigil contained user alice)',
  '2026-06-01T10:05:00Z  case-closed         user:123456789012:alice         case-1                case closed: contained',
];

describe('auditQuery', () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await openScenario([
      {
        type: 'finding',
        at: JUNE_1 + 40 * HOUR,
        actor: 'vigil:scorer',
        principalKey: 'user:123456789012:\u001b[2Jmallory\u202e',
        detector: 'iam.x',
        severity: 'low',
        findingId: 'f-m1',
      },
    ]);
  });
  afterAll(async () => {
    await scenario.local.close();
  });

  it('answers what happened to a person and who approved it, as a table', async () => {
    // Prepare
    const out = new Capture();

    // Act
    const result = await auditQuery({ principal: ALICE, format: 'table' }, scenario.deps, out);

    // Assess
    expect(out.lines()).toEqual([HEADER, ...ALICE_ROWS, '7 records']);
    expect(result).toEqual({ records: 7, truncated: false });
  });

  it('reads the last seven days across the organisation when nothing narrower is named', async () => {
    // Prepare
    const out = new Capture();

    // Act
    await auditQuery({ type: 'config-change', format: 'table' }, scenario.deps, out);

    // Assess
    expect(out.lines()).toEqual([
      HEADER,
      '2026-06-02T06:00:00Z  config-change       -                               -                     arn:aws:iam::123456789012:user/admin changed suppressions: added s-1',
      '1 record from 2026-05-28T00:00:00Z to 2026-06-04T00:00:00Z',
    ]);
  });

  it('filters by detector and time range', async () => {
    // Prepare
    const out = new Capture();

    // Act
    await auditQuery(
      { detector: 'iam.policy-attached-to-self', since: '2026-06-02', until: '2026-06-03', format: 'table' },
      scenario.deps,
      out,
    );

    // Assess
    expect(out.lines()).toEqual([
      HEADER,
      '2026-06-02T02:00:00Z  finding             user:123456789012:bob           -                     high iam.policy-attached-to-self: bob created an access key for another user (1 CloudTrail record)',
      '1 record',
    ]);
  });

  it('finds the approvals of one approver', async () => {
    // Prepare
    const out = new Capture();

    // Act
    await auditQuery({ actor: 'arn:aws:iam::123456789012:user/security-lead', format: 'table' }, scenario.deps, out);

    // Assess
    expect(out.lines()).toEqual([HEADER, ALICE_ROWS[3], '1 record']);
  });

  it('stops at the limit and says more match', async () => {
    // Prepare
    const out = new Capture();

    // Act
    const result = await auditQuery({ caseId: 'case-1', limit: 2, format: 'table' }, scenario.deps, out);

    // Assess
    expect(out.lines()).toEqual([
      HEADER,
      ALICE_ROWS[1],
      ALICE_ROWS[2],
      '2 records; more match (raise --limit or narrow --since/--until)',
    ]);
    expect(result).toEqual({ records: 2, truncated: true });
  });

  it('streams the same rows whatever the page size', async () => {
    // Prepare
    const out = new Capture();

    // Act
    await auditQuery({ principal: ALICE, format: 'table' }, { ...scenario.deps, pageSize: 2 }, out);

    // Assess
    expect(out.lines()).toEqual([HEADER, ...ALICE_ROWS, '7 records']);
  });

  it('writes JSON Lines each of which can be checked against its hash without the table', async () => {
    // Prepare
    const out = new Capture();

    // Act
    await auditQuery({ caseId: 'case-1', format: 'jsonl' }, scenario.deps, out);

    // Assess
    const lines = out.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.id, l.type])).toEqual([
      [`${scenario.playbookChain}/0`, 'case-opened'],
      [`${scenario.playbookChain}/1`, 'decision'],
      [`${scenario.playbookChain}/2`, 'approval'],
      [`${scenario.playbookChain}/3`, 'action'],
      [`${scenario.playbookChain}/4`, 'notification'],
      [`${scenario.playbookChain}/5`, 'case-closed'],
    ]);
    for (const [i, line] of lines.entries()) {
      const { id: _id, hash, ...content } = line;
      expect(sha256Hex(canonicalJson(content))).toBe(hash);
      if (i > 0) expect(content.prev).toBe(lines[i - 1]?.hash);
    }
  });

  it('shows control and direction-override characters from records as escapes', async () => {
    // Prepare
    const out = new Capture();

    // Act
    await auditQuery({ findingId: 'f-m1', format: 'table' }, scenario.deps, out);

    // Assess
    expect(out.lines()[1]).toBe(
      '2026-06-02T16:00:00Z  finding             user:123456789012:\\u{1b}[2Jmallory\\u{202e}  -                     low iam.x',
    );
  });

  it.each([
    {
      opts: { type: 'login' },
      message:
        '--type "login" is not a record type; expected one of finding, finding-suppressed, finding-updated, case-opened, decision, approval, denial, action, notification, case-closed, config-change',
    },
    { opts: { limit: 0 }, message: '--limit 0 is not a count; expected a whole number from 1' },
    {
      opts: { since: 'last tuesday' },
      message:
        '--since "last tuesday" is not a time: expected an ISO date (2025-06-01), a month (2025-06), a date-time with its zone (2025-06-01T09:30:00Z), a time ago (30m, 24h, 7d, 2w) or now',
    },
  ])('refuses $opts as a usage error', async ({ opts, message }) => {
    // Act
    const act = auditQuery({ ...opts, format: 'table' }, scenario.deps, new Capture());

    // Assess
    await expect(act).rejects.toThrow(new UsageError(message));
  });
});
