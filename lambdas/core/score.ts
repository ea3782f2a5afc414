/**
 * The scoring path, the same in Lambda and in `vigil replay`: group a batch of events by
 * principal, load each principal's state, run the detectors, learn the baseline, raise the risk,
 * and store state, findings and audit records.
 *
 * Effects happen in an order that makes a retried batch safe: publishing first (playbook
 * executions are named by case, so a repeat starts nothing new; a started case freezes the
 * principal's baseline in the state written next), then principal state (its watermark keeps the
 * baseline from counting an event twice, its `risk.counted` keeps a finding's points from being
 * added twice), then audit records, then the findings themselves. A batch that fails part way
 * is retried whole: at worst an audit record is written twice, never lost, and nothing is
 * counted twice.
 */
import type { BaselineModel } from './baseline-model.ts';
import type { VigilConfig } from './config.ts';
import type { Detection, DetectorContext, DetectorDefinition, GeoLookup } from './detector.ts';
import type { VigilEvent } from './event.ts';
import { compareSeverity, type Finding, MAX_FINDING_EVENT_IDS, type Severity } from './finding.ts';
import { findingId } from './finding-id.ts';
import { principalMatches, wildcardMatch } from './patterns.ts';
import type {
  AuditEntry,
  AuditLog,
  Clock,
  FindingPublisher,
  FindingStore,
  PrincipalStateStore,
  StoredFinding,
} from './ports.ts';
import { VersionConflictError } from './ports.ts';
import type { Principal } from './principal.ts';
import { addRisk, explainRisk, isCounted, riskScore, SEVERITY_POINTS } from './risk.ts';
import { emptyPrincipalState, type PrincipalState } from './state.ts';
import { matchSuppression } from './suppression.ts';

/** Everything the scorer needs, wired once by a handler or the CLI. */
export interface ScoreDeps {
  readonly config: VigilConfig;
  readonly detectors: readonly DetectorDefinition[];
  readonly baseline: BaselineModel;
  readonly geo: GeoLookup;
  readonly states: PrincipalStateStore;
  readonly findings: FindingStore;
  readonly audit: AuditLog;
  readonly publisher: FindingPublisher;
  readonly clock: Clock;
  /**
   * Vigil's own principals (ARN or key patterns): their findings are stored but never published,
   * so Vigil's responders calling IAM can never start a playbook loop.
   * @default - none
   */
  readonly ownPrincipals?: readonly string[];
}

/** How a batch is scored. */
export interface ScoreOptions {
  /**
   * True on the bulk path and in replay: events feed the baselines and baseline detectors run.
   * False on the fast path, whose events come again in the log files: rule detectors only.
   */
  readonly learn: boolean;
}

/** What scoring a batch did. */
export interface BatchResult {
  readonly events: number;
  /** Events dropped because the batch held the same eventID earlier. */
  readonly duplicates: number;
  /** Events at or before their principal's watermark: judged by rules, not counted again. */
  readonly alreadyCounted: number;
  readonly principals: number;
  /** Findings created or changed by this batch, as stored. */
  readonly findings: StoredFinding[];
  readonly created: number;
  readonly suppressed: number;
  readonly published: number;
  /** Principal state writes retried after another writer got there first. */
  readonly conflicts: number;
}

interface Hit {
  readonly detector: DetectorDefinition;
  readonly detection: Detection;
  readonly event: VigilEvent;
  readonly findingId: string;
  readonly severity: Severity;
}

interface PrincipalOutcome {
  readonly state: PrincipalState;
  /** What the fast path may change, as it was before the batch: no change, no write. */
  readonly before: string;
  readonly changed: Map<string, StoredFinding>;
  readonly created: Set<string>;
  readonly escalated: Set<string>;
  readonly alreadyCounted: number;
  readonly hits: readonly Hit[];
}

const MAX_STATE_RETRIES = 8;
const MAX_AUDIT_RECORDS = 10;
const MAX_ACCESS_KEY_IDS = 10;
/** How long a case freezes its principal's baseline, in event time. */
export const CASE_FREEZE_MS = 24 * 3_600_000;

