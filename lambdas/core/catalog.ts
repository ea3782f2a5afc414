/**
 * Every detector the scorer runs, in Lambda and in `vigil replay` alike: the rule catalog and the
 * behavioural baseline detectors.
 */
import { BASELINE_DETECTORS } from './baseline/index.ts';
import type { DetectorDefinition } from './detector.ts';
import { DETECTORS } from './detectors/registry.ts';

/** The rule detectors, then the baseline detectors. */
export const ALL_DETECTORS: readonly DetectorDefinition[] = [...DETECTORS, ...BASELINE_DETECTORS];
