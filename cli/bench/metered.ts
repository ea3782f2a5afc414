/**
 * In-memory stores that count what the DynamoDB adapters would consume: requests, and read and
 * write units from the sizes of the items the adapters would write (the same item builders and
 * `itemSizeBytes`), by DynamoDB's rules: a strongly consistent read takes one unit per 4 KB (one
 * for a missing item), a write one unit per KB of the larger of the old and the new item, an audit
 * record one conditional put.
 *
 * Sizes are worked out in `settle()`, after the timed part of a batch, so metering adds little to
 * the scorer's measured time. Units go to the path named by `meter.path`.
 */

import { recordItem } from '../../lambdas/adapters/audit-item.ts';
import { findingItem } from '../../lambdas/adapters/dynamo-finding-store.ts';
import { principalStateItem } from '../../lambdas/adapters/dynamo-principal-state-store.ts';
import { MemoryFindingStore, MemoryPrincipalStateStore } from '../../lambdas/adapters/memory.ts';
import { findingKey, itemSizeBytes, principalStateKey } from '../../lambdas/adapters/state-table.ts';
import { buildRecordContent, GENESIS_HASH } from '../../lambdas/core/audit/record.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import type {
  AuditEntry,
  AuditLog,
  FindingPublisher,
  FindingStore,
  PrincipalStateStore,
  StoredFinding,
} from '../../lambdas/core/ports.ts';
import type { PrincipalState } from '../../lambdas/core/state.ts';

/** What one path consumed. */
export interface MeterCounts {
  /** DynamoDB requests made one after another (a batched read counts once). */
  requests: number;
  readUnits: number;
  writeUnits: number;
  /** Items read (found or not) and written. */
  itemsRead: number;
  itemsWritten: number;
  /** Principal state writes, and the bytes of the items written. */
  stateWrites: number;
  stateBytes: number;

  /** Audit records written. */
  auditRecords: number;
  /** Findings published, their bytes as "Vigil Finding" events, and PutEvents calls. */
  published: number;
  publishedBytes: number;
  publishCalls: number;
}

/** A zeroed count. */
export const emptyCounts = (): MeterCounts => ({
  requests: 0,
  readUnits: 0,
  writeUnits: 0,
  itemsRead: 0,
  itemsWritten: 0,
  stateWrites: 0,
  stateBytes: 0,

  auditRecords: 0,
  published: 0,
  publishedBytes: 0,
  publishCalls: 0,
});

/** Write units of a put replacing an item of `oldBytes` (0: none) with one of `newBytes`. */
export const writeUnits = (newBytes: number, oldBytes: number): number =>
  Math.max(1, Math.ceil(newBytes / 1024), Math.ceil(oldBytes / 1024));

/** Read units of a strongly consistent read of an item of `bytes` (undefined: missing). */
export const readUnits = (bytes: number | undefined): number =>
  bytes === undefined ? 1 : Math.max(1, Math.ceil(bytes / 4096));

type Pending =
  | { kind: 'state'; path: string; state: PrincipalState }
  | { kind: 'finding'; path: string; stored: StoredFinding }
  | { kind: 'audit'; path: string; entry: AuditEntry };

/** Counts per path; sizes settle after each timed batch. */
export class Meter {
  /** Which path the next requests belong to. */
  path = 'bulk';

  readonly counts = new Map<string, MeterCounts>();
  /** Bytes of every stored item, by key, as DynamoDB would hold it. */
  private readonly sizes = new Map<string, number>();

  private pending: Pending[] = [];
  private auditSeq = 0;
  private readonly chain = `scorer-20261127T000000Z-${'0'.repeat(10)}`;

  /** The counts of `path` (created empty). */
  of(path: string): MeterCounts {
    let counts = this.counts.get(path);
    if (!counts) {
      counts = emptyCounts();
      this.counts.set(path, counts);
    }
    return counts;
  }

  /** Counts a batched read of `keys` now (the stored sizes are known). */
  read(keys: readonly string[]): void {
    const counts = this.of(this.path);
    counts.requests += 1;
    counts.itemsRead += keys.length;
    for (const key of keys) counts.readUnits += readUnits(this.sizes.get(key));
  }

