/**
 * How audit records and anchors are stored as items, and read back. The hashed content is kept
 * as its canonical JSON text, so what is read hashes exactly as what was written whatever
 * DynamoDB does to numbers and empty values; above 1 KB the text is gzipped (`bodyGz`), because
 * a finding with its CloudTrail records is mostly repetitive JSON and write units are billed by
 * the KB. Beside the body an item carries the plain attributes `recordAttributes` derives from
 * the content, for the indexes and the console.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { canonicalJson } from '../core/audit/canonical-json.ts';
import {
  ANCHOR_CHAIN,
  type AnchorContent,
  type AuditRecord,
  type AuditRecordContent,
  parseSeqKey,
  recordAttributes,
  recordId,
  seqKey,
  sha256Hex,
} from '../core/audit/record.ts';
import type { ChainItem } from '../core/audit/verify.ts';
import { AUDIT_PK, chainPartition } from './audit-table.ts';

/** Bodies from this many bytes are stored gzipped. */
export const GZIP_FROM_BYTES = 1_024;

/** Attributes that are not checked against the content: the keys, the hash and the body. */
const STRUCTURAL = new Set(['pk', 'sk', 'hash', 'body', 'bodyGz']);

/** The content's canonical text, hashed once and stored as it is or gzipped. */
const encode = (content: unknown): { hash: string; body: { body: string } | { bodyGz: Uint8Array } } => {
  const text = canonicalJson(content);
  const body = Buffer.byteLength(text) < GZIP_FROM_BYTES ? { body: text } : { bodyGz: gzipSync(text) };
  return { hash: sha256Hex(text), body };
};

/** The item of an audit record, with its hash. */
export const recordItem = (content: AuditRecordContent): { item: Record<string, unknown>; hash: string } => {
  const { hash, body } = encode(content);
  return {
    hash,
    item: {
      pk: chainPartition(content.chain),
      sk: seqKey(content.seq),
      hash,
      ...recordAttributes(content as unknown as Record<string, unknown>),
      ...body,
    },
  };
};

/** The item of an anchor, with its hash. */
export const anchorItem = (content: AnchorContent): { item: Record<string, unknown>; hash: string } => {
  const { hash, body } = encode(content);
  return { hash, item: { pk: AUDIT_PK.anchors, sk: seqKey(content.seq), hash, ...body } };
};

/** Reads a stored item's content; the reason is returned, not thrown, since a tampered item must still be reported. */
export const decodeBody = (
  item: Readonly<Record<string, unknown>>,
): Record<string, unknown> | { undecodable: string } => {
  try {
    let text: string;
    if (typeof item.body === 'string') text = item.body;
    else if (item.bodyGz instanceof Uint8Array) text = gunzipSync(item.bodyGz).toString('utf8');
    else return { undecodable: 'it has neither body nor bodyGz' };
    const content: unknown = JSON.parse(text);
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      return { undecodable: 'its body is not a JSON object' };
    }
    return content as Record<string, unknown>;
  } catch (error) {
    return { undecodable: `its body does not decode (${(error as Error).message})` };
  }
};

/** A stored item as the chain verifier takes it. */
export const toChainItem = (item: Readonly<Record<string, unknown>>): ChainItem => {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!STRUCTURAL.has(name)) attributes[name] = value;
  return { key: String(item.sk), hash: item.hash, content: decodeBody(item), attributes };
};

/** The record a stored item holds, or the reason it cannot be read. */
export const toAuditRecord = (item: Readonly<Record<string, unknown>>): AuditRecord | { undecodable: string } => {
  const content = decodeBody(item);
  if ('undecodable' in content) return { undecodable: String(content.undecodable) };
  const seq = parseSeqKey(String(item.sk));
  const chain = String(item.pk).slice(AUDIT_PK.chainPrefix.length);
  if (seq === null || typeof item.hash !== 'string' || content.chain === ANCHOR_CHAIN) {
    return { undecodable: `item ${String(item.pk)} / ${String(item.sk)} is not an audit record` };
  }
  return { ...(content as unknown as AuditRecordContent), id: recordId(chain, seq), hash: item.hash };
};
