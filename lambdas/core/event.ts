import type { CloudTrailRecord } from './cloudtrail.ts';
import type { Principal } from './principal.ts';

/** Where an event came from, so errors and evidence can point back at it. */
export interface EventOrigin {
  /** File path, S3 URI, or `-` for stdin. */
  readonly file: string;
  /** `record N` (0-based, arrays and `Records` files), `line N` (1-based, JSON Lines), or `line L, record N`. */
  readonly position: string;
}

/**
 * A CloudTrail record normalised into what the core needs. Built once per record by
 * `normaliseRecord`; detectors read this, never the raw record's loose shape.
 */
export interface VigilEvent {
  /** CloudTrail `eventID`; a content hash when the record has none. */
  readonly id: string;
  /** Event time, epoch milliseconds. */
  readonly time: number;
  /** Event time as ISO-8601, as CloudTrail wrote it (normalised to milliseconds). */
  readonly timeIso: string;
  /** `eventSource`, e.g. `iam.amazonaws.com`. */
  readonly source: string;
  /** `eventName`, e.g. `CreateAccessKey`. */
  readonly name: string;
  /** `service:EventName`, e.g. `iam:CreateAccessKey`. */
  readonly api: string;
  readonly region: string;
  /** The account the event happened in (`recipientAccountId`, else the caller's). */
  readonly accountId: string;
  readonly principal: Principal;
  /** A valid IPv4/IPv6 address, or null when `sourceIPAddress` is a service name or garbage. */
  readonly sourceIp: string | null;
  /** `sourceIPAddress` when it names an AWS service (`ec2.amazonaws.com`, `AWS Internal`). */
  readonly sourceService: string | null;
  readonly userAgent: string;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** True for a call that failed with an access-denied style error. */
  readonly accessDenied: boolean;
  readonly readOnly: boolean | null;
  /** `AwsApiCall`, `AwsConsoleSignIn`, `AwsServiceEvent`, ... */
  readonly eventType: string;
  /** `Management`, `Data` or `Insight`. */
  readonly category: string;
  /** MFA: from `additionalEventData.MFAUsed` for sign-ins, else the session's `mfaAuthenticated`. */
  readonly mfa: boolean | null;
  readonly accessKeyId: string | null;
  readonly request: Readonly<Record<string, unknown>>;
  readonly response: Readonly<Record<string, unknown>>;
  readonly additional: Readonly<Record<string, unknown>>;
  readonly resources: readonly {
    readonly arn: string | null;
    readonly type: string | null;
    readonly accountId: string | null;
  }[];
  /** S3 data events: bytes sent to the caller (`additionalEventData.bytesTransferredOut`). */
  readonly bytesOut: number;
  readonly vpcEndpointId: string | null;
  /** `eventVersion` as written; unknown future versions are scored like the newest known one. */
  readonly eventVersion: string;
  readonly raw: CloudTrailRecord;
  readonly origin?: EventOrigin;
}
