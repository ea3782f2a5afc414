/**
 * In-memory adapters with the DynamoDB adapters' semantics (versions, conflicts), for core tests
 * and the benchmark's in-memory mode. Stores copy on the way in and out, as a database would, so a
 * caller changing an object after a put, or a state it read, never changes what is stored.
 */
import type { Finding } from '../core/finding.ts';
import {
  type AuditEntry,
  type AuditLog,
  type Clock,
  type FindingPublisher,
  type FindingStore,
  type PrincipalStateStore,
  type StoredFinding,
  VersionConflictError,
} from '../core/ports.ts';
import type { PrincipalState } from '../core/state.ts';
import { checkTtlDays, DAY_SECONDS, type FileLedger } from './file-ledger.ts';

/** PrincipalStateStore in a Map. */
export class MemoryPrincipalStateStore implements PrincipalStateStore {
  private readonly states = new Map<string, PrincipalState>();

  /** States by key; missing keys are absent from the map. */
  async getMany(keys: readonly string[]): Promise<Map<string, PrincipalState>> {
    const found = new Map<string, PrincipalState>();
    for (const key of keys) {
      const state = this.states.get(key);
      if (state !== undefined) found.set(key, structuredClone(state));
    }
    return found;
  }

  /** Writes if the stored version is still `state.version`, then advances `state.version`. */
  async put(state: PrincipalState): Promise<void> {
    const storedVersion = this.states.get(state.key)?.version ?? 0;
    if (storedVersion !== state.version) throw new VersionConflictError(state.key);
    this.states.set(state.key, { ...structuredClone(state), version: state.version + 1 });
    state.version += 1;
  }

  /** How many principals are stored. */
  get size(): number {
    return this.states.size;
  }
}

/** FindingStore in a Map. */
export class MemoryFindingStore implements FindingStore {
  private readonly findings = new Map<string, StoredFinding>();

  /** Stored findings by id; missing ids are absent from the map. */
  async getMany(ids: readonly string[]): Promise<Map<string, StoredFinding>> {
    const found = new Map<string, StoredFinding>();
    for (const id of ids) {
      const stored = this.findings.get(id);
      if (stored !== undefined) found.set(id, structuredClone(stored));
    }
    return found;
  }

  /** Writes as version `stored.version + 1` if the stored version is still `stored.version`; `stored` is left as it is. */
  async put(stored: StoredFinding): Promise<void> {
    const id = stored.finding.id;
    const storedVersion = this.findings.get(id)?.version ?? 0;
    if (storedVersion !== stored.version) throw new VersionConflictError(id, 'finding');
    this.findings.set(id, { ...structuredClone(stored), version: stored.version + 1 });
  }

  /** Every stored finding, in the order first written. */
  all(): StoredFinding[] {
    return [...this.findings.values()].map((stored) => structuredClone(stored));
  }
}

/** AuditLog that keeps its entries in an array. */
export class MemoryAuditLog implements AuditLog {
  /** Every entry appended, oldest first. */
  readonly entries: AuditEntry[] = [];

  /** Appends copies of `entries`. */
  async append(entries: readonly AuditEntry[]): Promise<void> {
    this.entries.push(...entries.map((entry) => structuredClone(entry)));
  }
}

/** FindingPublisher that starts no playbooks: every finding's response is null. */
export class MemoryFindingPublisher implements FindingPublisher {
  /** Every finding published, in order. */
  readonly published: Finding[] = [];

  /** Records `findings`; returns a null response for each. */
  async publish(findings: readonly Finding[]): Promise<Map<string, Finding['response']>> {
    this.published.push(...findings.map((finding) => structuredClone(finding)));
    return new Map(findings.map((finding) => [finding.id, null]));
  }
}

/** FileLedger in a Map, expiring claims in epoch seconds as the DynamoDB ledger does. */
export class MemoryFileLedger implements FileLedger {
  private readonly claims = new Map<string, { etag: string; expiresAt: number }>();

  /** @default clock - the system clock */
  constructor(private readonly clock: Clock = { now: () => Date.now() }) {}

  /** True unless a live claim for `fileKey` at `etag` exists. */
  async claim(fileKey: string, etag: string, ttlDays: number): Promise<boolean> {
    checkTtlDays(ttlDays);
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const existing = this.claims.get(fileKey);
    if (existing !== undefined && existing.etag === etag && existing.expiresAt >= nowSeconds) return false;
    this.claims.set(fileKey, { etag, expiresAt: nowSeconds + ttlDays * DAY_SECONDS });
    return true;
  }

  /** Forgets the claim. */
  async release(fileKey: string): Promise<void> {
    this.claims.delete(fileKey);
  }
}
