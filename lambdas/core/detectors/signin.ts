/** Console sign-in detectors. */
import type { DetectorDefinition } from '../detector.ts';
import { inProduction, whereIs } from './helpers.ts';

/**
 * A successful console sign-in without MFA by an IAM user or root. Identity Center and federated
 * sign-ins do their MFA at the identity provider, so CloudTrail's MFAUsed says nothing there.
 */
export const consoleLoginWithoutMfa: DetectorDefinition = {
  id: 'signin.console-login-without-mfa',
  title: 'Console sign-in without MFA',
  severity: 'medium',
  attack: ['T1078.004'],
  techniques: ['stratus:aws.initial-access.console-login-without-mfa'],
  triggers: [{ source: 'signin.amazonaws.com', names: ['ConsoleLogin'] }],
  fastPath: true,
  dedupWindowMinutes: 24 * 60,
  runbook:
    'Ask the user whether they signed in. Enforce MFA for the user (an IAM policy denying everything without aws:MultiFactorAuthPresent) and check the source address against their usual networks.',
  detect(event, ctx) {
    if (event.name !== 'ConsoleLogin' || event.errorCode !== null) return null;
    if (event.response.ConsoleLogin !== 'Success') return null;
    if (event.principal.type !== 'IAMUser' && event.principal.type !== 'Root') return null;
    if (event.additional.MFAUsed !== 'No') return null;
    return {
      severity: inProduction(event.principal.type === 'Root' ? 'high' : 'medium', event, ctx),
      title: `${event.principal.name} signed in to the console without MFA`,
      evidence: {
        ...whereIs(event, ctx),
        userAgent: event.userAgent,
        mfaUsed: 'No',
        loginTo: event.additional.LoginTo ?? null,
      },
    };
  },
};
