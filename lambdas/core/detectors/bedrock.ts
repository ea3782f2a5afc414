/** Bedrock: LLMjacking, stolen credentials used to run (and pay for) model inference. */
import type { DetectorDefinition } from '../detector.ts';
import type { Severity } from '../finding.ts';
import {
  actor,
  forgetBefore,
  fromOutsideAws,
  isPerson,
  mark,
  markedWithin,
  minutes,
  param,
  whereIs,
} from './helpers.ts';

const INVOKE = new Set(['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream']);
const ENUMERATE = new Set(['ListFoundationModels', 'GetFoundationModelAvailability']);
const ENABLE = new Set(['PutUseCaseForModelAccess', 'PutFoundationModelEntitlement', 'CreateFoundationModelAgreement']);
/** Errors attackers provoke on purpose to learn whether a stolen key may invoke models. */
const PROBING_ERRORS = /ValidationException|AccessDenied/;
const RECON_MINUTES = 60;

/**
 * The first model invocation by a principal, judged by how it came: after enumerating or enabling
 * models, or with deliberately invalid requests (high); from outside AWS or by a person (medium);
 * a workload inside AWS starting to use Bedrock is a low note.
 */
export const unusualModelInvocation: DetectorDefinition = {
  id: 'bedrock.unusual-model-invocation',
  title: 'Bedrock model invoked by a new principal',
  severity: 'medium',
  attack: ['T1496'],
  techniques: ['stratus:aws.impact.bedrock-invoke-model'],
  triggers: [{ source: 'bedrock.amazonaws.com', names: [...INVOKE, ...ENUMERATE, ...ENABLE] }],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 24 * 60,
  runbook:
    "Check the principal's Bedrock spend and model invocation logs (if enabled). If nobody expected it: deactivate the credentials, revoke model access granted recently, and look for GetModelInvocationLoggingConfiguration calls (attackers check for logging).",
  detect(event, ctx) {
    if (event.source !== 'bedrock.amazonaws.com' || ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('bedrock.unusual-model-invocation');
    forgetBefore(memory, event.time, minutes(RECON_MINUTES));
    if (ENUMERATE.has(event.name) || ENABLE.has(event.name)) {
      mark(memory, 'recon', event.time);
      return null;
    }
    if (!INVOKE.has(event.name) || memory.invoked === true) return null;
    const probing = event.errorCode !== null && PROBING_ERRORS.test(event.errorCode);
    if (event.errorCode === null) memory.invoked = true;
    else if (!probing) return null;
    const recon = markedWithin(memory, 'recon', event.time, minutes(RECON_MINUTES));
    const outside = fromOutsideAws(event, ctx);
    const severity: Severity = recon || probing ? 'high' : outside || isPerson(event.principal) ? 'medium' : 'low';
    const model = param(event, 'modelId') ?? 'a model';
    const why = recon
      ? ' after listing models'
      : probing
        ? ` with a failing request (${event.errorCode})`
        : outside
          ? ' from outside AWS'
          : '';
    return {
      severity,
      title: `${event.principal.name} invoked ${model} for the first time${why}`,
      evidence: {
        modelId: model,
        afterEnumeration: recon,
        probing,
        outsideAws: outside,
        errorCode: event.errorCode,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
