/**
 * Runs CloudTrail records through the real scoring path (normaliseRecord -> scoreEvents with the
 * in-memory adapters, every registered detector, the fake geo database) and returns what the
 * stores and the publisher saw.
 */
import { fakeGeo } from '../../../lambdas/adapters/geo.ts';
import {
  MemoryAuditLog,
  MemoryFindingPublisher,
  MemoryFindingStore,
  MemoryPrincipalStateStore,
} from '../../../lambdas/adapters/memory.ts';
import { noBaseline } from '../../../lambdas/core/baseline-model.ts';
import type { CloudTrailRecord } from '../../../lambdas/core/cloudtrail.ts';
import { parseConfig, type VigilConfigInput } from '../../../lambdas/core/config.ts';
import { DETECTORS } from '../../../lambdas/core/detectors/registry.ts';
import type { VigilEvent } from '../../../lambdas/core/event.ts';
import type { Finding } from '../../../lambdas/core/finding.ts';
import { normaliseRecord } from '../../../lambdas/core/normalise.ts';
import type { AuditEntry, StoredFinding } from '../../../lambdas/core/ports.ts';
import { type ScoreDeps, scoreEvents } from '../../../lambdas/core/score.ts';
import { FIXTURE_GEO, T0 } from './fixtures/builders.ts';

/** What scoring some records left behind. */
export interface ScoredRecords {
  /** Every stored finding, in the order first written. */
  readonly findings: StoredFinding[];
  /** Findings handed to the publisher (alerts, playbooks). */
  readonly published: Finding[];
  readonly audit: AuditEntry[];
}

/** How to score. */
export interface ScoreOptions {
  readonly config?: VigilConfigInput;
  /** Records per batch; one batch when absent. Small batches show state carried between batches. */
  readonly batchSize?: number;
  /** Vigil's own principals (never published). */
  readonly ownPrincipals?: readonly string[];
  /** Wall clock for suppression expiry. @default T0 */
  readonly now?: number;
}

/** Normalises records, failing loudly on any the normaliser rejects (fixtures must be well formed). */
export const normaliseAll = (records: readonly CloudTrailRecord[]): VigilEvent[] =>
  records.map((record, index) => {
    const result = normaliseRecord(record);
    if (!result.ok) throw new Error(`fixture record ${index} (${record.eventName}) was rejected: ${result.reason}`);
    return result.event;
  });

/** Scores records as the bulk path does (learn: true), with default configuration plus `options.config`. */
export const scoreRecords = async (
  records: readonly CloudTrailRecord[],
  options: ScoreOptions = {},
): Promise<ScoredRecords> => {
  const findings = new MemoryFindingStore();
  const audit = new MemoryAuditLog();
  const publisher = new MemoryFindingPublisher();
  const deps: ScoreDeps = {
    config: parseConfig(options.config ?? {}),
    detectors: DETECTORS,
    baseline: noBaseline,
    geo: fakeGeo(FIXTURE_GEO),
    states: new MemoryPrincipalStateStore(),
    findings,
    audit,
    publisher,
    clock: { now: () => options.now ?? T0 },
    ...(options.ownPrincipals ? { ownPrincipals: options.ownPrincipals } : {}),
  };
  const events = normaliseAll(records);
  const size = options.batchSize ?? Math.max(1, events.length);
  for (let i = 0; i < events.length; i += size) await scoreEvents(events.slice(i, i + size), deps, { learn: true });
  return { findings: findings.all(), published: publisher.published, audit: audit.entries };
};

/** The stored findings of one detector. */
export const findingsOf = (scored: ScoredRecords, detectorId: string): StoredFinding[] =>
  scored.findings.filter((stored) => stored.finding.detector === detectorId);
