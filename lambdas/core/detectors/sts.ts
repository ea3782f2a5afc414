/** STS and IAM Roles Anywhere: new ways to mint credentials that outlive the ones they came from. */
import type { DetectorDefinition } from '../detector.ts';
import { actor, asRecord, asString, inProduction, param, succeeded, whereIs } from './helpers.ts';

/**
 * GetFederationToken called by an IAM user: the temporary credentials it returns keep working
 * after the user's access key is deactivated, which is why attackers call it early.
 */
export const federationTokenCreated: DetectorDefinition = {
  id: 'sts.federation-token-created',
  title: 'Federation token created',
  severity: 'medium',
  attack: ['T1550.001', 'T1098.001'],
  techniques: ['stratus:aws.persistence.sts-federation-token'],
  triggers: [{ source: 'sts.amazonaws.com', names: ['GetFederationToken'] }],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    "Ask the user what needs a federation token. If nobody does: deactivate the user's keys and attach an inline deny for sts:GetFederationToken and every action with aws:TokenIssueTime before now (deactivating the key alone leaves the token working).",
  detect(event, ctx) {
    if (event.name !== 'GetFederationToken' || !succeeded(event)) return null;
    if (ctx.isTrustedAutomation(event.principal)) return null;
    const federatedUser = asRecord(event.response.federatedUser);
    return {
      severity: inProduction('medium', event, ctx),
      title: `${event.principal.name} created federation token ${param(event, 'name') ?? ''}`.trim(),
      dedupKey: param(event, 'name') ?? 'token',
      evidence: {
        federatedUserArn: federatedUser.arn ?? null,
        name: param(event, 'name') ?? null,
        scopedByPolicy: event.request.policy !== undefined || event.request.policyArns !== undefined,
        durationSeconds: event.request.durationSeconds ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** An IAM Roles Anywhere trust anchor created or changed: whoever holds a certificate from that CA gets role credentials. */
export const rolesAnywhereTrustAnchor: DetectorDefinition = {
  id: 'rolesanywhere.trust-anchor-created',
  title: 'IAM Roles Anywhere trust anchor created',
  severity: 'high',
  attack: ['T1098.001', 'T1556'],
  techniques: ['stratus:aws.persistence.rolesanywhere-create-trust-anchor'],
  triggers: [
    { source: 'rolesanywhere.amazonaws.com', names: ['CreateTrustAnchor', 'UpdateTrustAnchor', 'CreateProfile'] },
  ],
  fastPath: true,
  dedupWindowMinutes: 60,
  runbook:
    'Find who owns the certificate authority. If nobody expects it: disable and delete the trust anchor and its profiles (aws rolesanywhere disable-trust-anchor), and look for CreateSession calls through it.',
  detect(event, ctx) {
    if (event.source !== 'rolesanywhere.amazonaws.com' || !succeeded(event)) return null;
    if (!['CreateTrustAnchor', 'UpdateTrustAnchor', 'CreateProfile'].includes(event.name)) return null;
    const trusted = ctx.isTrustedAutomation(event.principal);
    const profile = event.name === 'CreateProfile';
    const name =
      param(event, 'name') ??
      asString(asRecord(event.response.trustAnchor).name) ??
      param(event, 'trustAnchorId') ??
      'unnamed';
    const source = asRecord(asRecord(event.request.source).sourceData);
    return {
      severity: trusted ? 'low' : profile ? 'medium' : inProduction('high', event, ctx),
      title: profile
        ? `IAM Roles Anywhere profile ${name} created`
        : `IAM Roles Anywhere trust anchor ${name} ${event.name === 'CreateTrustAnchor' ? 'created' : 'changed'}`,
      dedupKey: profile ? 'profile' : 'anchor',
      evidence: {
        action: event.name,
        name,
        sourceType: asRecord(event.request.source).sourceType ?? null,
        acmPcaArn: source.acmPcaArn ?? null,
        roleArns: event.request.roleArns ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
