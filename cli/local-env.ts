/**
 * Wires the scorer against the embedded DynamoDB, as a Lambda handler wires it against AWS:
 * the same adapters, the same detectors, the same baseline model.
 */

import { DynamoAuditLog } from '../lambdas/adapters/dynamo-audit-log.ts';
import { DynamoFindingStore } from '../lambdas/adapters/dynamo-finding-store.ts';
import { type DynamoMetrics, newDynamoMetrics } from '../lambdas/adapters/dynamo-items.ts';
import { DynamoPrincipalStateStore } from '../lambdas/adapters/dynamo-principal-state-store.ts';
import { loadGeo } from '../lambdas/adapters/geo.ts';
import { emptyStore, ensureTables, type LocalDynamo, startLocalDynamo } from '../lambdas/adapters/local-dynamo.ts';
import { ALL_TABLES, AUDIT_TABLE, STATE_TABLE } from '../lambdas/adapters/tables.ts';
import { createBaselineModel } from '../lambdas/core/baseline/index.ts';
import { ALL_DETECTORS } from '../lambdas/core/catalog.ts';
import type { ResponseMode, VigilConfig } from '../lambdas/core/config.ts';
import type { Clock, FindingPublisher } from '../lambdas/core/ports.ts';
import { createLocalPlaybooks, type LocalPlaybooks } from './local-playbooks.ts';
import type { ReplayDeps } from './replay.ts';

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A running local environment: the store and everything wired over it. */
export interface LocalEnv {
  readonly dynamo: LocalDynamo;
  readonly deps: ReplayDeps;
  readonly playbooks: LocalPlaybooks | null;
  readonly metrics: DynamoMetrics;
  close(): Promise<void>;
}

/** A publisher for `--response off`: nothing is started. */
const noPlaybooks: FindingPublisher = { publish: async () => new Map() };

/** Opens (or creates) the store and wires the scorer over it. */
export const openLocalEnv = async (opts: {
  readonly storeDir: string | null;
  readonly fresh: boolean;
  readonly config: VigilConfig;
  readonly response: ResponseMode;
  readonly writer?: string;
}): Promise<LocalEnv> => {
  if (opts.fresh && opts.storeDir !== null) await emptyStore(opts.storeDir);
  const dynamo = await startLocalDynamo({ dir: opts.storeDir });
  try {
    await ensureTables(dynamo.client, ALL_TABLES);
    const metrics = newDynamoMetrics();
    const clock = systemClock;
    const audit = new DynamoAuditLog(dynamo.doc, AUDIT_TABLE.localName, {
      writer: opts.writer ?? `vigil-replay-${process.pid}`,
      clock,
    });
    const playbooks =
      opts.response === 'off'
        ? null
        : await createLocalPlaybooks({
            config: opts.config,
            doc: dynamo.doc,
            stateTableName: STATE_TABLE.localName,
            audit,
            mode: opts.response,
            clock,
          });
    const deps: ReplayDeps = {
      config: opts.config,
      detectors: ALL_DETECTORS,
      baseline: createBaselineModel(),
      geo: loadGeo(),
      states: new DynamoPrincipalStateStore(dynamo.doc, STATE_TABLE.localName, metrics),
      findings: new DynamoFindingStore(dynamo.doc, STATE_TABLE.localName, metrics),
      audit,
      publisher: playbooks ?? noPlaybooks,
      clock,
    };
    return {
      dynamo,
      deps,
      playbooks,
      metrics,
      async close() {
        await playbooks?.close();
        // Anchor the chain's head, so the last records of the run are anchored too.
        await audit.seal();
        await dynamo.close();
      },
    };
  } catch (error) {
    await dynamo.close();
    throw error;
  }
};
