/** Small helpers shared by detectors: request fields, severities, accounts, policies, and burst memory. */
import type { DetectorContext } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import { SEVERITIES, type Severity } from '../finding.ts';
import type { Principal } from '../principal.ts';
import { isReservedAddress } from './ip.ts';

/** One severity higher, capped at critical. */
export const raise = (severity: Severity): Severity =>
  SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(severity) + 1)] ?? 'critical';

/** One severity lower, floored at low. */
export const lower = (severity: Severity): Severity =>
  SEVERITIES[Math.max(0, SEVERITIES.indexOf(severity) - 1)] ?? 'low';

/** The severity, one higher when the event happened in a configured production account. */
export const inProduction = (severity: Severity, event: VigilEvent, ctx: DetectorContext): Severity =>
  ctx.isProductionAccount(event.accountId) ? raise(severity) : severity;

/** True when the call succeeded (no error code). Most rule detectors ignore failed calls. */
export const succeeded = (event: VigilEvent): boolean => event.errorCode === null;

/** A plain object, or an empty one for anything else. */
export const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** A non-empty string, or undefined. */
export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** A finite number from a number or a numeric string, or undefined. */
export const asNumber = (value: unknown): number | undefined => {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/**
 * The elements of a list as CloudTrail writes lists: a JSON array, EC2's `{ "items": [...] }`, or a
 * single object where XML had one element. Absent: empty.
 */
export const listOf = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined || value === '') return [];
  const record = asRecord(value);
  if ('items' in record) return listOf(record.items);
  return typeof value === 'object' && Object.keys(record).length === 0 ? [] : [value];
};

/** A string field of the request parameters, or undefined. */
export const param = (event: VigilEvent, name: string): string | undefined => asString(event.request[name]);

/** The principal's ARN or key, for evidence. */
export const actor = (event: VigilEvent): string => event.principal.arn ?? event.principal.key;

/**
 * True for principals that are people: IAM users, root, Identity Center and federated users, and
 * role sessions traced to a person. Role sessions of workloads and pipelines are not.
 */
export const isPerson = (principal: Principal): boolean =>
  principal.type === 'IAMUser' ||
  principal.type === 'Root' ||
  principal.type === 'IdentityCenterUser' ||
  principal.type === 'FederatedUser' ||
  principal.type === 'SAMLUser' ||
  principal.key.startsWith('person:');

/** The 12-digit account of an ARN, a bare account id, or an `arn:aws:iam::ACCOUNT:root`; undefined otherwise. */
export const accountOf = (value: string): string | undefined => {
  if (/^\d{12}$/.test(value)) return value;
  const account = value.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
};

/**
 * True when `accountId` is outside the organisation: not the account the event happened in, not
 * the caller's, and not listed in `organisationAccounts`.
 */
export const isExternalAccount = (accountId: string, event: VigilEvent, ctx: DetectorContext): boolean =>
  accountId !== event.accountId &&
  accountId !== event.principal.accountId &&
  !ctx.config.organisationAccounts.includes(accountId);

/** True when the call was made through the AWS console (its own session), not an SDK or the CLI. */
export const viaConsole = (event: VigilEvent): boolean =>
  event.raw.sessionCredentialFromConsole === 'true' ||
  /console\.(aws\.)?amazonaws\.com|^AWS Internal$|signin\.amazonaws\.com/.test(event.userAgent);

/**
 * True when the call came from an address outside AWS: a public address not announced by an
 * Amazon network and not through a VPC endpoint. Calls made by AWS services on the principal's
 * behalf, and private addresses, are inside.
 */
export const fromOutsideAws = (event: VigilEvent, ctx: DetectorContext): boolean => {
  if (event.sourceIp === null || event.vpcEndpointId !== null) return false;
  if (isReservedAddress(event.sourceIp)) return false;
  return !ctx.geo.lookup(event.sourceIp).isAws;
};

/** Where an address is, for evidence. */
export const whereIs = (event: VigilEvent, ctx: DetectorContext): Record<string, unknown> => {
  if (event.sourceIp === null) return { sourceIp: null, sourceService: event.sourceService };
  const geo = ctx.geo.lookup(event.sourceIp);
  return { sourceIp: event.sourceIp, country: geo.country, asn: geo.asn, asnOrg: geo.asnOrg, isAws: geo.isAws };
};

/** One statement of an IAM or resource policy, with its principals and effect read out. */
export interface PolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  /** `AWS` principals (ARNs, account ids, `*`). */
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  /** `"Principal": "*"` or `{"AWS": "*"}`: anyone. */
  readonly anyone: boolean;
  readonly actions: readonly string[];
  readonly notAction: boolean;
  readonly resources: readonly string[];
  readonly condition: Record<string, unknown>;
}

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');

