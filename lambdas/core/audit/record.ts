/**
 * What an audit record and an anchor hold, how their hashes are computed, and which plain
 * attributes an item carries beside its hashed content. Written once here so the writer and
 * `vigil audit verify` cannot disagree. The chain design is described in
 * `lambdas/adapters/dynamo-audit-log.ts`.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditRecordType } from '../ports.ts';
import { canonicalJson } from './canonical-json.ts';

/** Version of the record format; part of every hashed content. */
export const AUDIT_FORMAT_VERSION = 1;

/** The `prev` of a chain's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The chain id the anchors form. Writer chain ids always carry a time and a random part, so never equal it. */
export const ANCHOR_CHAIN = 'anchors';

/** Every audit record type, in the order a case usually runs. */
export const AUDIT_RECORD_TYPES: readonly AuditRecordType[] = [
  'finding',
  'finding-suppressed',
  'finding-updated',
  'case-opened',
  'decision',
  'approval',
  'denial',
  'action',
  'notification',
  'case-closed',
  'config-change',
];

/** Types written by the scorer: their actor is always the scorer, so they stay out of the actor index. */
export const FINDING_RECORD_TYPES: ReadonlySet<AuditRecordType> = new Set([
  'finding',
  'finding-suppressed',
  'finding-updated',
]);

/** True when `value` is an audit record type. */
export const isAuditRecordType = (value: unknown): value is AuditRecordType =>
  typeof value === 'string' && (AUDIT_RECORD_TYPES as readonly string[]).includes(value);

/** Where a record sits: its chain, its sequence number there and the hash of the record before it. */
export interface ChainPosition {
  readonly chain: string;
  readonly seq: number;
  readonly prev: string;
}

/**
 * An audit record's hashed content: the entry as recorded, its place in its chain and when it
 * was recorded. Times are ISO-8601 with milliseconds, so exports read well and hash the same.
 */
export interface AuditRecordContent extends ChainPosition {
  readonly v: typeof AUDIT_FORMAT_VERSION;
  readonly type: AuditRecordType;
  /** When the thing happened (event time for findings, wall time for actions). */
  readonly at: string;
  /** When the writer recorded it. */
  readonly recordedAt: string;
  readonly actor: string;
  readonly principalKey?: string;
  readonly caseId?: string;
  readonly findingId?: string;
  readonly detector?: string;
  readonly severity?: string;
  readonly target?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly result?: string;
  readonly executionId?: string;
  readonly data?: Record<string, unknown>;
}

/** A stored audit record as readers see it: its content, its hash and its id (`<chain>/<seq>`). */
export type AuditRecord = AuditRecordContent & { readonly id: string; readonly hash: string };

/** An anchor's hashed content: where a writer's chain stood when the anchor was written. */
export interface AnchorContent extends ChainPosition {
  readonly v: typeof AUDIT_FORMAT_VERSION;
  readonly kind: 'anchor';
  readonly at: string;
  readonly writer: string;
  readonly head: { readonly chain: string; readonly seq: number; readonly hash: string };
}

/** An entry the audit log cannot record: the message names the field and what was expected. */
export class AuditEntryError extends Error {
  override readonly name = 'AuditEntryError';
}

/** Hex SHA-256 of a string's UTF-8 bytes. */
export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** The hash a record or anchor carries: SHA-256 of its canonical JSON. */
export const hashContent = (content: unknown): string => sha256Hex(canonicalJson(content));

/** The id readers show for a record. */
export const recordId = (chain: string, seq: number): string => `${chain}/${seq}`;

/** Digits of a sequence number in a sort key: zero-padded so keys sort in sequence order. */
export const SEQ_DIGITS = 12;

/** The sort key of sequence number `seq`. */
export const seqKey = (seq: number): string => String(seq).padStart(SEQ_DIGITS, '0');

/** The sequence number a sort key holds, or null when it is not one `seqKey` writes. */
export const parseSeqKey = (key: string): number | null => (/^\d{12}$/.test(key) ? Number(key) : null);

/** ISO-8601 of epoch ms, or an AuditEntryError naming `field`. */
export const isoTime = (ms: number, field: string): string => {
  const date = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime())) {
    throw new AuditEntryError(`${field} is ${String(ms)}; expected epoch milliseconds`);
  }
  return date.toISOString();
};

const OPTIONAL_STRINGS = [
  'principalKey',
  'caseId',
  'findingId',
  'detector',
  'severity',
  'target',
  'result',
  'executionId',
] as const;