const detectionsOf = (result: Detection | readonly Detection[] | null): readonly Detection[] =>
  result === null ? [] : Array.isArray(result) ? (result as readonly Detection[]) : [result as Detection];

const contextFor = (deps: ScoreDeps, state: PrincipalState): DetectorContext => {
  const { config } = deps;
  const own = deps.ownPrincipals ?? [];
  return {
    config,
    state,
    geo: deps.geo,
    isSensitiveBucket: (bucket) => config.sensitiveBuckets.some((pattern) => wildcardMatch(pattern, bucket)),
    isTrustedAutomation: (principal: Principal) =>
      [...config.trustedAutomation, ...own].some((pattern) => principalMatches(pattern, principal)),
    isProductionAccount: (accountId) => config.productionAccounts.includes(accountId),
    memory: (detectorId) => {
      state.detectorMemory ??= {};
      let memory = state.detectorMemory[detectorId];
      if (!memory) {
        memory = {};
        state.detectorMemory[detectorId] = memory;
      }
      return memory;
    },
  };
};

/** Runs the detectors and the baseline over one principal's events. Pure but for `state`, which it mutates. */
const evaluate = (
  deps: ScoreDeps,
  state: PrincipalState,
  events: readonly VigilEvent[],
  options: ScoreOptions,
): { hits: Hit[]; alreadyCounted: number } => {
  const ctx = contextFor(deps, state);
  const hits: Hit[] = [];
  let alreadyCounted = 0;
  for (const event of events) {
    const isNew =
      event.time > state.watermark || (event.time === state.watermark && !state.watermarkIds.includes(event.id));
    const feedsBaseline = options.learn && isNew;
    if (!isNew) alreadyCounted++;
    for (const detector of deps.detectors) {
      if (detector.kind !== undefined && detector.kind !== 'rule' && !feedsBaseline) continue;
      for (const detection of detectionsOf(detector.detect(event, ctx))) {
        const dedupKey = detection.dedupKey ?? detector.id;
        hits.push({
          detector,
          detection,
          event,
          severity: detection.severity ?? detector.severity,
          findingId: findingId(detector.id, state.key, dedupKey, event.time, detector.dedupWindowMinutes),
        });
      }
    }
    state.lastSeen = Math.max(state.lastSeen, event.time);
    state.firstSeen = Math.min(state.firstSeen, event.time);
    state.principal = {
      arn: event.principal.arn,
      type: event.principal.type,
      accountId: event.principal.accountId,
      name: event.principal.name,
    };
    if (feedsBaseline) {
      if (!(state.openCaseId !== null && event.time < state.frozenUntil)) deps.baseline.learn(event, state, ctx);
      state.eventCount++;
      if (event.time > state.watermark) {
        state.watermark = event.time;
        state.watermarkIds = [event.id];
      } else {
        state.watermarkIds.push(event.id);
      }
    }
  }
  return { hits, alreadyCounted };
};

const newFinding = (hit: Hit, principal: Principal, risk: number): Finding => ({
  id: hit.findingId,
  detector: hit.detector.id,
  title: hit.detection.title ?? hit.detector.title,
  severity: hit.severity,
  risk,
  principal: {
    key: principal.key,
    arn: principal.arn,
    type: principal.type,
    accountId: principal.accountId,
    name: principal.name,
  },
  eventIds: [hit.event.id],
  firstEventTime: hit.event.timeIso,
  lastEventTime: hit.event.timeIso,
  attack: [...hit.detector.attack],
  evidence: {
    ...hit.detection.evidence,
    ...(hit.event.accessKeyId ? { accessKeyIds: [hit.event.accessKeyId] } : {}),
    occurrences: 1,
  },
  response: null,
});

/** The access keys the finding's events were signed with: the playbook deactivates these. */
const mergeAccessKeys = (evidence: Record<string, unknown>, accessKeyId: string | null): Record<string, unknown> => {
  if (!accessKeyId) return evidence;
  const known = Array.isArray(evidence.accessKeyIds) ? (evidence.accessKeyIds as string[]) : [];
  if (known.includes(accessKeyId) || known.length >= MAX_ACCESS_KEY_IDS) return evidence;
  return { ...evidence, accessKeyIds: [...known, accessKeyId] };
};