  /** Queues a write, sized in `settle()`. */
  write(pending: Pending): void {
    this.pending.push(pending);
  }

  /** Counts a publish of `findings`. */
  publish(findings: readonly Finding[]): void {
    const counts = this.of(this.path);
    counts.published += findings.length;
    counts.publishCalls += Math.ceil(findings.length / 10);
    counts.requests += Math.ceil(findings.length / 10);
    for (const finding of findings) {
      counts.publishedBytes += Buffer.byteLength(
        JSON.stringify({ Source: 'vigil', DetailType: 'Vigil Finding', Detail: JSON.stringify(finding) }),
      );
    }
  }

  /** Sizes the queued writes and counts their units. */
  settle(): void {
    const pending = this.pending;
    this.pending = [];
    for (const item of pending) {
      const counts = this.of(item.path);
      counts.requests += 1;
      counts.itemsWritten += 1;
      if (item.kind === 'audit') {
        const seq = ++this.auditSeq;
        const content = buildRecordContent(item.entry, { chain: this.chain, seq, prev: GENESIS_HASH }, item.entry.at);
        counts.writeUnits += writeUnits(itemSizeBytes(recordItem(content).item), 0);
        counts.auditRecords += 1;
        continue;
      }
      const { key, bytes } =
        item.kind === 'state'
          ? {
              key: principalStateKey(item.state.key).pk,
              bytes: itemSizeBytes({ ...principalStateItem(item.state), version: item.state.version }),
            }
          : {
              key: findingKey(item.stored.finding.id).pk,
              bytes: itemSizeBytes({ ...findingItem(item.stored), version: item.stored.version + 1 }),
            };
      counts.writeUnits += writeUnits(bytes, this.sizes.get(key) ?? 0);
      this.sizes.set(key, bytes);
      if (item.kind === 'state') {
        counts.stateWrites += 1;
        counts.stateBytes += bytes;
      }
    }
  }
}

/** Principal states in memory, metered. */
export class MeteredStateStore implements PrincipalStateStore {
  private readonly inner = new MemoryPrincipalStateStore();
  constructor(private readonly meter: Meter) {}

  /** States by key; counts a batched read. */
  async getMany(keys: readonly string[]): Promise<Map<string, PrincipalState>> {
    this.meter.read(keys.map((k) => principalStateKey(k).pk));
    return this.inner.getMany(keys);
  }

  /** Writes as the DynamoDB store would; counts one put. */
  async put(state: PrincipalState): Promise<void> {
    await this.inner.put(state);
    this.meter.write({ kind: 'state', path: this.meter.path, state });
  }
}

/** Findings in memory, metered. */
export class MeteredFindingStore implements FindingStore {
  private readonly inner = new MemoryFindingStore();
  constructor(private readonly meter: Meter) {}

  /** Stored findings by id; counts a batched read. */
  async getMany(ids: readonly string[]): Promise<Map<string, StoredFinding>> {
    this.meter.read(ids.map((id) => findingKey(id).pk));
    return this.inner.getMany(ids);
  }

  /** Writes as the DynamoDB store would; counts one put. */
  async put(stored: StoredFinding): Promise<void> {
    await this.inner.put(stored);
    this.meter.write({ kind: 'finding', path: this.meter.path, stored });
  }
}

/** An audit log that keeps nothing and counts one conditional put per record. */
export class MeteredAuditLog implements AuditLog {
  constructor(private readonly meter: Meter) {}

  /** Counts the records. */
  async append(entries: readonly AuditEntry[]): Promise<void> {
    for (const entry of entries) this.meter.write({ kind: 'audit', path: this.meter.path, entry });
  }
}

/** A publisher that starts nothing, counts PutEvents, and keeps what it published. */
export class MeteredPublisher implements FindingPublisher {
  /** Every finding published, in order. */
  readonly published: Finding[] = [];
  constructor(private readonly meter: Meter) {}

  /** Counts and keeps the findings; returns a null response for each. */
  async publish(findings: readonly Finding[]): Promise<Map<string, Finding['response']>> {
    this.meter.publish(findings);
    this.published.push(...findings);
    return new Map(findings.map((f) => [f.id, null]));
  }
}