/** The statements of a policy given as a JSON string (IAM) or an object (S3 in CloudTrail); empty when unreadable. */
export const policyStatements = (policy: unknown): PolicyStatement[] => {
  let document: unknown = policy;
  if (typeof policy === 'string') {
    try {
      document = JSON.parse(policy);
    } catch {
      try {
        document = JSON.parse(decodeURIComponent(policy));
      } catch {
        return [];
      }
    }
  }
  const raw = asRecord(document).Statement;
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((entry) => {
    const s = asRecord(entry);
    const principal = s.Principal;
    const p = asRecord(principal);
    const aws = principal === '*' ? ['*'] : strings(p.AWS);
    return {
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      aws,
      service: strings(p.Service),
      federated: strings(p.Federated),
      anyone: aws.includes('*'),
      actions: strings(s.Action ?? s.NotAction),
      notAction: s.Action === undefined && s.NotAction !== undefined,
      resources: strings(s.Resource),
      condition: asRecord(s.Condition),
    } satisfies PolicyStatement;
  });
};

// Condition keys that pin a grant to the organisation, an account, a network or a source resource.
const RESTRICTING_KEYS =
  /^aws:(principalorgid|principalorgpaths|principalaccount|principalarn|sourceaccount|sourcearn|sourceorgid|sourceorgpaths|sourcevpc|sourcevpce|sourceip|userid|username|resourceorgid)$/i;

/** True when a statement's condition pins it to the organisation, an account, a network or a source resource. */
export const hasRestrictingCondition = (statement: PolicyStatement): boolean =>
  Object.values(statement.condition).some((block) =>
    Object.keys(asRecord(block)).some((key) => RESTRICTING_KEYS.test(key)),
  );

/**
 * The accounts outside the organisation an Allow statement grants to, from its AWS principals
 * (account ids, ARNs). `*` is reported separately by `anyone`.
 */
export const externalAccountsOf = (statement: PolicyStatement, event: VigilEvent, ctx: DetectorContext): string[] => {
  if (statement.effect !== 'Allow') return [];
  const accounts = statement.aws.map(accountOf).filter((a): a is string => a !== undefined);
  return [...new Set(accounts.filter((a) => isExternalAccount(a, event, ctx)))];
};

/** A short stable hash, to keep keys in detector memory small. */
export const shortHash = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
};

const slotOf = (memory: Record<string, unknown>, slot: string): Record<string, number> => {
  const existing = memory[slot];
  if (existing !== null && typeof existing === 'object' && !Array.isArray(existing))
    return existing as Record<string, number>;
  const created: Record<string, number> = {};
  memory[slot] = created;
  return created;
};

/**
 * Drops, from every slot of a detector's memory, the keys last seen more than `windowMs` before
 * `time`, and slots left empty, so memory holds one window's worth and no more.
 */
export const forgetBefore = (memory: Record<string, unknown>, time: number, windowMs: number): void => {
  for (const [slot, value] of Object.entries(memory)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const entries = value as Record<string, number>;
    for (const [key, at] of Object.entries(entries)) if (!(at >= time - windowMs)) delete entries[key];
    if (Object.keys(entries).length === 0) delete memory[slot];
  }
};

/**
 * Records `key` at `time` in `slot` and returns how many distinct keys the slot saw within
 * `windowMs` of the newest. Keeps at most `cap` keys (the newest), hashed.
 */
export const countDistinct = (
  memory: Record<string, unknown>,
  slot: string,
  key: string,
  time: number,
  windowMs: number,
  cap = 32,
): number => {
  const entries = slotOf(memory, slot);
  const hashed = shortHash(key);
  entries[hashed] = Math.max(entries[hashed] ?? 0, time);
  const newest = Math.max(...Object.values(entries));
  const kept = Object.entries(entries)
    .filter(([, at]) => at >= newest - windowMs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, cap);
  memory[slot] = Object.fromEntries(kept);
  return kept.length;
};

/** Records that something happened at `time` (e.g. a listing before a dump). */
export const mark = (memory: Record<string, unknown>, slot: string, time: number): void => {
  const entries = slotOf(memory, slot);
  entries.at = Math.max(entries.at ?? 0, time);
};

/** True when `slot` was marked within `windowMs` before (or at) `time`. */
export const markedWithin = (
  memory: Record<string, unknown>,
  slot: string,
  time: number,
  windowMs: number,
): boolean => {
  const at = asRecord(memory[slot]).at;
  return typeof at === 'number' && at <= time && time - at <= windowMs;
};

/** Minutes in milliseconds. */
export const minutes = (n: number): number => n * 60_000;
