import { describe, expect, it } from 'vitest';
import { decide } from '../../../lambdas/core/response/decide.ts';
import type { ContainmentBudget } from '../../../lambdas/core/response/ports.ts';
import type { BudgetState } from '../../../lambdas/core/response/types.ts';
import { roleFinding, settingsFor, ssoFinding, userFinding } from './fixtures.ts';

const NOW = Date.parse('2025-03-04T10:06:00.000Z');

/** A budget of `max` per hour counting in memory. */
const budget = (alreadyUsed = 0): ContainmentBudget & { calls: number } => {
  const counted = new Set<string>();
  return {
    calls: 0,
    async reserve(caseId, _at, max): Promise<BudgetState> {
      this.calls++;
      if (counted.has(caseId)) return { granted: true, used: alreadyUsed + counted.size, max, hour: '2025-03-04T10' };
      if (alreadyUsed + counted.size >= max)
        return { granted: false, used: alreadyUsed + counted.size, max, hour: '2025-03-04T10' };
      counted.add(caseId);
      return { granted: true, used: alreadyUsed + counted.size, max, hour: '2025-03-04T10' };
    },
  };
};

describe('decide', () => {
  it.each([
    ['dry-run', 'dry-run', ['dry run: the plan is recorded, nothing is changed']],
    ['approval', 'approval', ['approval required from one of alice (containment 1 of 5 this hour)']],
    ['auto', 'contain', ['contained automatically (containment 1 of 5 this hour)']],
  ] as const)('mode %s gives outcome %s', async (mode, outcome, more) => {
    // Prepare
    const settings = settingsFor({ response: { modes: { critical: mode }, approvers: ['alice'] } });
    // Act
    const decision = await decide(
      { caseId: 'case-1', finding: userFinding(), enrichment: { kind: 'unavailable', reason: 'test' } },
      { settings, budget: budget(), now: NOW },
    );
    // Assess
    expect(decision.outcome).toBe(outcome);
    expect(decision.reasons).toEqual([
      `critical finding iam.access-key-created-for-other-user: response mode ${mode}`,
      'IAM facts unavailable: test',
      ...more,
    ]);
  });

  it('never contains a protected principal, whatever the mode, and counts no budget', async () => {
    const settings = settingsFor({
      protectedPrincipals: ['user:*:mallory'],
      response: { modes: { critical: 'auto' } },
    });
    const counter = budget();
    const decision = await decide(
      { caseId: 'case-1', finding: userFinding() },
      { settings, budget: counter, now: NOW },
    );
    expect(decision.outcome).toBe('protected');
    expect(decision.reasons.at(-1)).toBe('mallory is protected (matches user:*:mallory): never contained');
    expect(counter.calls).toBe(0);
  });

  it("protects Vigil's own roles", async () => {
    const finding = roleFinding({
      principal: {
        key: 'role:111122223333:VigilStack-PlaybooksContainRole-AB12',
        arn: 'arn:aws:sts::111122223333:assumed-role/VigilStack-PlaybooksContainRole-AB12/session',
        type: 'AssumedRole',
        accountId: '111122223333',
        name: 'VigilStack-PlaybooksContainRole-AB12',
      },
    });
    const decision = await decide(
      { caseId: 'case-1', finding },
      { settings: settingsFor({ response: { modes: { critical: 'auto' } } }), budget: budget(), now: NOW },
    );
    expect(decision.outcome).toBe('protected');
  });

  it('stops at the hourly budget', async () => {
    const settings = settingsFor({ response: { modes: { critical: 'auto' }, maxContainmentsPerHour: 2 } });
    const decision = await decide(
      { caseId: 'case-3', finding: userFinding() },
      { settings, budget: budget(2), now: NOW },
    );
    expect(decision.outcome).toBe('budget-exhausted');
    expect(decision.budget).toEqual({ granted: false, used: 2, max: 2, hour: '2025-03-04T10' });
    expect(decision.reasons.at(-1)).toBe(
      'containment budget exhausted: 2 of 2 containments this hour (2025-03-04T10Z); contain by hand or raise response.maxContainmentsPerHour',
    );
  });

  it('never asks the subject to approve, and proposes only when nobody else can', async () => {
    const finding = ssoFinding({ severity: 'high' });
    const settings = settingsFor({ response: { modes: { high: 'approval' }, approvers: ['carol@example.com'] } });
    const decision = await decide({ caseId: 'case-1', finding }, { settings, budget: budget(), now: NOW });
    expect(decision.approvers).toEqual([]);
    expect(decision.outcome).toBe('dry-run');
    expect(decision.reasons.at(-1)).toBe(
      'approval needed but the only configured approvers are the subject: the plan is proposed, nothing is changed',
    );
  });

  it('withholds the topic when the subject is subscribed to it', async () => {
    const finding = ssoFinding();
    const settings = settingsFor({ response: { notifyEmails: ['soc@example.com', 'carol@example.com'] } });
    const decision = await decide({ caseId: 'case-1', finding }, { settings, budget: budget(), now: NOW });
    expect(decision.withheld).toEqual([
      { channel: 'sns', reason: "the subject carol@example.com is subscribed to the security team's topic" },
    ]);
  });

  it('decides without IAM facts when enrichment failed', async () => {
    const decision = await decide(
      { caseId: 'case-1', finding: userFinding(), enrichment: { Error: 'AccessDenied', Cause: 'not authorized' } },
      { settings: settingsFor(), budget: budget(), now: NOW },
    );
    expect(decision.reasons[1]).toBe('IAM facts unavailable: enrichment failed: AccessDenied (not authorized)');
    expect(decision.plan.map((a) => a.id)).toEqual([
      'deny-all-user',
      'deactivate-access-keys',
      'delete-login-profile',
      'detach-user-policies',
    ]);
  });
});
