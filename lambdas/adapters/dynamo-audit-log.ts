/**
 * The audit log over the audit table (`audit-table.ts`): append-only, hash-chained, safe with any
 * number of concurrent writers.
 *
 * ## Records and hashes
 * Each record's content is the entry as recorded plus its place: `{v, chain, seq, prev, type, at,
 * recordedAt, actor, ...}` (`lambdas/core/audit/record.ts`). Its hash is the SHA-256 of the
 * content's canonical JSON (keys sorted, no whitespace), and `prev` is the hash of the record
 * before it in the chain (64 zeros for the first). The content is stored as that JSON text, so
 * anyone can hash it again; the JSON Lines export carries it too, so an export can be checked
 * without the table.
 *
 * ## One chain per writer instance
 * A single chain shared by every scorer would need a read-modify-write of its head for every
 * record, serialising all writers on one item. Instead each writer instance (a Lambda
 * execution environment, a playbook task, a CLI run) opens its own chain on its first append:
 * a chain id made of the writer's name, the time and 40 random bits, registered with a
 * conditional put under `R` / `<chainId>` so two instances can never share one. Sequence numbers
 * are counted in memory, and each record is written with a put conditional on
 * `attribute_not_exists(pk)`, one at a time and in order, so a sequence number is never written
 * twice and a crash can only leave the chain shorter, never with a hole. Should a put find its
 * sequence number taken by different content (an instance cloned after it opened its chain),
 * the writer leaves that chain and opens a new one: chains never fork. A put that fails for
 * another reason is retried verbatim, first thing on the next append, so a write whose
 * acknowledgement was lost is recognised by its hash rather than written twice.
 *
 * ## Anchors
 * A chain alone cannot show that its last records were deleted, nor that a chain vanished
 * whole. So writers also append anchors to one shared anchor chain (partition `A`): each anchor
 * records a writer chain's head (chain id, sequence number, hash) and is itself hash-chained to
 * the anchor before it. A writer anchors after the first append of its chain, then whenever
 * `anchorEvery` records (default 100) or `anchorIntervalMs` (default a minute) have passed since
 * its last anchor, and on `seal()`. Anchors are few (at most about one a minute per writer), so
 * the anchor chain can afford optimistic concurrency: read its head, put the next sequence
 * number conditionally, and on a clash read again and retry with jitter. If it stays busy the
 * anchor is put off to the next append rather than failing one whose records are written.
 *
 * ## What verify catches, and what it cannot
 * `vigil audit verify` walks the anchor chain, then every registered or anchored chain, and
 * reports the first broken link of each: a changed record (its content no longer hashes to its
 * hash, a plain attribute disagrees with it, its successor or an anchor committed to another
 * hash), a deleted record (a gap, or records renumbered over one), an inserted record (an item
 * that is not part of the chain, or a successor that links past it), reordered records (a record
 * at another record's place), and a truncated tail (an anchor vouches for records that are gone).
 * Records written after a writer's last anchor are reported as unanchored: losing them cannot be
 * told from a writer that stopped. Hashes carry no secret: someone with write access who
 * recomputes every later hash, anchors included, leaves a consistent table. Closing that needs
 * a witness outside the table; `vigil audit verify` prints the anchor chain's head for the
 * auditor to record, and a later run can be told to expect it.
 */
import { randomBytes } from 'node:crypto';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AnchorContent,
  AuditEntryError,
  buildAnchorContent,
  buildRecordContent,
  type ChainPosition,
  GENESIS_HASH,
  lightenEntry,
} from '../core/audit/record.ts';
import type { AuditEntry, AuditLog, Clock } from '../core/ports.ts';
import { anchorItem, recordItem } from './audit-item.ts';
import { AUDIT_PK } from './audit-table.ts';
import { type DynamoMetrics, isConditionFailed, newDynamoMetrics } from './dynamo-items.ts';
import { itemSizeBytes } from './state-table.ts';

/** Options of a DynamoAuditLog. */
export interface DynamoAuditLogOptions {
  /** Who writes: `scorer`, `playbook`, `cli`. Letters, digits, `.`, `_`, `-`; it starts every chain id. */
  readonly writer: string;
  /** Stamps `recordedAt` and anchors, and times the anchor interval. */
  readonly clock: Clock;
  /** @default 100 - records between anchors */
  readonly anchorEvery?: number;
  /** @default 60_000 - at most this long (ms) between an append and the anchor that covers it, while appends keep coming */
  readonly anchorIntervalMs?: number;
  /** @default 25 - tries at the anchor chain's next place, with jittered backoff, before putting an anchor off */
  readonly anchorAttempts?: number;
  /** @default - a record of this log's own */
  readonly metrics?: DynamoMetrics;
}

/** The writer name cannot start a chain id. */
export class AuditWriterNameError extends Error {
  override readonly name = 'AuditWriterNameError';
}

/** Other writers kept taking the anchor chain's next sequence number. */
export class AnchorContentionError extends Error {
  override readonly name = 'AnchorContentionError';
}

