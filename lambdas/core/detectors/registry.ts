/**
 * The detector registry: every detector Vigil runs. The fast path's EventBridge rule pattern,
 * docs/detections.md and the coverage tests are all generated from this list.
 */
import type { DetectorDefinition } from '../detector.ts';
import { loggingDisabled } from './cloudtrail.ts';
import { accessKeyForOtherUser, adminPolicyAttached } from './iam.ts';
import { rootCredentialUse } from './root.ts';
import { consoleLoginWithoutMfa } from './signin.ts';

/** Every detector, in a stable order. */
export const DETECTORS: readonly DetectorDefinition[] = [
  rootCredentialUse,
  consoleLoginWithoutMfa,
  loggingDisabled,
  accessKeyForOtherUser,
  adminPolicyAttached,
];

/** The detector with this id, or undefined. */
export const detectorById = (id: string): DetectorDefinition | undefined => DETECTORS.find((d) => d.id === id);
