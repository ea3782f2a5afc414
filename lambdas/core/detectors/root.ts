/** Root user detectors. */
import type { DetectorDefinition } from '../detector.ts';
import { inProduction, whereIs } from './helpers.ts';

/**
 * Any use of an account's root user. Calls an AWS service makes as root on the account's behalf
 * (`invokedBy`) are the service's, not a person's, and are left out.
 */
export const rootCredentialUse: DetectorDefinition = {
  id: 'root.credential-use',
  title: 'Root user credentials used',
  severity: 'high',
  attack: ['T1078.004'],
  techniques: ['guardduty:Policy:IAMUser/RootCredentialUsage'],
  triggers: [{ userIdentityType: 'Root' }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Confirm with the account owner that root was used on purpose (few tasks need it). If not: reset the root password, remove any root access keys, check root MFA, and review everything the session did.',
  detect(event, ctx) {
    if (event.principal.type !== 'Root' || event.principal.context.invokedBy !== undefined) return null;
    // A failed root sign-in is someone trying: worth a look, at lower severity.
    const failed = event.errorCode !== null;
    return {
      severity: failed ? 'medium' : inProduction('high', event, ctx),
      title: failed
        ? `Root user ${event.name} attempt failed`
        : event.name === 'ConsoleLogin'
          ? 'Root user signed in to the console'
          : `Root user called ${event.api}`,
      dedupKey: failed ? 'failed' : 'used',
      evidence: {
        api: event.api,
        ...whereIs(event, ctx),
        userAgent: event.userAgent,
        mfa: event.mfa,
        errorCode: event.errorCode,
        accountId: event.accountId,
      },
    };
  },
};
