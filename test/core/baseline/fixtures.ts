/**
 * Synthetic principals for the baseline tests: CloudTrail records built to order, a fake IP
 * database, weeks of routine work, and a scorer wired as the Lambda wires it (memory adapters, the
 * baseline model and detectors with their own peer book).
 */
import {
  MemoryAuditLog,
  MemoryFindingPublisher,
  MemoryFindingStore,
  MemoryPrincipalStateStore,
} from '../../../lambdas/adapters/memory.ts';
import { createBaselineDetectors, createBaselineModel, PeerBook } from '../../../lambdas/core/baseline/index.ts';
import type { CloudTrailRecord } from '../../../lambdas/core/cloudtrail.ts';
import { parseConfig, type VigilConfigInput } from '../../../lambdas/core/config.ts';
import type { GeoInfo, GeoLookup } from '../../../lambdas/core/detector.ts';
import type { VigilEvent } from '../../../lambdas/core/event.ts';
import type { Finding } from '../../../lambdas/core/finding.ts';
import { normaliseRecord } from '../../../lambdas/core/normalise.ts';
import type { PrincipalStateStore } from '../../../lambdas/core/ports.ts';
import { type ScoreDeps, scoreEvents } from '../../../lambdas/core/score.ts';
import type { PrincipalState } from '../../../lambdas/core/state.ts';

export const ACCOUNT = '111122223333';
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Monday 2 March 2026, 00:00 UTC: day 0 of every routine. */
export const MONDAY = Date.UTC(2026, 2, 2);
export const SENSITIVE_BUCKET = 'acme-customer-data';

/** Networks of the fake IP database, by the address's first three octets. */
const NETWORKS: Record<string, GeoInfo> = {
  '81.2.69': { country: 'GB', asn: 2856, asnOrg: 'British Telecommunications', isAws: false },
  '81.2.70': { country: 'GB', asn: 2856, asnOrg: 'British Telecommunications', isAws: false },
  '81.2.71': { country: 'GB', asn: 2856, asnOrg: 'British Telecommunications', isAws: false },
  '86.1.2': { country: 'GB', asn: 5089, asnOrg: 'Virgin Media', isAws: false },
  '185.181.60': { country: 'RO', asn: 9009, asnOrg: 'M247 Europe', isAws: false },
  '24.48.1': { country: 'US', asn: 7015, asnOrg: 'Comcast', isAws: false },
  '165.225.80': { country: 'GB', asn: 62044, asnOrg: 'Zscaler', isAws: false },
  '52.95.4': { country: 'US', asn: 16509, asnOrg: 'AMAZON-02', isAws: true },
};

/** A fake GeoLookup over `NETWORKS`; anything else is unknown. */
export const fakeGeo: GeoLookup = {
  lookup: (ip) =>
    NETWORKS[ip.split('.').slice(0, 3).join('.')] ?? { country: null, asn: null, asnOrg: null, isAws: false },
};

/** Home, office and other addresses of the fake database. */
export const IP = {
  home: '81.2.69.10',
  office: '81.2.70.20',
  otherIsp: '86.1.2.3',
  vps: '185.181.60.7',
  newYork: '24.48.1.9',
  vpn: '165.225.80.4',
  aws: '52.95.4.1',
} as const;

export const CLI = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off';
export const BOTO3 = 'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1.0 lang/python#3.11.2';
export const KALI = 'aws-cli/2.15.30 Python/3.11.9 Linux/6.8.11-amd64 exe/x86_64.kali.2024 prompt/off';

/** Who acts: an IAM user, or an Identity Center person with a permission set. */
export type Actor = { readonly user: string } | { readonly person: string; readonly permissionSet: string };

/** One call to build a record for. */
export interface Call {
  readonly actor: Actor;
  readonly at: number;
  readonly api?: string;
  readonly ip?: string;
  readonly ua?: string;
  readonly mfa?: boolean;
  readonly error?: string;
  readonly bucket?: string;
  readonly bytes?: number;
  readonly id?: string;
  /** Request parameters (management calls). */
  readonly request?: Record<string, unknown>;
}

let counter = 0;

