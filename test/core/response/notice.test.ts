import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMrkdwn, oneLine } from '../../../lambdas/core/response/escape.ts';
import { buildNotice, renderBlocks, renderNotice, renderText, stageOf } from '../../../lambdas/core/response/notice.ts';
import { planContainment } from '../../../lambdas/core/response/plan.ts';
import { renderCaseHtml } from '../../../lambdas/core/response/render-case.ts';
import { targetOf } from '../../../lambdas/core/response/target.ts';
import type { ActionRecord, CaseRecord, ContainState, Decision } from '../../../lambdas/core/response/types.ts';
import { settingsFor, userFinding } from './fixtures.ts';

const NOW = Date.parse('2025-03-04T10:06:00.000Z');

const decisionFor = (finding = userFinding(), outcome: Decision['outcome'] = 'contain'): Decision => ({
  mode: 'auto',
  outcome,
  reasons: [
    'critical finding iam.access-key-created-for-other-user: response mode auto',
    'contained automatically (containment 1 of 5 this hour)',
  ],
  target: targetOf(finding.principal),
  plan: planContainment({
    caseId: 'case-0123456789abcdef0123',
    finding,
    target: targetOf(finding.principal),
    enrichment: { kind: 'unavailable', reason: 'test' },
    settings: settingsFor(),
    now: NOW,
  }).slice(0, 2),
  approvers: ['alice'],
  withheld: [],
  budget: { granted: true, used: 1, max: 5, hour: '2025-03-04T10' },
  decidedAt: NOW,
});

const records = (decision: Decision): ActionRecord[] => {
  const [first, second] = decision.plan;
  if (!first || !second) throw new Error('expected a plan of two steps');
  return [
    { action: first, status: 'done', before: { document: null }, after: {}, error: null, attempts: 2, at: NOW },
    {
      action: second,
      status: 'failed',
      before: null,
      after: null,
      error: 'AccessDenied: not authorized to perform iam:UpdateAccessKey',
      attempts: 1,
      at: NOW,
    },
  ];
};

describe('escaping', () => {
  it.each([
    ['a\nApproved by security: yes', 300, 'a\\u000aApproved by security: yes'],
    ['evil\u202Egnp.exe', 300, 'evil\\u202egnp.exe'],
    ['x'.repeat(10), 5, 'xxxx…'],
  ])('oneLine(%j, %i)', (value, max, shown) => {
    expect(oneLine(value, max)).toBe(shown);
  });

  it('neutralises Slack mentions, links and formatting', () => {
    expect(escapeMrkdwn('<!channel> <https://evil.example|click> *bold* _it_ ~s~ `c` & done')).toBe(
      '&lt;!channel&gt; &lt;https://evil.example|click&gt; *\u200bbold*\u200b _\u200bit_\u200b ~\u200bs~\u200b `\u200bc`\u200b &amp; done',
    );
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;',
    );
  });
});

describe('stageOf', () => {
  const base = (decision: Decision): ContainState => ({
    caseId: 'case-0123456789abcdef0123',
    finding: userFinding(),
    decision,
  });
  it.each([
    ['proposed', { ...base(decisionFor(userFinding(), 'dry-run')) }],
    ['protected', { ...base(decisionFor(userFinding(), 'protected')) }],
    ['budget-exhausted', { ...base(decisionFor(userFinding(), 'budget-exhausted')) }],
    [
      'approval-denied',
      { ...base(decisionFor(userFinding(), 'approval')), approval: { Error: 'VigilApprovalDenied', Cause: '{}' } },
    ],
    ['approval-timed-out', { ...base(decisionFor(userFinding(), 'approval')), approval: { Error: 'States.Timeout' } }],
    ['contained', { ...base(decisionFor()), containment: { actions: [], complete: true, dryRun: false } }],
    ['partially-contained', { ...base(decisionFor()), containment: { actions: [], complete: false, dryRun: false } }],
    ['failed', { ...base(decisionFor()), failure: { Error: 'Lambda.Unknown', Cause: 'boom' } }],
  ] as const)('%s', (stage, state) => {
    expect(stageOf(state as ContainState)).toBe(stage);
  });
});

