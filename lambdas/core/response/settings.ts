/**
 * The part of Vigil's configuration the playbooks read, plus what only the deployment knows
 * (Vigil's own roles, the account the responders act in). Small enough for a Lambda environment
 * variable, so every playbook step reads the same settings the CDK app was built with.
 */
import type { ResponseMode, VigilConfig } from '../config.ts';
import type { Severity } from '../finding.ts';

/** Settings of the response steps. */
export interface ResponseSettings {
  readonly modes: Readonly<Record<Severity, ResponseMode>>;
  readonly approvers: readonly string[];
  readonly approvalTimeoutMinutes: number;
  readonly maxContainmentsPerHour: number;
  readonly deactivateAllKeys: boolean;
  /** Configured protected principals and Vigil's own roles: never contained. */
  readonly protectedPrincipals: readonly string[];
  readonly notifyEmails: readonly string[];
  readonly slack: boolean;
  readonly sensitiveBuckets: readonly string[];
  /** Also deny everything to a contained role (not only its older sessions). */
  readonly denyAllOnRoles: boolean;
  /** Add a bucket-policy deny for the principal on the sensitive buckets its findings name. */
  readonly denyBucketAccess: boolean;
  /** Account the responders act in; principals elsewhere get manual steps. Null: any (local runs). */
  readonly responderAccountId: string | null;
}

/** What the deployment adds to the configuration. */
export interface DeploymentFacts {
  /** Patterns of Vigil's own principals (ARNs or keys, `*` wildcards). */
  readonly ownPrincipals: readonly string[];
  /** @default null - the responders act in any account (local dry runs) */
  readonly responderAccountId?: string | null;
  /** @default false */
  readonly slack?: boolean;
}

/** The playbook settings of `config`, with a mode override for every severity when given. */
export const responseSettings = (
  config: VigilConfig,
  facts: DeploymentFacts,
  modeOverride?: ResponseMode,
): ResponseSettings => {
  const r = config.response;
  const modes = modeOverride
    ? { low: modeOverride, medium: modeOverride, high: modeOverride, critical: modeOverride }
    : { ...r.modes };
  const optional = r as { denyAllOnRoles?: unknown; denyBucketAccess?: unknown };
  return {
    modes,
    approvers: [...r.approvers],
    approvalTimeoutMinutes: r.approvalTimeoutMinutes,
    maxContainmentsPerHour: r.maxContainmentsPerHour,
    deactivateAllKeys: r.deactivateAllKeys,
    protectedPrincipals: [...config.protectedPrincipals, ...facts.ownPrincipals],
    notifyEmails: [...r.notifyEmails],
    slack: facts.slack ?? r.slackWebhookSecretName !== undefined,
    sensitiveBuckets: [...config.sensitiveBuckets],
    denyAllOnRoles: optional.denyAllOnRoles === true,
    denyBucketAccess: optional.denyBucketAccess === true,
    responderAccountId: facts.responderAccountId ?? null,
  };
};

/** Settings are malformed (a bad environment variable): names what was expected. */
export class ResponseSettingsError extends Error {
  override readonly name = 'ResponseSettingsError';
}

/** Parses settings from their JSON form (the `VIGIL_RESPONSE_SETTINGS` variable). */
export const parseResponseSettings = (text: string): ResponseSettings => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ResponseSettingsError(
      `response settings are not JSON (${(error as Error).message}); expected the object the CDK app wrote`,
    );
  }
  const s = value as Partial<ResponseSettings> | null;
  if (typeof s !== 'object' || s === null || typeof s.modes !== 'object' || !Array.isArray(s.protectedPrincipals)) {
    throw new ResponseSettingsError(
      `response settings ${text.slice(0, 80)} lack modes or protectedPrincipals; expected the object the CDK app wrote`,
    );
  }
  return s as ResponseSettings;
};