const identityOf = (actor: Actor, mfa: boolean | undefined): Record<string, unknown> => {
  const attributes = {
    mfaAuthenticated: mfa === undefined ? 'false' : String(mfa),
    creationDate: '2026-03-02T08:00:00Z',
  };
  if ('user' in actor) {
    return {
      type: 'IAMUser',
      principalId: `AIDA${actor.user.toUpperCase()}`,
      arn: `arn:aws:iam::${ACCOUNT}:user/${actor.user}`,
      accountId: ACCOUNT,
      userName: actor.user,
      accessKeyId: 'AKIAEXAMPLE',
      ...(mfa === undefined ? {} : { sessionContext: { attributes } }),
    };
  }
  const role = `AWSReservedSSO_${actor.permissionSet}_0123456789abcdef`;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${actor.person}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${actor.person}`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLE',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLE',
        arn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        accountId: ACCOUNT,
        userName: role,
      },
      attributes,
    },
  };
};

/** A CloudTrail record for a call; `api` is `service:Name` (default `ec2:DescribeInstances`). */
export const record = (call: Call): CloudTrailRecord => {
  const [service = 'ec2', name = 'DescribeInstances'] = (call.api ?? 'ec2:DescribeInstances').split(':');
  const s3Data = service === 's3' && call.bucket !== undefined;
  return {
    eventVersion: '1.09',
    userIdentity: identityOf(call.actor, call.mfa),
    eventTime: new Date(call.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: `${service}.amazonaws.com`,
    eventName: name,
    awsRegion: 'eu-west-1',
    sourceIPAddress: call.ip ?? IP.home,
    userAgent: call.ua ?? CLI,
    ...(call.error ? { errorCode: call.error, errorMessage: 'denied' } : {}),
    requestParameters: s3Data ? { bucketName: call.bucket, key: `k/${counter}` } : (call.request ?? null),
    responseElements: null,
    ...(s3Data ? { additionalEventData: { bytesTransferredOut: call.bytes ?? 1_000_000 } } : {}),
    eventID: call.id ?? `ev-${++counter}`,
    readOnly: /^(List|Get|Describe)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: !s3Data,
    eventCategory: s3Data ? 'Data' : 'Management',
    recipientAccountId: ACCOUNT,
  } as CloudTrailRecord;
};

/** Normalises records into events, in time order. */
export const events = (records: readonly CloudTrailRecord[]): VigilEvent[] =>
  records
    .map((r) => {
      const result = normaliseRecord(r);
      if (!result.ok) throw new Error(result.reason);
      return result.event;
    })
    .sort((a, b) => a.time - b.time);

/** The APIs of a day's routine work. */
export const ROUTINE_APIS = [
  'ec2:DescribeInstances',
  'ec2:DescribeSecurityGroups',
  'logs:FilterLogEvents',
  'cloudwatch:GetMetricData',
  'lambda:ListFunctions',
  'sts:GetCallerIdentity',
] as const;

/** Options of a routine: who, how long, how much. */
export interface Routine {
  readonly actor: Actor;
  /** Days from MONDAY; weekends are skipped. */
  readonly days: number;
  /** @default 0 */
  readonly fromDay?: number;
  /** Calls a working day, spread 09:00-17:00 UTC. @default 24 */
  readonly calls?: number;
  /** S3 objects read from the sensitive bucket a working day, 10:00-16:00 UTC. @default 0 */
  readonly reads?: number | ((day: number) => number);
  readonly ip?: string;
  readonly ua?: string;
  readonly mfa?: boolean;
}

/** Records of weeks of ordinary office-hours work. */
export const routine = (r: Routine): CloudTrailRecord[] => {
  const out: CloudTrailRecord[] = [];
  for (let day = r.fromDay ?? 0; day < (r.fromDay ?? 0) + r.days; day++) {
    const date = MONDAY + day * DAY;
    const dow = new Date(date).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    const calls = r.calls ?? 24;
    for (let i = 0; i < calls; i++) {
      const at = date + 9 * HOUR + Math.floor((i * 8 * HOUR) / calls);
      out.push(
        record({ actor: r.actor, at, api: ROUTINE_APIS[i % ROUTINE_APIS.length], ip: r.ip, ua: r.ua, mfa: r.mfa }),
      );
    }
    const reads = typeof r.reads === 'function' ? r.reads(day) : (r.reads ?? 0);
    for (let i = 0; i < reads; i++) {
      const at = date + 10 * HOUR + Math.floor((i * 6 * HOUR) / Math.max(1, reads));
      out.push(
        record({
          actor: r.actor,
          at,
          api: 's3:GetObject',
          bucket: SENSITIVE_BUCKET,
          bytes: 2_000_000,
          ip: r.ip,
          ua: r.ua,
          mfa: r.mfa,
        }),
      );
    }
  }
  return out;
};

/** A scorer wired as in Lambda, over memory stores unless given others, with its own peers. */
export const scorer = (
  config: VigilConfigInput = {},
  states: PrincipalStateStore = new MemoryPrincipalStateStore(),
) => {
  const peers = new PeerBook();
  const findings = new MemoryFindingStore();
  const deps: ScoreDeps = {
    config: parseConfig({ sensitiveBuckets: [SENSITIVE_BUCKET], ...config }),
    detectors: createBaselineDetectors(peers),
    baseline: createBaselineModel({ peers }),
    geo: fakeGeo,
    states,
    findings,
    audit: new MemoryAuditLog(),
    publisher: new MemoryFindingPublisher(),
    clock: { now: () => MONDAY + 365 * DAY },
  };
  return {
    deps,
    peers,
    /** Scores records in time order, 500 at a time, learning. */
    async run(records: readonly CloudTrailRecord[]): Promise<void> {
      const all = events(records);
      for (let i = 0; i < all.length; i += 500) await scoreEvents(all.slice(i, i + 500), deps, { learn: true });
    },
    /** Every finding stored, oldest first. */
    findings: (): Finding[] => findings.all().map((s) => s.finding),
    async state(key: string): Promise<PrincipalState> {
      const state = (await states.getMany([key])).get(key);
      if (!state) throw new Error(`no state for ${key}`);
      return state;
    },
  };
};

/** The principal key of an actor. */
export const keyOf = (actor: Actor): string =>
  'user' in actor ? `user:${ACCOUNT}:${actor.user}` : `person:${actor.person.toLowerCase()}`;

/** Findings of one detector, as [severity, title]. */
export const hitsOf = (findings: readonly Finding[], detector: string): [string, string][] =>
  findings.filter((f) => f.detector === detector).map((f) => [f.severity, f.title]);