/** Builds the content of the record for `entry` at `position`; throws AuditEntryError for an invalid entry. */
export const buildRecordContent = (
  entry: AuditEntry,
  position: ChainPosition,
  recordedAt: number,
): AuditRecordContent => {
  if (!isAuditRecordType(entry.type)) {
    throw new AuditEntryError(
      `type is ${JSON.stringify(entry.type)}; expected one of ${AUDIT_RECORD_TYPES.join(', ')}`,
    );
  }
  if (typeof entry.actor !== 'string' || entry.actor.length === 0) {
    throw new AuditEntryError(`actor of the ${entry.type} record is ${JSON.stringify(entry.actor)}; expected a name`);
  }
  const content: Record<string, unknown> = {
    v: AUDIT_FORMAT_VERSION,
    chain: position.chain,
    seq: position.seq,
    prev: position.prev,
    type: entry.type,
    at: isoTime(entry.at, `at of the ${entry.type} record`),
    recordedAt: isoTime(recordedAt, 'the clock'),
    actor: entry.actor,
  };
  for (const field of OPTIONAL_STRINGS) {
    const value = entry[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new AuditEntryError(`${field} of the ${entry.type} record is ${typeof value}; expected a string`);
    }
    content[field] = value;
  }
  if (entry.before !== undefined) content.before = entry.before;
  if (entry.after !== undefined) content.after = entry.after;
  if (entry.data !== undefined) content.data = entry.data;
  return content as unknown as AuditRecordContent;
};

/** Builds an anchor recording `head` as the state of `writer`'s chain. */
export const buildAnchorContent = (
  position: Omit<ChainPosition, 'chain'>,
  at: number,
  writer: string,
  head: AnchorContent['head'],
): AnchorContent => ({
  v: AUDIT_FORMAT_VERSION,
  kind: 'anchor',
  chain: ANCHOR_CHAIN,
  seq: position.seq,
  prev: position.prev,
  at: isoTime(at, 'anchor time'),
  writer,
  head,
});

/** Index partition values above this size are left out: DynamoDB allows 2,048 bytes and they would only be noise. */
const MAX_INDEX_VALUE_BYTES = 1_024;

const indexValue = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && Buffer.byteLength(value) <= MAX_INDEX_VALUE_BYTES
    ? value
    : undefined;

/**
 * The plain attributes an audit record's item carries beside its content: the index keys and a
 * few fields for reading the table in the console. They are derived from the content, so verify
 * checks them too: hiding a record from an index by editing its attribute is a change.
 */
export const recordAttributes = (content: Readonly<Record<string, unknown>>): Record<string, string | number> => {
  const attributes: Record<string, string | number> = {};
  const at = typeof content.at === 'string' ? Date.parse(content.at) : Number.NaN;
  if (Number.isFinite(at)) {
    attributes.at = at;
    attributes.day = new Date(at).toISOString().slice(0, 10);
  }
  for (const field of ['type', 'actor', 'principalKey', 'caseId', 'findingId', 'detector'] as const) {
    const value = indexValue(content[field]);
    if (value !== undefined) attributes[field] = value;
  }
  const actor = indexValue(content.actor);
  if (actor !== undefined && !FINDING_RECORD_TYPES.has(content.type as AuditRecordType)) attributes.actorKey = actor;
  for (const field of ['severity', 'result'] as const) {
    const value = content[field];
    if (typeof value === 'string') attributes[field] = value;
  }
  return attributes;
};

/** Anchors carry no plain attributes beside their hash and content. */
export const anchorAttributes = (): Record<string, string | number> => ({});

/** What replaces a value too large to store: enough to prove what it was if a copy turns up. */
export interface OmittedValue {
  readonly omitted: true;
  readonly bytes: number;
  readonly sha256: string;
}

const omit = (value: unknown): OmittedValue => {
  const text = canonicalJson(value);
  return { omitted: true, bytes: Buffer.byteLength(text), sha256: sha256Hex(text) };
};

/**
 * Lightens an entry too large for one DynamoDB item (400 KB), step by step: first the raw
 * CloudTrail records in `data.records` give way to their digest, then `data`, `before` and
 * `after` as a whole. Returns null when there is nothing left to lighten at `step`.
 */
export const lightenEntry = (entry: AuditEntry, step: 1 | 2): AuditEntry | null => {
  if (step === 1) {
    const records = entry.data?.records;
    if (!Array.isArray(records)) return null;
    const { records: _records, ...rest } = entry.data ?? {};
    return { ...entry, data: { ...rest, records: omit(records) } };
  }
  const bulky = (['data', 'before', 'after'] as const).filter((field) => entry[field] !== undefined);
  if (bulky.length === 0) return null;
  const lightened: Record<string, unknown> = { ...entry };
  for (const field of bulky) lightened[field] = omit(entry[field]);
  return lightened as unknown as AuditEntry;
};