/** A record's place (or a new chain's id) kept being taken by another writer, chain after chain. */
export class ChainClashError extends Error {
  override readonly name = 'ChainClashError';
  constructor(
    readonly writer: string,
    readonly attempts: number,
  ) {
    super(
      `audit writer ${writer} found its next record's place taken by another writer in ${attempts} chains in a row; expected a chain of its own`,
    );
  }
}

/** Items above this are lightened (`lightenEntry`): DynamoDB's limit is 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 380_000;
const WRITER_NAME = /^[A-Za-z0-9._-]{1,48}$/;
const MAX_CHAIN_ATTEMPTS = 5;

interface Prepared {
  readonly seq: number;
  readonly recordedAt: number;
  readonly hash: string;
  readonly item: Record<string, unknown>;
}

interface OpenChain {
  readonly id: string;
  next: number;
  head: string;
}

/** AuditLog over the audit table: one hash chain per instance, anchored in the shared anchor chain. */
export class DynamoAuditLog implements AuditLog {
  /** Capacity consumed by this log's writes. */
  readonly metrics: DynamoMetrics;
  /** Anchors put off to a later append because the anchor chain stayed busy. */
  anchorsDeferred = 0;
  private readonly anchorEvery: number;
  private readonly anchorIntervalMs: number;
  private chain: OpenChain | null = null;
  private pending: { entry: AuditEntry; prepared: Prepared } | null = null;
  private unanchored = 0;
  private anchoredOnce = false;
  private lastAnchorAt = 0;
  private anchorHead: { seq: number; hash: string } | null | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly opts: DynamoAuditLogOptions,
  ) {
    if (!WRITER_NAME.test(opts.writer)) {
      throw new AuditWriterNameError(
        `audit writer name ${JSON.stringify(opts.writer)} is not usable; expected 1 to 48 letters, digits, '.', '_' or '-'`,
      );
    }
    this.anchorEvery = opts.anchorEvery ?? 100;
    this.anchorIntervalMs = opts.anchorIntervalMs ?? 60_000;
    this.metrics = opts.metrics ?? newDynamoMetrics();
  }

  /** The id of the chain this instance writes, once it has written. */
  get chainId(): string | null {
    return this.chain?.id ?? null;
  }

  /**
   * Appends `entries` in order to this instance's chain, then anchors if due. Concurrent calls are
   * queued. Throws AuditEntryError, before writing anything, for an invalid entry.
   */
  append(entries: readonly AuditEntry[]): Promise<void> {
    return this.enqueue(() => this.write(entries));
  }

  /**
   * Anchors the chain's head if records are unanchored: call when a run ends (the CLI, tests).
   * Throws AnchorContentionError if the anchor chain stays busy.
   */
  seal(): Promise<void> {
    return this.enqueue(async () => {
      await this.write([]);
      if (this.unanchored > 0) await this.writeAnchor();
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => {});
    return run;
  }

  private async write(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0 && this.pending === null) return;
    const recordedAt = this.opts.clock.now();
    // Field errors surface before anything is written, the chain's registration included.
    for (const entry of entries) buildRecordContent(entry, { chain: 'check', seq: 0, prev: GENESIS_HASH }, recordedAt);
    let todo = entries;
    if (this.pending !== null) {
      // A write that failed before: retried verbatim, so one that landed unacknowledged is not written twice.
      const { entry, prepared } = this.pending;
      this.pending = null;
      if (!(await this.commit(entry, prepared))) {
        todo = [entry, ...entries];
        this.chain = null;
      }
    }
    for (let clashes = 0; todo.length > 0; clashes++) {
      if (clashes >= MAX_CHAIN_ATTEMPTS) throw new ChainClashError(this.opts.writer, clashes);
      if (clashes > 0) this.chain = null;
      // Every record of the batch is built (hashed, sized) before the first is written.
      const batch = this.prepareAll(await this.openChain(), todo, recordedAt);
      let written = 0;
      while (written < todo.length && (await this.commit(todo[written] as AuditEntry, batch[written] as Prepared))) {
        written += 1;
      }
      todo = todo.slice(written);
    }
    if (this.anchorDue()) await this.anchorIfFree();
  }

  /**
   * Anchors, unless other writers keep the anchor chain busy: the records are written by then,
   * and failing the append would only have the caller write them twice. The chain stays due and
   * the next append tries again.
   */
  private async anchorIfFree(): Promise<void> {
    try {
      await this.writeAnchor();
    } catch (error) {
      if (!(error instanceof AnchorContentionError)) throw error;
      this.anchorsDeferred += 1;
    }
  }

  private anchorDue(): boolean {
    if (this.unanchored === 0) return false;
    return (
      !this.anchoredOnce ||
      this.unanchored >= this.anchorEvery ||
      this.opts.clock.now() - this.lastAnchorAt >= this.anchorIntervalMs
    );
  }

  /**
   * Writes a prepared record and moves the chain's head past it. Returns false, writing nothing,
   * when its place holds other content: another instance shares this chain, which must be left.
   */
  private async commit(entry: AuditEntry, prepared: Prepared): Promise<boolean> {
    let stored: boolean;
    try {
      stored = await this.putIfAbsent(prepared.item);
    } catch (error) {
      this.pending = { entry, prepared };
      throw error;
    }
    if (!stored && (await this.storedHash(prepared.item)) !== prepared.hash) return false;
    const chain = this.chain as OpenChain;
    chain.next = prepared.seq + 1;
    chain.head = prepared.hash;
    this.unanchored += 1;
    return true;
  }

  /** Builds the records for `entries` from the chain's next place on, each lightened if it would not fit in an item. */
  private prepareAll(chain: OpenChain, entries: readonly AuditEntry[], recordedAt: number): Prepared[] {
    const batch: Prepared[] = [];
    let prev = chain.head;
    for (const [i, entry] of entries.entries()) {
      const prepared = this.prepare({ chain: chain.id, seq: chain.next + i, prev }, entry, recordedAt);
      batch.push(prepared);
      prev = prepared.hash;
    }
    return batch;
  }

  private prepare(position: ChainPosition, entry: AuditEntry, recordedAt: number): Prepared {
    const withoutRecords = lightenEntry(entry, 1) ?? entry;
    let size = 0;
    for (const candidate of [entry, withoutRecords, lightenEntry(withoutRecords, 2)]) {
      if (candidate === null) continue;
      const { item, hash } = recordItem(buildRecordContent(candidate, position, recordedAt));
      size = itemSizeBytes(item);
      if (size <= MAX_ITEM_BYTES) return { seq: position.seq, hash, item, recordedAt };
    }
    throw new AuditEntryError(
      `the ${entry.type} record is ${size} bytes even without its data; expected at most ${MAX_ITEM_BYTES}`,
    );
  }

  private async openChain(): Promise<OpenChain> {
    if (this.chain !== null) return this.chain;
    for (let attempt = 0; attempt < MAX_CHAIN_ATTEMPTS; attempt++) {
      const now = this.opts.clock.now();
      const stamp = new Date(now)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      const id = `${this.opts.writer}-${stamp}-${randomBytes(5).toString('hex')}`;
      const registered = await this.putIfAbsent({
        pk: AUDIT_PK.registry,
        sk: id,
        writer: this.opts.writer,
        startedAt: new Date(now).toISOString(),
      });
      if (!registered) continue;
      this.chain = { id, next: 0, head: GENESIS_HASH };
      this.unanchored = 0;
      this.anchoredOnce = false;
      return this.chain;
    }
    // 40 random bits make this practically unreachable; it guards against a broken random source.
    throw new ChainClashError(this.opts.writer, MAX_CHAIN_ATTEMPTS);
  }

  private async writeAnchor(): Promise<void> {
    const chain = this.chain as OpenChain;
    const head = { chain: chain.id, seq: chain.next - 1, hash: chain.head };
    const attempts = this.opts.anchorAttempts ?? 25;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(Math.random() * Math.min(500, 5 * 2 ** attempt));
      if (this.anchorHead === undefined) this.anchorHead = await this.latestAnchor();
      const now = this.opts.clock.now();
      const content: AnchorContent = buildAnchorContent(
        { seq: (this.anchorHead?.seq ?? -1) + 1, prev: this.anchorHead?.hash ?? GENESIS_HASH },
        now,
        this.opts.writer,
        head,
      );
      const { item, hash } = anchorItem(content);
      if (await this.putIfAbsent(item)) {
        this.anchorHead = { seq: content.seq, hash };
        this.anchoredOnce = true;
        this.unanchored = 0;
        this.lastAnchorAt = now;
        return;
      }
      this.anchorHead = undefined;
    }
    throw new AnchorContentionError(
      `the anchor chain's next sequence number was taken by other writers ${attempts} times in a row; expected a free one`,
    );
  }

  private async latestAnchor(): Promise<{ seq: number; hash: string } | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': AUDIT_PK.anchors },
        ProjectionExpression: 'sk, #hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.metrics.readUnits += units(out.ConsumedCapacity);
    const item = out.Items?.[0];
    return item === undefined ? null : { seq: Number(item.sk), hash: String(item.hash) };
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    this.metrics.writes += 1;
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.metrics.writeUnits += units(out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      this.metrics.writeUnits += Math.max(1, Math.ceil(itemSizeBytes(item) / 1024));
      return false;
    }
  }

  private async storedHash(item: Record<string, unknown>): Promise<unknown> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: item.pk, sk: item.sk },
        ProjectionExpression: '#hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ConsistentRead: true,
      }),
    );
    this.metrics.reads += 1;
    return out.Item?.hash;
  }
}

const units = (consumed: ConsumedCapacity | undefined): number => consumed?.CapacityUnits ?? 0;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