/** Merges a repeat hit into a stored finding; null when the event is already in it. */
const mergeHit = (stored: StoredFinding, hit: Hit, risk: number | null): StoredFinding | null => {
  const f = stored.finding;
  const lastTime = Date.parse(f.lastEventTime);
  if (f.eventIds.includes(hit.event.id)) return null;
  // Past the id cap a repeat cannot be told from a new event by id; only newer events count.
  if (f.eventIds.length >= MAX_FINDING_EVENT_IDS && hit.event.time <= lastTime) return null;
  const occurrences = stored.occurrences + 1;
  const severity = compareSeverity(hit.severity, f.severity) > 0 ? hit.severity : f.severity;
  const finding: Finding = {
    ...f,
    severity,
    title: severity !== f.severity ? (hit.detection.title ?? f.title) : f.title,
    risk: risk ?? f.risk,
    eventIds: f.eventIds.length < MAX_FINDING_EVENT_IDS ? [...f.eventIds, hit.event.id] : f.eventIds,
    firstEventTime: hit.event.time < Date.parse(f.firstEventTime) ? hit.event.timeIso : f.firstEventTime,
    lastEventTime: hit.event.time > lastTime ? hit.event.timeIso : f.lastEventTime,
    // A rise in severity brings the evidence of the hit that raised it, so the two agree.
    evidence: {
      ...mergeAccessKeys(
        severity !== f.severity ? { ...hit.detection.evidence, accessKeyIds: f.evidence.accessKeyIds } : f.evidence,
        hit.event.accessKeyId,
      ),
      ...(severity !== f.severity && f.evidence.riskFactors !== undefined
        ? { riskFactors: f.evidence.riskFactors }
        : {}),
      occurrences,
    },
  };
  return { ...stored, finding, occurrences };
};

/** Turns one principal's hits into findings and risk, against the findings already stored. */
const assemble = (
  deps: ScoreDeps,
  state: PrincipalState,
  hits: readonly Hit[],
  stored: ReadonlyMap<string, StoredFinding>,
): { changed: Map<string, StoredFinding>; created: Set<string>; escalated: Set<string> } => {
  const halfLife = deps.config.risk.halfLifeHours;
  const changed = new Map<string, StoredFinding>();
  const created = new Set<string>();
  const escalated = new Set<string>();
  const now = deps.clock.now();
  for (const hit of hits) {
    const current = changed.get(hit.findingId) ?? stored.get(hit.findingId);
    const principal = hit.event.principal;
    if (!current) {
      const rule = matchSuppression(deps.config.suppressions, hit.detector.id, hit.event, now);
      if (!rule && !isCounted(state.risk, hit.findingId)) {
        state.risk = addRisk(
          state.risk,
          {
            findingId: hit.findingId,
            detector: hit.detector.id,
            points: SEVERITY_POINTS[hit.severity],
            at: hit.event.time,
          },
          halfLife,
          hit.detector.attack,
        );
      }
      const finding = newFinding(hit, principal, riskScore(state.risk.value));
      // Every finding says what makes up the principal's risk right after it.
      finding.evidence.riskFactors = explainRisk(state.risk, hit.event.time, halfLife);
      changed.set(hit.findingId, { finding, occurrences: 1, suppressedBy: rule?.id ?? null, version: 0 });
      created.add(hit.findingId);
      continue;
    }
    const before = current.finding.severity;
    const rises = compareSeverity(hit.severity, before) > 0 && current.suppressedBy === null;
    if (rises && !current.finding.eventIds.includes(hit.event.id)) {
      state.risk = addRisk(
        state.risk,
        {
          findingId: hit.findingId,
          detector: hit.detector.id,
          points: SEVERITY_POINTS[hit.severity] - SEVERITY_POINTS[before],
          at: hit.event.time,
        },
        halfLife,
        hit.detector.attack,
      );
    }
    const merged = mergeHit(current, hit, rises ? riskScore(state.risk.value) : null);
    if (!merged) continue;
    changed.set(hit.findingId, merged);
    if (rises && !created.has(hit.findingId)) escalated.add(hit.findingId);
  }
  return { changed, created, escalated };
};

