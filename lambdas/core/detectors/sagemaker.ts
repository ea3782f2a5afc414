/** SageMaker: code injected into notebook instances through lifecycle configurations. */
import type { DetectorDefinition } from '../detector.ts';
import { actor, inProduction, param, succeeded, whereIs } from './helpers.ts';

const NAMES = [
  'CreateNotebookInstanceLifecycleConfig',
  'UpdateNotebookInstanceLifecycleConfig',
  'UpdateNotebookInstance',
];

/**
 * A notebook lifecycle configuration written, or attached to a notebook instance: its script runs
 * as root with the notebook's execution role at every start.
 */
export const notebookLifecycleConfigChanged: DetectorDefinition = {
  id: 'sagemaker.notebook-lifecycle-config-changed',
  title: 'SageMaker notebook lifecycle script changed',
  severity: 'high',
  attack: ['T1059', 'T1078.004'],
  techniques: ['stratus:aws.execution.sagemaker-update-lifecycle-config'],
  triggers: [{ source: 'sagemaker.amazonaws.com', names: NAMES }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Read the script (aws sagemaker describe-notebook-instance-lifecycle-config: base64 content). If it is not the team's, detach it, stop the notebook, rotate what its execution role can reach, and contain the principal.",
  detect(event, ctx) {
    if (event.source !== 'sagemaker.amazonaws.com' || !NAMES.includes(event.name) || !succeeded(event)) return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const config = param(event, 'notebookInstanceLifecycleConfigName') ?? param(event, 'lifecycleConfigName');
    if (event.name === 'UpdateNotebookInstance') {
      if (!config) return null;
      const notebook = param(event, 'notebookInstanceName') ?? 'unknown notebook';
      return {
        severity: inProduction('high', event, ctx),
        title: `Lifecycle script ${config} attached to notebook ${notebook}`,
        dedupKey: notebook,
        evidence: { notebook, lifecycleConfig: config, actor: actor(event), ...whereIs(event, ctx) },
      };
    }
    return {
      severity: 'medium',
      title:
        `Notebook lifecycle script ${config ?? ''} ${event.name.startsWith('Create') ? 'created' : 'changed'}`.replace(
          '  ',
          ' ',
        ),
      dedupKey: `config/${config ?? 'unknown'}`,
      evidence: { lifecycleConfig: config ?? null, action: event.name, actor: actor(event), ...whereIs(event, ctx) },
    };
  },
};
