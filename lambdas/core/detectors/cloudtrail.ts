/** Detectors for attempts to blind CloudTrail. */
import type { DetectorDefinition } from '../detector.ts';
import { actor, param, succeeded } from './helpers.ts';

/** CloudTrail logging stopped or a trail deleted. */
export const loggingDisabled: DetectorDefinition = {
  id: 'cloudtrail.logging-disabled',
  title: 'CloudTrail logging stopped or trail deleted',
  severity: 'critical',
  attack: ['T1562.008'],
  techniques: [
    'stratus:aws.defense-evasion.cloudtrail-stop',
    'stratus:aws.defense-evasion.cloudtrail-delete',
    'GuardDuty Stealth:IAMUser/CloudTrailLoggingDisabled',
  ],
  triggers: [{ source: 'cloudtrail.amazonaws.com', names: ['StopLogging', 'DeleteTrail'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Restart logging (aws cloudtrail start-logging) or recreate the trail at once, then treat the actor as compromised until shown otherwise: what did they do just before and after?',
  detect(event, ctx) {
    if (event.source !== 'cloudtrail.amazonaws.com' || !succeeded(event)) return null;
    if (event.name !== 'StopLogging' && event.name !== 'DeleteTrail') return null;
    const trail = param(event, 'name') ?? 'unknown trail';
    return {
      // Trusted automation tearing down a stack still deserves eyes, but not a page.
      severity: ctx.isTrustedAutomation(event.principal) ? 'medium' : 'critical',
      title: `${event.name === 'StopLogging' ? 'Logging stopped on' : 'Deleted'} trail ${trail}`,
      dedupKey: trail,
      evidence: { trail, action: event.name, actor: actor(event), sourceIp: event.sourceIp, region: event.region },
    };
  },
};
