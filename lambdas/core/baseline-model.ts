import type { DetectorContext } from './detector.ts';
import type { VigilEvent } from './event.ts';
import type { PrincipalState } from './state.ts';

/**
 * Learns a principal's normal from its events. The scorer calls `learn` once for every event
 * that is new to the principal's baseline (after its watermark), after the detectors have judged
 * the event against the baseline as it was before it. Never called while the baseline is frozen.
 */
export interface BaselineModel {
  learn(event: VigilEvent, state: PrincipalState, ctx: DetectorContext): void;
}

/** A model that learns nothing: rule detection only. */
export const noBaseline: BaselineModel = { learn: () => {} };
