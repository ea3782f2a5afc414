/**
 * Secret harvesting: many Secrets Manager secrets or SecureString parameters read in minutes, in a
 * context that does not look like an application starting (after a listing, from outside AWS, or
 * by a person).
 */
import type { DetectorContext, DetectorDefinition } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import {
  actor,
  asRecord,
  countDistinct,
  forgetBefore,
  fromOutsideAws,
  inProduction,
  isPerson,
  listOf,
  mark,
  markedWithin,
  minutes,
  param,
  succeeded,
  whereIs,
} from './helpers.ts';

const WINDOW_MINUTES = 10;
/** A listing this recent before the reads means the caller went looking for what to read. */
const LISTING_MINUTES = 30;
/** Secrets (or parameters) read in the window before it counts as a dump. */
const DUMP_THRESHOLD = 10;
/** A batch read by filter returns up to 20 secrets; it counts as this many single reads. */
const FILTERED_BATCH_WEIGHT = 10;

/** Why reading many secrets here is suspicious, or null when it looks like an application at work. */
const suspiciousContext = (event: VigilEvent, ctx: DetectorContext, listed: boolean): string | null => {
  if (listed) return 'after listing them';
  if (fromOutsideAws(event, ctx)) return 'from outside AWS';
  if (isPerson(event.principal)) return 'by a person';
  return null;
};

/** Many Secrets Manager secrets read in minutes, one by one or with BatchGetSecretValue. */
export const secretsBatchReadBurst: DetectorDefinition = {
  id: 'secretsmanager.batch-read-burst',
  title: 'Many Secrets Manager secrets read in minutes',
  severity: 'high',
  attack: ['T1555.006'],
  techniques: [
    'stratus:aws.credential-access.secretsmanager-retrieve-secrets',
    'stratus:aws.credential-access.secretsmanager-batch-retrieve-secrets',
  ],
  triggers: [
    { source: 'secretsmanager.amazonaws.com', names: ['ListSecrets', 'GetSecretValue', 'BatchGetSecretValue'] },
  ],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    "Rotate every secret the principal read (the finding's events name them), starting with database and third-party credentials, then contain the principal and look for the secrets being used from new places.",
  detect(event, ctx) {
    if (event.source !== 'secretsmanager.amazonaws.com' || ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('secretsmanager.batch-read-burst');
    forgetBefore(memory, event.time, minutes(LISTING_MINUTES));
    if (event.name === 'ListSecrets') {
      if (succeeded(event)) mark(memory, 'listed', event.time);
      return null;
    }
    let count: number;
    if (event.name === 'GetSecretValue') {
      count = countDistinct(memory, 'read', param(event, 'secretId') ?? event.id, event.time, minutes(WINDOW_MINUTES));
    } else if (event.name === 'BatchGetSecretValue') {
      const ids = listOf(event.request.secretIdList).filter((id): id is string => typeof id === 'string');
      const keys = ids.length > 0 ? ids : Array.from({ length: FILTERED_BATCH_WEIGHT }, (_, i) => `${event.id}#${i}`);
      count = 0;
      for (const key of keys) count = countDistinct(memory, 'read', key, event.time, minutes(WINDOW_MINUTES));
    } else {
      return null;
    }
    if (succeeded(event)) mark(memory, 'ok', event.time);
    if (count < DUMP_THRESHOLD) return null;
    const why = suspiciousContext(event, ctx, markedWithin(memory, 'listed', event.time, minutes(LISTING_MINUTES)));
    if (!why) return null;
    const anyRead = markedWithin(memory, 'ok', event.time, minutes(WINDOW_MINUTES));
    return {
      severity: anyRead ? inProduction('high', event, ctx) : 'medium',
      title: `${event.principal.name} read at least ${count} secrets in ${WINDOW_MINUTES} minutes ${why}${anyRead ? '' : ' (all denied)'}`,
      evidence: {
        secretsInWindow: count,
        batch: event.name === 'BatchGetSecretValue',
        filters: event.request.filters ?? null,
        context: why,
        anySucceeded: anyRead,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};

/** A GetParametersByPath call returns up to 10 parameters; it counts as this many names. */
const BY_PATH_WEIGHT = 5;

/** Many SecureString parameters read with decryption in minutes. */
export const securestringParametersBurst: DetectorDefinition = {
  id: 'ssm.securestring-parameters-burst',
  title: 'Many SecureString parameters decrypted in minutes',
  severity: 'high',
  attack: ['T1555.006', 'T1552'],
  techniques: ['stratus:aws.credential-access.ssm-retrieve-securestring-parameters'],
  triggers: [
    {
      source: 'ssm.amazonaws.com',
      names: ['DescribeParameters', 'GetParameter', 'GetParameters', 'GetParametersByPath'],
    },
  ],
  kind: 'stateful',
  fastPath: false,
  dedupWindowMinutes: 60,
  runbook:
    "Rotate the decrypted parameters (the finding's events name them), contain the principal, and consider moving credentials to Secrets Manager with rotation.",
  detect(event, ctx) {
    if (event.source !== 'ssm.amazonaws.com' || ctx.isTrustedAutomation(event.principal)) return null;
    const memory = ctx.memory('ssm.securestring-parameters-burst');
    forgetBefore(memory, event.time, minutes(LISTING_MINUTES));
    if (event.name === 'DescribeParameters') {
      if (succeeded(event)) mark(memory, 'listed', event.time);
      return null;
    }
    if (!['GetParameter', 'GetParameters', 'GetParametersByPath'].includes(event.name)) return null;
    if (event.request.withDecryption !== true) return null;
    const names =
      event.name === 'GetParameter'
        ? [param(event, 'name') ?? event.id]
        : event.name === 'GetParameters'
          ? listOf(event.request.names).filter((n): n is string => typeof n === 'string')
          : Array.from({ length: BY_PATH_WEIGHT }, (_, i) => `${param(event, 'path') ?? event.id}#${i}`);
    let count = 0;
    for (const name of names) count = countDistinct(memory, 'read', name, event.time, minutes(WINDOW_MINUTES));
    if (succeeded(event)) mark(memory, 'ok', event.time);
    if (count < DUMP_THRESHOLD) return null;
    const why = suspiciousContext(event, ctx, markedWithin(memory, 'listed', event.time, minutes(LISTING_MINUTES)));
    if (!why) return null;
    const anyRead = markedWithin(memory, 'ok', event.time, minutes(WINDOW_MINUTES));
    return {
      severity: anyRead ? inProduction('high', event, ctx) : 'medium',
      title: `${event.principal.name} decrypted at least ${count} parameters in ${WINDOW_MINUTES} minutes ${why}${anyRead ? '' : ' (all denied)'}`,
      evidence: {
        parametersInWindow: count,
        context: why,
        anySucceeded: anyRead,
        lastPath: asRecord(event.request).path ?? null,
        actor: actor(event),
        ...whereIs(event, ctx),
      },
    };
  },
};