const groupByPrincipal = (events: readonly VigilEvent[]): Map<string, VigilEvent[]> => {
  const groups = new Map<string, VigilEvent[]>();
  for (const event of events) {
    const group = groups.get(event.principal.key);
    if (group) group.push(event);
    else groups.set(event.principal.key, [event]);
  }
  for (const group of groups.values()) group.sort((a, b) => a.time - b.time);
  return groups;
};

const auditFor = (outcome: PrincipalOutcome): AuditEntry[] => {
  const entries: AuditEntry[] = [];
  for (const [id, stored] of outcome.changed) {
    const created = outcome.created.has(id);
    if (!created && !outcome.escalated.has(id)) continue;
    const f = stored.finding;
    const records = outcome.hits
      .filter((h) => h.findingId === id)
      .slice(0, MAX_AUDIT_RECORDS)
      .map((h) => h.event.raw);
    entries.push({
      type: stored.suppressedBy ? 'finding-suppressed' : created ? 'finding' : 'finding-updated',
      at: Date.parse(f.lastEventTime),
      actor: 'vigil:scorer',
      principalKey: f.principal.key,
      findingId: id,
      detector: f.detector,
      severity: f.severity,
      data: { finding: f, records, ...(stored.suppressedBy ? { suppression: stored.suppressedBy } : {}) },
    });
  }
  return entries;
};

/** The part of a principal's state the fast path can change. */
const riskSnapshot = (state: PrincipalState): string =>
  JSON.stringify([state.version, state.risk, state.openCaseId, state.frozenUntil, state.detectorMemory]);

/** Freezes the baseline of a principal for which a playbook was started. */
const freeze = (outcome: PrincipalOutcome, responses: ReadonlyMap<string, Finding['response']>): void => {
  for (const [id, stored] of outcome.changed) {
    const response = responses.get(id);
    if (!response) continue;
    outcome.state.openCaseId = response.executionId;
    outcome.state.frozenUntil = Math.max(
      outcome.state.frozenUntil ?? 0,
      Date.parse(stored.finding.lastEventTime) + CASE_FREEZE_MS,
    );
  }
};

