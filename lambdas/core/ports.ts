/**
 * The ports the core talks through. Adapters implement them over DynamoDB (dynalite locally),
 * EventBridge and Step Functions; tests may use the in-memory ones in `../adapters/memory.ts`.
 */
import type { Finding } from './finding.ts';
import type { PrincipalState } from './state.ts';

/** Tells the time. Event time drives scoring; this is for records of when Vigil acted. */
export interface Clock {
  now(): number;
}

/** Another writer stored a newer version first: reload and apply again. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly key: string,
    what = 'principal state',
  ) {
    super(`${what} ${key} changed since it was read`);
  }
}

/** Principal state, read in bulk and written with a version condition. */
export interface PrincipalStateStore {
  /** States by key; missing keys are absent from the map. */
  getMany(keys: readonly string[]): Promise<Map<string, PrincipalState>>;
  /**
   * Writes `state` if the stored version is still `state.version` (absent when 0), storing
   * `state.version + 1`. Throws VersionConflictError otherwise.
   */
  put(state: PrincipalState): Promise<void>;
}

/** A finding as stored: the contract's finding plus bookkeeping. */
export interface StoredFinding {
  readonly finding: Finding;
  /** How many events matched (the finding keeps at most 100 eventIds). */
  readonly occurrences: number;
  /** The suppression rule that matched, or null. A suppressed finding neither alerts nor starts a playbook. */
  readonly suppressedBy: string | null;
  /** 0 when new; conditional writes as for principal state. */
  readonly version: number;
}

/** Findings by id, written with a version condition so concurrent scorers merge, not overwrite. */
export interface FindingStore {
  getMany(ids: readonly string[]): Promise<Map<string, StoredFinding>>;
  /** Writes if the stored version is still `finding.version`; throws VersionConflictError otherwise. */
  put(finding: StoredFinding): Promise<void>;
}

/** Audit record types. */
export type AuditRecordType =
  | 'finding'
  | 'finding-suppressed'
  | 'finding-updated'
  | 'case-opened'
  | 'case-closed'
  | 'decision'
  | 'approval'
  | 'denial'
  | 'action'
  | 'notification'
  | 'config-change';

/** What the core asks the audit log to record. The audit adapter adds ids, chain hashes and time. */
export interface AuditEntry {
  readonly type: AuditRecordType;
  /** Epoch ms the thing happened (event time for findings, wall time for actions). */
  readonly at: number;
  /** Who or what did it: `vigil:scorer`, an approver's ARN, a playbook execution. */
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

/** Append-only audit log. */
export interface AuditLog {
  append(entries: readonly AuditEntry[]): Promise<void>;
}

/** Where alerting findings go: Vigil's event bus in AWS, the local playbook runner on a laptop. */
export interface FindingPublisher {
  /** Publishes findings; returns the playbook response started for each, by finding id. */
  publish(findings: readonly Finding[]): Promise<Map<string, Finding['response']>>;
}
