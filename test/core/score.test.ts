import { describe, expect, it } from 'vitest';
import {
  MemoryAuditLog,
  MemoryFindingPublisher,
  MemoryFindingStore,
  MemoryPrincipalStateStore,
} from '../../lambdas/adapters/memory.ts';
import { type BaselineModel, noBaseline } from '../../lambdas/core/baseline-model.ts';
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import { parseConfig, type VigilConfigInput } from '../../lambdas/core/config.ts';
import type { DetectorDefinition } from '../../lambdas/core/detector.ts';
import { DETECTORS } from '../../lambdas/core/detectors/registry.ts';
import type { VigilEvent } from '../../lambdas/core/event.ts';
import { normaliseRecord } from '../../lambdas/core/normalise.ts';
import { type ScoreDeps, scoreEvents } from '../../lambdas/core/score.ts';
import type { PrincipalState } from '../../lambdas/core/state.ts';

const ACCOUNT = '111122223333';
const noGeo = { lookup: () => ({ country: null, asn: null, asnOrg: null, isAws: false }) };

const setup = (config: VigilConfigInput = {}, extra: Partial<ScoreDeps> = {}) => {
  const publisher = new MemoryFindingPublisher();
  const audit = new MemoryAuditLog();
  const deps = {
    config: parseConfig(config),
    detectors: DETECTORS,
    baseline: noBaseline,
    geo: noGeo,
    states: new MemoryPrincipalStateStore(),
    findings: new MemoryFindingStore(),
    audit,
    publisher,
    clock: { now: () => Date.parse('2026-10-10T00:00:00Z') },
    ...extra,
  };
  // The memory doubles' records, even when a test brings its own publisher or audit log.
  return { ...deps, published: publisher.published, auditEntries: audit.entries };
};

const event = (overrides: Partial<CloudTrailRecord>): VigilEvent => {
  const result = normaliseRecord({
    eventVersion: '1.09',
    userIdentity: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, principalId: ACCOUNT },
    eventTime: '2026-10-05T09:15:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'console.amazonaws.com',
    eventID: 'e-1',
    recipientAccountId: ACCOUNT,
    ...overrides,
  });
  if (!result.ok) throw new Error(result.reason);
  return result.event;
};