/** Scores a batch of normalised events. Safe to retry: see the module comment. */
export const scoreEvents = async (
  batch: readonly VigilEvent[],
  deps: ScoreDeps,
  options: ScoreOptions,
): Promise<BatchResult> => {
  const seen = new Set<string>();
  const events: VigilEvent[] = [];
  for (const event of batch) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    events.push(event);
  }
  const groups = groupByPrincipal(events);
  const keys = [...groups.keys()];
  // Peer groups matter only where baselines learn and baseline detectors run: not on the fast path.
  const extraKeys = !options.learn
    ? []
    : (deps.baseline.extraKeys?.(keys.map((key) => groups.get(key)?.[0]?.principal).filter((p) => p !== undefined)) ??
      []);
  let states = await deps.states.getMany([...keys, ...extraKeys]);
  if (extraKeys.length > 0)
    deps.baseline.load?.(
      new Map(
        extraKeys.flatMap((key) => {
          const state = states.get(key);
          return state ? [[key, state] as const] : [];
        }),
      ),
    );
  const outcomes = new Map<string, PrincipalOutcome>();
  let conflicts = 0;

  const run = async (key: string, stateBefore: PrincipalState | undefined): Promise<PrincipalOutcome> => {
    const group = groups.get(key) ?? [];
    const first = group[0];
    if (!first) throw new Error(`no events for principal ${key}`);
    const state: PrincipalState = stateBefore
      ? structuredClone(stateBefore)
      : emptyPrincipalState(
          key,
          {
            arn: first.principal.arn,
            type: first.principal.type,
            accountId: first.principal.accountId,
            name: first.principal.name,
          },
          first.time,
        );
    const before = riskSnapshot(state);
    const { hits, alreadyCounted } = evaluate(deps, state, group, options);
    const stored =
      hits.length > 0 ? await deps.findings.getMany([...new Set(hits.map((h) => h.findingId))]) : new Map();
    const assembled = assemble(deps, state, hits, stored);
    return { state, before, ...assembled, alreadyCounted, hits };
  };

  for (const key of keys) outcomes.set(key, await run(key, states.get(key)));

  // Playbooks first: a case opened now freezes the principal's baseline in the state written next.
  const alertAt = deps.config.alertSeverity;
  const own = deps.ownPrincipals ?? [];
  const toPublish: Finding[] = [];
  for (const outcome of outcomes.values()) {
    for (const [id, stored] of outcome.changed) {
      if (!outcome.created.has(id) && !outcome.escalated.has(id)) continue;
      if (stored.suppressedBy !== null || compareSeverity(stored.finding.severity, alertAt) < 0) continue;
      const principal = groups.get(outcome.state.key)?.[0]?.principal;
      if (principal && own.some((pattern) => principalMatches(pattern, principal))) continue;
      toPublish.push(stored.finding);
    }
  }
  const responses =
    toPublish.length > 0 ? await deps.publisher.publish(toPublish) : new Map<string, Finding['response']>();

  // Principal state: one conditional write per principal per batch; on conflict reload and redo.
  for (const key of keys) {
    for (let attempt = 0; ; attempt++) {
      const outcome = outcomes.get(key);
      if (!outcome) break;
      freeze(outcome, responses);
      // The fast path learns nothing: a principal whose risk and case did not change is not written.
      if (!options.learn && riskSnapshot(outcome.state) === outcome.before) break;
      try {
        await deps.states.put(outcome.state);
        break;
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= MAX_STATE_RETRIES) throw error;
        conflicts++;
        states = await deps.states.getMany([key]);
        outcomes.set(key, await run(key, states.get(key)));
      }
    }
  }

  // Peer groups the baseline keeps beside the principals: merged with concurrent writers.
  if (options.learn) conflicts += (await deps.baseline.flush?.(deps.states, deps.clock.now())) ?? 0;

  const all = [...outcomes.values()];
  const audit = all.flatMap(auditFor);
  if (audit.length > 0) await deps.audit.append(audit);

  const written: StoredFinding[] = [];
  let created = 0;
  let suppressed = 0;
  for (const outcome of all) {
    for (const [id, candidate] of outcome.changed) {
      let stored = candidate;
      const response = responses.get(id);
      if (response) stored = { ...stored, finding: { ...stored.finding, response } };
      stored = await putFinding(
        deps.findings,
        stored,
        outcome.hits.filter((h) => h.findingId === id),
      );
      written.push(stored);
      if (outcome.created.has(id)) {
        created++;
        if (stored.suppressedBy) suppressed++;
      }
    }
  }
  return {
    events: batch.length,
    duplicates: batch.length - events.length,
    alreadyCounted: all.reduce((n, o) => n + o.alreadyCounted, 0),
    principals: keys.length,
    findings: written,
    created,
    suppressed,
    published: toPublish.length,
    conflicts,
  };
};

/** Writes a finding; when another scorer wrote it first, merges this batch's hits into theirs. */
const putFinding = async (
  store: FindingStore,
  finding: StoredFinding,
  hits: readonly Hit[],
): Promise<StoredFinding> => {
  let candidate = finding;
  for (let attempt = 0; ; attempt++) {
    try {
      await store.put(candidate);
      return { ...candidate, version: candidate.version + 1 };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_STATE_RETRIES) throw error;
      const latest = (await store.getMany([candidate.finding.id])).get(candidate.finding.id);
      if (!latest) throw error;
      let merged = latest;
      for (const hit of hits) merged = mergeHit(merged, hit, null) ?? merged;
      if (finding.finding.response && !merged.finding.response) {
        merged = { ...merged, finding: { ...merged.finding, response: finding.finding.response } };
      }
      candidate = merged;
    }
  }
};
