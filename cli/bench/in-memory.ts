/**
 * The scorer wired over in-memory stores, as a Lambda handler wires it over DynamoDB: the rule
 * detectors, the baseline detectors and model (with a peer book of their own, so runs in one
 * process never share peers), the offline IP database and the wall clock.
 */

import { loadGeo } from '../../lambdas/adapters/geo.ts';
import {
  MemoryAuditLog,
  MemoryFindingPublisher,
  MemoryFindingStore,
  MemoryPrincipalStateStore,
} from '../../lambdas/adapters/memory.ts';
import { createBaselineDetectors, createBaselineModel, PeerBook } from '../../lambdas/core/baseline/index.ts';
import type { VigilConfig } from '../../lambdas/core/config.ts';
import { DETECTORS } from '../../lambdas/core/detectors/registry.ts';
import type { AuditLog, FindingPublisher, FindingStore, PrincipalStateStore } from '../../lambdas/core/ports.ts';
import type { ScoreDeps } from '../../lambdas/core/score.ts';

/** Stores to use instead of fresh in-memory ones. */
export interface StoreOverrides {
  readonly states?: PrincipalStateStore;
  readonly findings?: FindingStore;
  readonly audit?: AuditLog;
  readonly publisher?: FindingPublisher;
}

/** Scoring dependencies over in-memory stores (or the overrides). */
export const inMemoryDeps = (config: VigilConfig, overrides: StoreOverrides = {}): ScoreDeps => {
  const peers = new PeerBook();
  return {
    config,
    detectors: [...DETECTORS, ...createBaselineDetectors(peers)],
    baseline: createBaselineModel({ peers }),
    geo: loadGeo(),
    states: overrides.states ?? new MemoryPrincipalStateStore(),
    findings: overrides.findings ?? new MemoryFindingStore(),
    audit: overrides.audit ?? new MemoryAuditLog(),
    publisher: overrides.publisher ?? new MemoryFindingPublisher(),
    clock: { now: () => Date.now() },
  };
};

/**
 * Loads the IP database now, so its one-off load is not counted in what is timed next. Returns
 * the seconds it took (a cold Lambda pays them once).
 */
export const warmGeo = (): number => {
  const started = performance.now();
  loadGeo().lookup('192.0.2.1');
  return (performance.now() - started) / 1000;
};
