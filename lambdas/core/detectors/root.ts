/** Root user detectors. */
import type { DetectorDefinition } from '../detector.ts';

/** Any use of an account's root user credentials. */
export const rootCredentialUse: DetectorDefinition = {
  id: 'root.credential-use',
  title: 'Root user credentials used',
  severity: 'high',
  attack: ['T1078.004'],
  techniques: ['GuardDuty Policy:IAMUser/RootCredentialUsage'],
  triggers: [{ userIdentityType: 'Root' }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Confirm with the account owner that root was used on purpose (few tasks need it). If not: reset the root password, rotate or remove root access keys, check MFA on root, review what the session did.',
  detect(event) {
    if (event.principal.type !== 'Root') return null;
    // A failed root sign-in is someone trying; still worth a look, at lower severity.
    const failed = event.errorCode !== null;
    return {
      severity: failed ? 'medium' : 'high',
      title: failed ? `Root user ${event.name} attempt failed` : `Root user called ${event.api}`,
      dedupKey: failed ? 'failed' : 'used',
      evidence: {
        api: event.api,
        sourceIp: event.sourceIp,
        userAgent: event.userAgent,
        mfa: event.mfa,
        errorCode: event.errorCode,
        accountId: event.accountId,
      },
    };
  },
};
