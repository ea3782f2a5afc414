/** RDS detectors. */
import type { DetectorDefinition } from '../detector.ts';
import type { Severity } from '../finding.ts';
import { actor, inProduction, isExternalAccount, listOf, param, succeeded, whereIs } from './helpers.ts';

/** An RDS snapshot (instance or cluster) shared with an account outside the organisation, or made public. */
export const rdsSnapshotSharedExternally: DetectorDefinition = {
  id: 'rds.snapshot-shared-externally',
  title: 'RDS snapshot shared outside the organisation',
  severity: 'high',
  attack: ['T1537'],
  techniques: ['stratus:aws.exfiltration.rds-share-snapshot'],
  triggers: [{ source: 'rds.amazonaws.com', names: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Remove the account from the snapshot's restore attribute (aws rds modify-db-snapshot-attribute --values-to-remove ...). The other account may already have copied it: treat the database's data as exposed.",
  detect(event, ctx) {
    if (event.name !== 'ModifyDBSnapshotAttribute' && event.name !== 'ModifyDBClusterSnapshotAttribute') return null;
    if (!succeeded(event) || param(event, 'attributeName') !== 'restore') return null;
    const added = listOf(event.request.valuesToAdd).filter((v): v is string => typeof v === 'string');
    const everyone = added.includes('all');
    const external = added.filter((account) => account !== 'all' && isExternalAccount(account, event, ctx));
    if (!everyone && external.length === 0) return null;
    const snapshot =
      param(event, 'dBSnapshotIdentifier') ?? param(event, 'dBClusterSnapshotIdentifier') ?? 'unknown snapshot';
    let severity: Severity = everyone ? 'critical' : inProduction('high', event, ctx);
    if (ctx.isTrustedAutomation(event.principal)) severity = 'medium';
    return {
      severity,
      title: `RDS snapshot ${snapshot} shared with ${everyone ? 'everyone (public)' : `account ${external.join(', ')}`}`,
      dedupKey: snapshot,
      evidence: {
        snapshot,
        sharedWith: everyone ? ['all'] : external,
        public: everyone,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
