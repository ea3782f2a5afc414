/**
 * The detector registry: every rule and stateful detector Vigil runs (the baseline detectors live
 * in `../baseline/`). The fast path's EventBridge rule pattern, docs/detections.md and the coverage
 * tests are all generated from this list.
 */
import type { DetectorDefinition } from '../detector.ts';
import { unusualModelInvocation } from './bedrock.ts';
import { eventSelectorsReduced, logBucketLifecycleShortened, loggingDisabled } from './cloudtrail.ts';
import { instanceCredentialsOutsideAws, pentestUserAgent } from './credentials.ts';
import {
  dnsQueryLoggingDeleted,
  kmsKeyScheduledForDeletion,
  leaveOrganization,
  securityServiceDisabled,
} from './defense.ts';
import { instanceRoleEnumeration, sesEnumeration } from './discovery.ts';
import {
  amiDeregistered,
  amiSharedExternally,
  flowLogsDeleted,
  instanceConnectBurst,
  passwordDataBurst,
  securityGroupOpenToWorld,
  serialConsoleSshKey,
  snapshotSharedExternally,
  unusualInstanceType,
  userDataDownloadBurst,
  userDataModified,
} from './ec2.ts';
import {
  accessKeyForOtherUser,
  adminPolicyAttached,
  loginProfileForOtherUser,
  passwordPolicyWeakened,
  roleTrustPolicyBackdoor,
} from './iam.ts';
import { functionCodeOverwritten, functionPolicyExternalAccess, layerFromExternalAccount } from './lambda.ts';
import { rdsSnapshotSharedExternally } from './rds.ts';
import { rootCredentialUse } from './root.ts';
import {
  blockPublicAccessDisabled,
  bucketMadePublic,
  bucketSharedExternally,
  clientKeyEncryption,
  massDeletion,
  serverAccessLoggingDisabled,
} from './s3.ts';
import { notebookLifecycleConfigChanged } from './sagemaker.ts';
import { secretsBatchReadBurst, securestringParametersBurst } from './secrets.ts';
import { consoleLoginWithoutMfa } from './signin.ts';
import { sendCommand, startSessionBurst } from './ssm.ts';
import { federationTokenCreated, rolesAnywhereTrustAnchor } from './sts.ts';

/** Every detector, in a stable order (grouped by what the attacker is after). */
export const DETECTORS: readonly DetectorDefinition[] = [
  // Initial access and credentials in the wrong hands
  rootCredentialUse,
  consoleLoginWithoutMfa,
  instanceCredentialsOutsideAws,
  pentestUserAgent,
  // Defense evasion
  loggingDisabled,
  eventSelectorsReduced,
  logBucketLifecycleShortened,
  flowLogsDeleted,
  dnsQueryLoggingDeleted,
  leaveOrganization,
  securityServiceDisabled,
  serverAccessLoggingDisabled,
  // Persistence and privilege escalation
  accessKeyForOtherUser,
  adminPolicyAttached,
  roleTrustPolicyBackdoor,
  loginProfileForOtherUser,
  passwordPolicyWeakened,
  federationTokenCreated,
  rolesAnywhereTrustAnchor,
  functionPolicyExternalAccess,
  layerFromExternalAccount,
  functionCodeOverwritten,
  // Credential access
  secretsBatchReadBurst,
  securestringParametersBurst,
  passwordDataBurst,
  userDataDownloadBurst,
  // Discovery
  instanceRoleEnumeration,
  sesEnumeration,
  // Execution and lateral movement
  unusualInstanceType,
  userDataModified,
  notebookLifecycleConfigChanged,
  sendCommand,
  startSessionBurst,
  instanceConnectBurst,
  serialConsoleSshKey,
  // Exfiltration and exposure
  securityGroupOpenToWorld,
  snapshotSharedExternally,
  amiSharedExternally,
  rdsSnapshotSharedExternally,
  bucketSharedExternally,
  bucketMadePublic,
  blockPublicAccessDisabled,
  // Impact
  massDeletion,
  clientKeyEncryption,
  kmsKeyScheduledForDeletion,
  amiDeregistered,
  unusualModelInvocation,
];

const BY_ID = new Map(DETECTORS.map((detector) => [detector.id, detector]));

/** The detector with this id, or undefined. */
export const detectorById = (id: string): DetectorDefinition | undefined => BY_ID.get(id);

/** What the fast-path EventBridge rule must match. */
export interface FastPathTriggers {
  /** `eventSource` -> the `eventName`s needed from it, sorted; sources in sorted order. */
  readonly sources: Map<string, string[]>;
  /** `userIdentity.type`s whose every call is needed (e.g. `Root`), sorted. */
  readonly userIdentityTypes: string[];
}

/**
 * The merged, de-duplicated triggers of the fast-path detectors, grouped by event source. The CDK
 * app turns this into the fast path's EventBridge rule pattern.
 */
export const fastPathTriggers = (detectors: readonly DetectorDefinition[] = DETECTORS): FastPathTriggers => {
  const bySource = new Map<string, Set<string>>();
  const identityTypes = new Set<string>();
  for (const detector of detectors) {
    if (!detector.fastPath) continue;
    for (const trigger of detector.triggers) {
      if ('userIdentityType' in trigger) {
        identityTypes.add(trigger.userIdentityType);
        continue;
      }
      const names = bySource.get(trigger.source) ?? new Set<string>();
      for (const name of trigger.names) names.add(name);
      bySource.set(trigger.source, names);
    }
  }
  const sources = new Map<string, string[]>();
  for (const source of [...bySource.keys()].sort()) sources.set(source, [...(bySource.get(source) ?? [])].sort());
  return { sources, userIdentityTypes: [...identityTypes].sort() };
};
