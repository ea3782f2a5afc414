/** Systems Manager: running commands and opening shells on instances. */
import type { DetectorDefinition } from '../detector.ts';
import type { Severity } from '../finding.ts';
import {
  actor,
  countDistinct,
  forgetBefore,
  inProduction,
  listOf,
  minutes,
  param,
  succeeded,
  whereIs,
} from './helpers.ts';

/** AWS documents that run whatever script the caller passes. */
const COMMAND_DOCUMENTS = new Set([
  'AWS-RunShellScript',
  'AWS-RunPowerShellScript',
  'AWS-RunRemoteScript',
  'AWS-RunDocument',
  'AWS-RunSaltState',
  'AWS-RunAnsiblePlaybook',
  'AWS-ApplyAnsiblePlaybooks',
]);

/**
 * SendCommand running a shell script on instances, by someone other than the automation that
 * patches and configures them. One instance is a low note; several, or a tag target, is a finding.
 */
export const sendCommand: DetectorDefinition = {
  id: 'ssm.send-command',
  title: 'Shell commands sent to instances with SSM',
  severity: 'high',
  attack: ['T1651'],
  techniques: ['stratus:aws.execution.ssm-send-command'],
  triggers: [{ source: 'ssm.amazonaws.com', names: ['SendCommand'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Read the command's output and parameters (aws ssm list-command-invocations --details): parameters are hidden in CloudTrail. If nobody expected it, isolate the instances and contain the principal.",
  detect(event, ctx) {
    if (event.name !== 'SendCommand' || event.source !== 'ssm.amazonaws.com' || !succeeded(event)) return null;
    const document = param(event, 'documentName') ?? '';
    if (!COMMAND_DOCUMENTS.has(document.split(':').pop() ?? document)) return null;
    if (event.principal.context.invokedBy !== undefined || ctx.isTrustedAutomation(event.principal)) return null;
    const instances = listOf(event.request.instanceIds).filter((id): id is string => typeof id === 'string');
    const targets = listOf(event.request.targets);
    const severity: Severity =
      targets.length > 0 || instances.length >= 3
        ? inProduction('high', event, ctx)
        : instances.length === 2
          ? 'medium'
          : 'low';
    return {
      severity,
      title:
        targets.length > 0
          ? `${event.principal.name} ran ${document} on instances selected by tag`
          : `${event.principal.name} ran ${document} on ${instances.length} instance${instances.length === 1 ? '' : 's'}`,
      evidence: { document, instanceIds: instances, targets, actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};

/** Instances one principal opens sessions on within the window: a finding at 3, high at 5. */
const SESSION_FINDING = 3;
const SESSION_HIGH = 5;

/** Session Manager shells opened on several instances in minutes by one principal. */
export const startSessionBurst: DetectorDefinition = {
  id: 'ssm.start-session-burst',
  title: 'Shells opened on many instances with Session Manager',
  severity: 'medium',
  attack: ['T1651', 'T1021.007'],
  techniques: ['stratus:aws.execution.ssm-start-session'],
  triggers: [{ source: 'ssm.amazonaws.com', names: ['StartSession'] }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    "Ask the user what they were doing. Session Manager can log every session's commands (to S3 or CloudWatch): read them; if unexpected, terminate the sessions (aws ssm terminate-session) and contain the principal.",
  detect(event, ctx) {
    if (event.name !== 'StartSession' || event.source !== 'ssm.amazonaws.com' || !succeeded(event)) return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('ssm.start-session-burst');
    forgetBefore(memory, event.time, minutes(15));
    const count = countDistinct(memory, 'targets', param(event, 'target') ?? event.id, event.time, minutes(15));
    if (count < SESSION_FINDING) return null;
    return {
      severity: count >= SESSION_HIGH ? inProduction('high', event, ctx) : 'medium',
      title: `${event.principal.name} opened shells on at least ${count} instances in 15 minutes`,
      evidence: {
        instancesInWindow: count,
        lastTarget: param(event, 'target') ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