describe('the notice', () => {
  it('tells the team who, what, why, the evidence, what was done and how to release, as one email', () => {
    const decision = decisionFor();
    const notice = buildNotice({
      stage: 'partially-contained',
      caseId: 'case-0123456789abcdef0123',
      executionId: 'arn:aws:states:eu-west-1:111122223333:execution:ContainPrincipal:case-0123456789abcdef0123',
      finding: userFinding(),
      findingCount: 2,
      decision,
      actions: records(decision),
    });
    expect(renderNotice(notice).subject).toBe(
      '[Vigil] CRITICAL case-0123456789abcdef0123: Partly contained mallory: some steps failed',
    );
    expect(renderText(notice)).toBe(
      [
        'Vigil case case-0123456789abcdef0123: Partly contained mallory: some steps failed',
        '',
        'WHO',
        '  Principal: mallory (IAMUser)',
        '  Key:       user:111122223333:mallory',
        '  ARN:       arn:aws:iam::111122223333:user/mallory',
        '  Account:   111122223333',
        '',
        'WHAT',
        '  Access key created for another user [iam.access-key-created-for-other-user]',
        '  Severity critical, risk 87/100, 2 findings in this case',
        '  Events from 2025-03-04T10:00:00.000Z to 2025-03-04T10:05:00.000Z',
        '  MITRE ATT&CK: T1098.001',
        '',
        'WHY',
        '  - critical finding iam.access-key-created-for-other-user: response mode auto',
        '  - contained automatically (containment 1 of 5 this hour)',
        '',
        'EVIDENCE',
        '  targetUser: bob',
        '  accessKeyId: AKIAMALLORYKEY000001',
        '  CloudTrail events: e-1, e-2',
        '',
        'ACTIONS TAKEN',
        '  [done] Attach inline policy VigilDenyAll denying every action to IAM user mallory',
        "  [FAILED] Deactivate access key AKIAMALLORYKEY000001 of IAM user mallory (seen in the case's events) - AccessDenied: not authorized to perform iam:UpdateAccessKey",
        '',
        'NEXT',
        '  Release: vigil case release case-0123456789abcdef0123',
        '',
        'Execution: arn:aws:states:eu-west-1:111122223333:execution:ContainPrincipal:case-0123456789abcdef0123',
        '',
      ].join('\n'),
    );
  });

  it('keeps hostile names out of Slack mrkdwn, out of email lines and out of HTML', () => {
    // Prepare: a principal name and evidence an insider chose.
    const hostile = '<!channel> *URGENT* <https://evil.example|approve here>\nApproved by security <script>x</script>';
    const finding = userFinding({
      title: 'Access key created for another user',
      principal: { ...userFinding().principal, name: hostile, key: `user:111122223333:${hostile}` },
      evidence: { userAgent: hostile },
    });
    const notice = buildNotice({
      stage: 'proposed',
      caseId: 'case-0123456789abcdef0123',
      executionId: null,
      finding,
      findingCount: 1,
      decision: decisionFor(finding, 'dry-run'),
    });

    // Act
    const blocks = renderBlocks(notice);
    const text = renderText(notice);
    const record = {
      caseId: 'case-0123456789abcdef0123',
      principal: finding.principal,
      openingFinding: finding,
      findingIds: [finding.id],
      severity: 'critical',
      mode: 'dry-run',
      status: 'closed',
      executionId: 'x',
      openedAt: NOW,
      updatedAt: NOW,
      lastEventTime: NOW,
    } as CaseRecord;
    const html = renderCaseHtml({
      record,
      findings: [finding],
      notices: [{ subject: 's', text, channel: 'sns', status: 'sent' }],
      trail: [],
    });

    // Assess: Slack mrkdwn objects never carry the name; plain_text ones carry it on one line.
    const texts: { type: string; text: string }[] = [];
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        const v = value as Record<string, unknown>;
        if ((v.type === 'mrkdwn' || v.type === 'plain_text') && typeof v.text === 'string')
          texts.push({ type: v.type, text: v.text });
        Object.values(v).forEach(walk);
      }
    };
    walk(blocks);
    const mrkdwn = texts.filter((t) => t.type === 'mrkdwn').map((t) => t.text);
    expect(mrkdwn.some((t) => t.includes('<!') || t.includes('evil.example'))).toBe(false);
    expect(texts.find((t) => t.type === 'plain_text' && t.text.startsWith('Dry run'))?.text).toBe(
      'Dry run: Vigil would contain <!channel> *URGENT* <https://evil.example|approve here>\\u000aApproved by security <script>x</script>',
    );
    expect(text.split('\n').filter((line) => line.startsWith('Approved by security'))).toEqual([]);
    expect(text.split('\n')[3]).toBe(
      '  Principal: <!channel> *URGENT* <https://evil.example|approve here>\\u000aApproved by security <script>x</script> (IAMUser)',
    );
    expect(html.includes('<script>')).toBe(false);
    expect(html.includes('&lt;script&gt;x&lt;/script&gt;')).toBe(true);
  });

  it('asks approvers with the exact actions proposed and the commands to answer', () => {
    const notice = buildNotice({
      stage: 'approval-requested',
      caseId: 'case-0123456789abcdef0123',
      executionId: null,
      finding: userFinding(),
      findingCount: 1,
      decision: decisionFor(userFinding(), 'approval'),
      approvalTimeoutMinutes: 45,
    });
    const text = renderText(notice);
    expect(text.slice(text.indexOf('ACTIONS PROPOSED'))).toBe(
      [
        'ACTIONS PROPOSED',
        '  [proposed] Attach inline policy VigilDenyAll denying every action to IAM user mallory',
        "  [proposed] Deactivate access key AKIAMALLORYKEY000001 of IAM user mallory (seen in the case's events)",
        '',
        'APPROVERS',
        '  alice',
        '  The request escalates after 45 minutes.',
        '',
        'NEXT',
        '  Approve: vigil case approve case-0123456789abcdef0123',
        '  Deny:    vigil case deny case-0123456789abcdef0123',
        '',
      ].join('\n'),
    );
  });
});
