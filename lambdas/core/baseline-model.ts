import type { DetectorContext } from './detector.ts';
import type { VigilEvent } from './event.ts';
import type { PrincipalStateStore } from './ports.ts';
import type { Principal } from './principal.ts';
import type { PrincipalState } from './state.ts';

/**
 * Learns a principal's normal from its events. The scorer calls `learn` once for every event
 * that is new to the principal's baseline (after its watermark), after the detectors have judged
 * the event against the baseline as it was before it. Never called while the baseline is frozen.
 */
export interface BaselineModel {
  learn(event: VigilEvent, state: PrincipalState, ctx: DetectorContext): void;
  /**
   * Keys of further state items the model keeps beside the principals of a batch (peer groups),
   * read with the principals. @default - none
   */
  extraKeys?(principals: readonly Principal[]): string[];
  /** Hands the model the extra items read. @default - nothing to load */
  load?(states: ReadonlyMap<string, PrincipalState>): void;
  /** Writes the extra items back after the batch; returns how many writes were retried. @default - nothing */
  flush?(store: PrincipalStateStore, now: number): Promise<number>;
}

/** A model that learns nothing: rule detection only. */
export const noBaseline: BaselineModel = { learn: () => {} };
