/**
 * Vigil's UEBA: per-principal behavioural baselines, the detectors that read them, and peer
 * groups. The scorer wires `createBaselineModel()` as its baseline and adds `BASELINE_DETECTORS`
 * to the rule detectors; both share one process-wide peer book. Tests and tools that need
 * isolated peers create a `PeerBook` and pass it to `createBaselineModel` and `createBaselineDetectors`.
 */
import type { DetectorDefinition } from '../detector.ts';
import { createBaselineDetectors } from './detectors.ts';
import { type BaselineModelOptions, createModel, type PeerAwareModel } from './model.ts';
import { PeerBook } from './peers.ts';

export type { Analysis } from './analyse.ts';
export { createBaselineDetectors } from './detectors.ts';
export type { BaselineModelOptions, PeerAwareModel } from './model.ts';
export { type PeerBaseline, PeerBook, peerGroupOf, peerStateKey, readPeer } from './peers.ts';
export type { Baseline, Window } from './profile.ts';
export type { Feature, Signal } from './signals.ts';

/** The peers `BASELINE_DETECTORS` and the default model share: one book per process. */
export const sharedPeers = new PeerBook();

/** The baseline detectors, reading the process-wide peer book. */
export const BASELINE_DETECTORS: readonly DetectorDefinition[] = createBaselineDetectors(sharedPeers);

/**
 * The baseline model.
 * @default options - the process-wide peer book, shared with `BASELINE_DETECTORS`
 */
export const createBaselineModel = (options: Partial<BaselineModelOptions> = {}): PeerAwareModel =>
  createModel({ peers: options.peers ?? sharedPeers });
