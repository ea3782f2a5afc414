/**
 * Vigil's one configuration: used by the CDK app to build the stacks and by the CLI to run
 * locally. Validated with zod; a bad value fails early with a message naming the field.
 */
import { z } from 'zod';
import { SEVERITIES } from './finding.ts';

const severity = z.enum(SEVERITIES);
/** How a playbook runs for a severity. */
export const RESPONSE_MODES = ['off', 'dry-run', 'approval', 'auto'] as const;
/** How a playbook runs: `off` starts none, `dry-run` records what it would do. */
export type ResponseMode = (typeof RESPONSE_MODES)[number];
const responseMode = z.enum(RESPONSE_MODES);

const accountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

/** One suppression: a rule that keeps matching findings out of alerts and playbooks, with accountability. */
export const suppressionSchema = z
  .strictObject({
    id: z.string().min(1),
    reason: z.string().min(1, 'say why this is suppressed'),
    owner: z.string().min(1, 'name who owns this suppression'),
    expires: isoDate,
    detector: z.string().min(1).optional(),
    principal: z.string().min(1).optional(),
    cidr: z.string().min(1).optional(),
    account: accountId.optional(),
  })
  .refine((s) => s.detector ?? s.principal ?? s.cidr ?? s.account, {
    message: 'a suppression must match on at least one of detector, principal, cidr, account',
  });

/** The configuration schema; every field has a default so `{}` is a valid configuration. */
export const configSchema = z.strictObject({
  /** S3 buckets whose data events Vigil reads and whose access it weighs higher. Wildcards `*` allowed. */
  sensitiveBuckets: z.array(z.string().min(1)).default([]),
  /** Principals never contained (ARN or principal-key patterns, `*` wildcards). Vigil's own roles are always protected. */
  protectedPrincipals: z.array(z.string().min(1)).default([]),
  /** Automation principals (CI, IaC pipelines) whose routine admin work the rule detectors do not flag. */
  trustedAutomation: z.array(z.string().min(1)).default([]),
  /** Accounts that hold production: findings there rank one severity higher where a detector says so. */
  productionAccounts: z.array(accountId).default([]),
  /** Accounts of the organisation: sharing with or calls from any other account are external. Empty: only the account an event happened in counts as inside. */
  organisationAccounts: z.array(accountId).default([]),
  suppressions: z.array(suppressionSchema).default([]),
  learning: z
    .strictObject({
      /** Days a new principal's baseline is young: anomalies weigh less. */
      windowDays: z.number().int().min(0).max(365).default(14),
    })
    .prefault({}),
  risk: z
    .strictObject({
      /** Hours for a principal's risk to halve without new findings. */
      halfLifeHours: z
        .number()
        .positive()
        .max(24 * 365)
        .default(24),
    })
    .prefault({}),
  response: z
    .strictObject({
      /** Playbook mode per finding severity. */
      modes: z
        .strictObject({
          low: responseMode.default('off'),
          medium: responseMode.default('off'),
          high: responseMode.default('dry-run'),
          critical: responseMode.default('dry-run'),
        })
        .prefault({}),
      /** People who may approve a containment (IAM ARNs or Identity Center user names). */
      approvers: z.array(z.string().min(1)).default([]),
      /** Minutes an approval waits before the case escalates. */
      approvalTimeoutMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(60),
      /** Containments allowed per hour across the organisation. */
      maxContainmentsPerHour: z.number().int().min(0).max(1000).default(5),
      /** Deactivate every access key of a user, not only those seen in the case. */
      deactivateAllKeys: z.boolean().default(false),
      /** Besides revoking a role's sessions, deny the role every action until released. */
      denyAllOnRoles: z.boolean().default(false),
      /** Also deny the principal in the bucket policy of the sensitive buckets it touched. */
      denyBucketAccess: z.boolean().default(false),
      /** Email addresses subscribed to the security team's SNS topic. */
      notifyEmails: z.array(z.email()).default([]),
      /** Secrets Manager secret holding the Slack webhook URL. */
      slackWebhookSecretName: z.string().min(1).optional(),
    })
    .prefault({}),
  /** Findings at this severity or above alert and may start playbooks. */
  alertSeverity: severity.default('medium'),
  /** Deployment: the trail Vigil reads. */
  trail: z
    .strictObject({
      /** Name of an existing trail to read instead of creating one. */
      existingTrailName: z.string().min(1).optional(),
      /** Bucket that receives the existing trail's log files (required with existingTrailName). */
      existingTrailBucketName: z.string().min(1).optional(),
      /** Create an organisation trail (deploy from the management account). */
      organisation: z.boolean().default(false),
    })
    .prefault({})
    .refine((t) => !t.existingTrailName || t.existingTrailBucketName, {
      message: 'existingTrailBucketName is required with existingTrailName',
      path: ['existingTrailBucketName'],
    }),
});

/** Configuration as the user writes it (every field optional). */
export type VigilConfigInput = z.input<typeof configSchema>;
/** Validated configuration with every default filled in. */
export type VigilConfig = z.output<typeof configSchema>;
/** One validated suppression. */
export type Suppression = z.output<typeof suppressionSchema>;

/** Bad configuration: the message names the file and the field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates configuration, naming `source` and the first bad field in the error. */
export const parseConfig = (input: unknown, source = 'configuration'): VigilConfig => {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new ConfigError(`${source}: ${field}: ${issue?.message ?? 'invalid'}`);
};

/** The built-in defaults. */
export const defaultConfig = (): VigilConfig => parseConfig({});