describe('scoreEvents', () => {
  it('turns a root call into a finding exactly as the contract specifies', async () => {
    // Prepare
    const deps = setup();
    // Act
    const result = await scoreEvents([event({})], deps, { learn: true });
    // Assess
    expect(result.created).toBe(1);
    expect(result.findings.map((s) => s.finding)).toEqual([
      {
        id: expect.stringMatching(/^vgl-[0-9a-f]{32}$/),
        detector: 'root.credential-use',
        title: 'Root user called iam:ListUsers',
        severity: 'high',
        risk: 39,
        principal: {
          key: `root:${ACCOUNT}`,
          arn: `arn:aws:iam::${ACCOUNT}:root`,
          type: 'Root',
          accountId: ACCOUNT,
          name: 'root',
        },
        eventIds: ['e-1'],
        firstEventTime: '2026-10-05T09:15:00.000Z',
        lastEventTime: '2026-10-05T09:15:00.000Z',
        attack: ['T1078.004'],
        evidence: {
          api: 'iam:ListUsers',
          sourceIp: '203.0.113.7',
          userAgent: 'console.amazonaws.com',
          mfa: null,
          errorCode: null,
          accountId: ACCOUNT,
          country: null,
          asn: null,
          asnOrg: null,
          isAws: false,
          occurrences: 1,
          riskFactors: {
            chain: null,
            halfLifeHours: 24,
            score: 39,
            topContributors: [
              {
                detector: 'root.credential-use',
                findingId: 'vgl-75f81688c6301870c2836a6419c78da6',
                hoursAgo: 0,
                points: 30,
                stage: 'access',
              },
            ],
          },
        },
        response: null,
      },
    ]);
    expect(deps.published.map((f) => f.detector)).toEqual(['root.credential-use']);
    expect(deps.auditEntries.map((e) => [e.type, e.detector, e.principalKey])).toEqual([
      ['finding', 'root.credential-use', `root:${ACCOUNT}`],
    ]);
  });

  it('gives the same input the same finding id, and a replay adds nothing', async () => {
    const first = setup();
    const second = setup();
    const a = await scoreEvents([event({})], first, { learn: true });
    const b = await scoreEvents([event({})], second, { learn: true });
    expect(a.findings[0]?.finding.id).toBe(b.findings[0]?.finding.id);

    const again = await scoreEvents([event({})], first, { learn: true });
    expect(again.created).toBe(0);
    expect(again.findings).toEqual([]);
    expect(again.alreadyCounted).toBe(1);
    const stored = (await first.states.getMany([`root:${ACCOUNT}`])).get(`root:${ACCOUNT}`);
    expect(stored?.eventCount).toBe(1);
    expect(Math.round(stored?.risk.value ?? 0)).toBe(39);
    expect(first.published).toHaveLength(1);
  });

  it('updates one finding for repeats within the window: occurrences, last time, more event ids', async () => {
    const deps = setup();
    await scoreEvents([event({ eventID: 'e-1', eventTime: '2026-10-05T09:01:00Z' })], deps, { learn: true });
    const result = await scoreEvents(
      [
        event({ eventID: 'e-2', eventTime: '2026-10-05T09:20:00Z' }),
        event({ eventID: 'e-3', eventTime: '2026-10-05T09:30:00Z' }),
      ],
      deps,
      { learn: true },
    );
    expect(result.created).toBe(0);
    const [stored] = result.findings;
    expect([
      stored?.occurrences,
      stored?.finding.eventIds,
      stored?.finding.lastEventTime,
      stored?.finding.evidence.occurrences,
    ]).toEqual([3, ['e-1', 'e-2', 'e-3'], '2026-10-05T09:30:00.000Z', 3]);
    expect(deps.published).toHaveLength(1);
  });

  it('drops a repeated eventID within a batch', async () => {
    const deps = setup();
    const result = await scoreEvents([event({}), event({})], deps, { learn: true });
    expect([result.events, result.duplicates]).toEqual([2, 1]);
  });

  it('stores a suppressed finding, audits it as suppressed, and neither alerts nor adds risk', async () => {
    const deps = setup({
      suppressions: [
        {
          id: 'root-maintenance',
          reason: 'planned root task',
          owner: 'secops',
          expires: '2027-01-01',
          principal: 'root:*',
        },
      ],
    });
    const result = await scoreEvents([event({})], deps, { learn: true });
    expect([result.created, result.suppressed, result.published]).toEqual([1, 1, 0]);
    expect(result.findings[0]?.suppressedBy).toBe('root-maintenance');
    expect(deps.auditEntries.map((e) => e.type)).toEqual(['finding-suppressed']);
    const state = (await deps.states.getMany([`root:${ACCOUNT}`])).get(`root:${ACCOUNT}`);
    expect(state?.risk.value).toBe(0);
  });

  it('ignores an expired suppression', async () => {
    const deps = setup({
      suppressions: [{ id: 'old', reason: 'r', owner: 'o', expires: '2026-01-01', detector: 'root.*' }],
    });
    const result = await scoreEvents([event({})], deps, { learn: true });
    expect(result.suppressed).toBe(0);
  });

  it('on the fast path judges rules only and leaves the baseline to the bulk path', async () => {
    const learnt: string[] = [];
    const baseline: BaselineModel = { learn: (e) => learnt.push(e.id) };
    const deps = setup({}, { baseline });
    const fast = await scoreEvents([event({})], deps, { learn: false });
    expect(fast.created).toBe(1);
    expect(learnt).toEqual([]);
    const bulk = await scoreEvents([event({})], deps, { learn: true });
    expect([bulk.created, bulk.alreadyCounted]).toEqual([0, 0]);
    expect(learnt).toEqual(['e-1']);
  });

  it('does not run stateful detectors on events already counted', async () => {
    const seen: string[] = [];
    const counter: DetectorDefinition = {
      id: 'test.counter',
      title: 'counts',
      severity: 'low',
      attack: [],
      techniques: [],
      triggers: [],
      fastPath: false,
      dedupWindowMinutes: 60,
      runbook: '-',
      kind: 'stateful',
      detect(e, ctx) {
        const memory = ctx.memory('test.counter');
        memory.count = Number(memory.count ?? 0) + 1;
        seen.push(e.id);
        return null;
      },
    };
    const deps = setup({}, { detectors: [counter] });
    await scoreEvents([event({})], deps, { learn: true });
    await scoreEvents([event({})], deps, { learn: true });
    const state = (await deps.states.getMany([`root:${ACCOUNT}`])).get(`root:${ACCOUNT}`);
    expect(seen).toEqual(['e-1']);
    expect(state?.detectorMemory).toEqual({ 'test.counter': { count: 1 } });
  });

  it('retries a principal whose state another scorer wrote first, losing neither update', async () => {
    // Prepare: a store whose first put for the principal loses a race with another writer.
    const states = new MemoryPrincipalStateStore();
    let raced = false;
    const racing = {
      getMany: (keys: readonly string[]) => states.getMany(keys),
      async put(state: PrincipalState) {
        if (!raced) {
          raced = true;
          const other = setup({}, { states });
          await scoreEvents([event({ eventID: 'other', eventTime: '2026-10-05T09:00:00Z' })], other, { learn: true });
        }
        return states.put(state);
      },
    };
    const deps = setup({}, { states: racing });
    // Act
    const result = await scoreEvents([event({ eventID: 'mine', eventTime: '2026-10-05T09:30:00Z' })], deps, {
      learn: true,
    });
    // Assess
    expect(result.conflicts).toBe(1);
    const state = (await states.getMany([`root:${ACCOUNT}`])).get(`root:${ACCOUNT}`);
    expect([state?.eventCount, state?.version, state?.watermarkIds]).toEqual([2, 2, ['mine']]);
  });

  it('decays risk with event time', async () => {
    const deps = setup({ risk: { halfLifeHours: 24 } });
    await scoreEvents([event({ eventTime: '2026-10-01T00:00:00Z', eventID: 'a' })], deps, { learn: true });
    const later = await scoreEvents(
      [event({ eventTime: '2026-10-02T00:00:00Z', eventID: 'b', eventName: 'CreateUser' })],
      deps,
      { learn: true },
    );
    // 39 decayed for one half-life is 19.5; a second high finding lifts it to 100-(80.5)e^(-0.5).
    expect(later.findings[0]?.finding.risk).toBe(51);
  });

  it('keeps the access keys the events were signed with in the evidence, for the playbook', async () => {
    const deps = setup();
    await scoreEvents(
      [
        event({
          eventID: 'k-1',
          userIdentity: {
            type: 'Root',
            accountId: ACCOUNT,
            arn: `arn:aws:iam::${ACCOUNT}:root`,
            accessKeyId: 'AKIAROOTKEY1',
          },
        }),
      ],
      deps,
      { learn: true },
    );
    const result = await scoreEvents(
      [
        event({
          eventID: 'k-2',
          eventTime: '2026-10-05T09:20:00Z',
          userIdentity: {
            type: 'Root',
            accountId: ACCOUNT,
            arn: `arn:aws:iam::${ACCOUNT}:root`,
            accessKeyId: 'AKIAROOTKEY2',
          },
        }),
      ],
      deps,
      { learn: true },
    );
    expect(result.findings[0]?.finding.evidence.accessKeyIds).toEqual(['AKIAROOTKEY1', 'AKIAROOTKEY2']);
  });

  it('freezes the baseline of a principal once a playbook starts for it, for a day of event time', async () => {
    // Prepare: a publisher that starts a playbook for every finding.
    const learnt: string[] = [];
    const publisher = {
      publish: async (findings: readonly { id: string }[]) =>
        new Map(
          findings.map((f) => [f.id, { playbook: 'contain-principal', mode: 'dry-run', executionId: `case-${f.id}` }]),
        ),
    };
    const deps = setup({}, { publisher, baseline: { learn: (e) => learnt.push(e.id) } });
    // Act
    const first = await scoreEvents([event({ eventID: 'f-1', eventTime: '2026-10-05T09:00:00Z' })], deps, {
      learn: true,
    });
    await scoreEvents([event({ eventID: 'f-2', eventTime: '2026-10-05T20:00:00Z', eventName: 'GetUser' })], deps, {
      learn: true,
    });
    // f-2's own finding extends the freeze to 2026-10-06T20:00; f-3 comes after it.
    await scoreEvents([event({ eventID: 'f-3', eventTime: '2026-10-06T21:00:00Z', eventName: 'GetUser' })], deps, {
      learn: true,
    });
    // Assess
    const state = (await deps.states.getMany([`root:${ACCOUNT}`])).get(`root:${ACCOUNT}`);
    expect(first.findings[0]?.finding.response).toEqual({
      playbook: 'contain-principal',
      mode: 'dry-run',
      executionId: `case-${first.findings[0]?.finding.id}`,
    });
    expect(state?.openCaseId).toMatch(/^case-vgl-/);
    expect(learnt).toEqual(['f-1', 'f-3']);
    expect(state?.eventCount).toBe(3);
  });

  it('on the fast path writes a principal state only when its risk or case changed', async () => {
    const deps = setup();
    const alice = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' };
    const quiet = await scoreEvents([event({ eventID: 'q-1', userIdentity: alice })], deps, { learn: false });
    expect([quiet.created, (await deps.states.getMany([`user:${ACCOUNT}:alice`])).size]).toEqual([0, 0]);
    const loud = await scoreEvents([event({ eventID: 'q-2' })], deps, { learn: false });
    const root = (await deps.states.getMany([`root:${ACCOUNT}`])).get(`root:${ACCOUNT}`);
    expect([loud.created, root?.version, Math.round(root?.risk.value ?? 0)]).toEqual([1, 1, 39]);
  });
});
