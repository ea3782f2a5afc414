import type { VigilConfig } from './config.ts';
import type { VigilEvent } from './event.ts';
import type { Severity } from './finding.ts';
import type { Principal } from './principal.ts';
import type { PrincipalState } from './state.ts';

/** What the offline IP database says about an address. */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2 country code, or null when unknown (private ranges, unlisted). */
  readonly country: string | null;
  readonly asn: number | null;
  readonly asnOrg: string | null;
  /** True when the address belongs to Amazon (AS16509, AS14618, ...). */
  readonly isAws: boolean;
}

/** Looks up an IP address in an offline database. The core never does I/O: this is passed in. */
export interface GeoLookup {
  lookup(ip: string): GeoInfo;
}

/** What a detector may read besides the event. */
export interface DetectorContext {
  readonly config: VigilConfig;
  /** The acting principal's state before this event (baseline, risk, first seen). Read only. */
  readonly state: Readonly<PrincipalState>;
  readonly geo: GeoLookup;
  readonly isSensitiveBucket: (bucket: string) => boolean;
  /** True for principals configured as trusted automation, and for Vigil's own roles. */
  readonly isTrustedAutomation: (principal: Principal) => boolean;
  readonly isProductionAccount: (accountId: string) => boolean;
  /**
   * A small JSON object kept per principal for one detector (counters, recent times), stored in
   * the principal's state. Only `stateful` and `baseline` detectors may write it: they see each
   * event once, so counters never double count. Keep it tiny: it is written every batch.
   */
  readonly memory: (detectorId: string) => Record<string, unknown>;
}

/** One hit of a detector on one event. */
export interface Detection {
  /** Overrides the detector's default severity for this event (a sensitive bucket, production). */
  readonly severity?: Severity;
  /** Overrides the detector's title, e.g. to name the target. */
  readonly title?: string;
  /**
   * Repeats with the same dedup key inside the detector's window update one finding.
   * @default - the detector id alone: one finding per principal per window
   */
  readonly dedupKey?: string;
  /** What a responder needs to judge the finding: the target, the values that fired the rule. */
  readonly evidence: Record<string, unknown>;
}

/**
 * The CloudTrail events a detector needs; the fast path's EventBridge rule pattern is generated
 * from these: calls by `source` and `names`, or every call by a kind of identity (root).
 */
export type EventTrigger =
  | {
      /** `eventSource`, e.g. `iam.amazonaws.com`. */
      readonly source: string;
      /** `eventName`s of that source. */
      readonly names: readonly string[];
    }
  | {
      /** `userIdentity.type`, e.g. `Root`: every call by such an identity. */
      readonly userIdentityType: string;
    };

/** A detector in the registry. */
export interface DetectorDefinition {
  /** Dotted id, e.g. `iam.access-key-created-for-other-user`. A contract: never renamed. */
  readonly id: string;
  readonly title: string;
  /** Default severity; `Detection.severity` may raise or lower it for one event. */
  readonly severity: Severity;
  /** MITRE ATT&CK technique ids. */
  readonly attack: readonly string[];
  /** Named techniques this detector covers (Stratus Red Team ids, GuardDuty finding types). */
  readonly techniques: readonly string[];
  /** The events the detector reads; empty: every event, so it runs on the bulk path only. */
  readonly triggers: readonly EventTrigger[];
  /**
   * `rule` detectors judge one event (and may read state) and run on both paths; `stateful`
   * detectors keep counters in `ctx.memory` (bursts); `baseline` detectors judge an event against
   * the learnt baseline. Stateful and baseline detectors run only on events that feed the
   * baseline (bulk path and replay, each event once).
   * @default 'rule'
   */
  readonly kind?: 'rule' | 'stateful' | 'baseline';
  /** True when the detector must see its events in seconds: they go on the fast path. */
  readonly fastPath: boolean;
  /** Minutes during which repeats update one finding. */
  readonly dedupWindowMinutes: number;
  /** What a responder does first. */
  readonly runbook: string;
  /** The logic: null (or an empty array) when the event is not a hit. */
  detect(event: VigilEvent, ctx: DetectorContext): Detection | readonly Detection[] | null;
}
