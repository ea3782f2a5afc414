/**
 * Normal work: what each person, contractor and machine role does on an ordinary day. Volumes,
 * hours, networks and tools follow the job; the scenarios (./scenarios.ts) are planted on top.
 */
import type { CloudTrailUserIdentity } from '../../lambdas/core/cloudtrail.ts';
import { API, type ApiDef, type ApiKey, type ApiMix, TERRAFORM_MIX } from './apis.ts';
import {
  ACCOUNTS,
  type AccountResources,
  type Assignment,
  addressIn,
  type Contractor,
  CUSTOMER_BUCKET,
  cliCommand,
  FINANCE_BUCKET,
  GLOBAL_REGION,
  MAIN_REGION,
  type MachineRole,
  memoise,
  type Organisation,
  type Person,
  type Tool,
  type Tools,
} from './organisation.ts';
import type { Rng } from './random.ts';
import {
  accessKeyId,
  assumedRoleIdentity,
  type Call,
  consoleLogin,
  iamUserIdentity,
  type RoleRef,
  roleArn,
  type S3Caller,
  s3DataEvent,
  serviceAssumeRole,
  serviceIdentity,
  signInIdentity,
  webIdentityUser,
} from './records.ts';
import { awsDate, DAY, HOUR, localTime, MINUTE, type TimeZone, weekday } from './time.ts';

/** Receives the calls an actor makes, with their times. */
export interface Emitter {
  emit(t: number, call: Call): void;
}

/** Who makes a run of calls, from where, with what. */
export interface Caller {
  readonly identity: CloudTrailUserIdentity;
  readonly account: string;
  readonly ip: string;
  readonly userAgent: (def: ApiDef) => string;
  readonly console?: boolean;
}

/** The resources of the account a call lands in. */
export const resourcesOf = (org: Organisation, account: string): AccountResources =>
  account === ACCOUNTS.production
    ? org.resources.production
    : account === ACCOUNTS.development
      ? org.resources.development
      : org.resources.management;

const serviceOf = (def: ApiDef): string => def.source.replace('.amazonaws.com', '').replace('monitoring', 'cloudwatch');

/** The error CloudTrail records when the caller lacks the permission. */
export const denial = (def: ApiDef, arn: string): { code: string; message: string } => {
  const service = serviceOf(def);
  const action = def.action ?? `${service}:${def.name}`;
  const because = `User: ${arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
  if (service === 'ec2')
    return {
      code: 'Client.UnauthorizedOperation',
      message: `You are not authorized to perform this operation. ${because}`,
    };
  if (service === 'iam' || service === 'sts' || service === 's3') return { code: 'AccessDenied', message: because };
  return { code: 'AccessDeniedException', message: because };
};

/** One API call by `caller` at `t`. */
export const callApi = (
  org: Organisation,
  rng: Rng,
  caller: Caller,
  def: ApiDef,
  t: number,
  opts: {
    readonly denied?: boolean;
    readonly request?: Record<string, unknown> | null;
    readonly response?: Record<string, unknown> | null;
    readonly region?: string;
  } = {},
): Call => {
  const region = opts.region ?? (def.global ? GLOBAL_REGION : MAIN_REGION);
  const ctx = { rng, res: resourcesOf(org, caller.account), region, t };
  const request = opts.request !== undefined ? opts.request : (def.request?.(ctx) ?? null);
  const response = opts.response !== undefined ? opts.response : (def.response?.(ctx) ?? null);
  return {
    identity: caller.identity,
    account: caller.account,
    region,
    ip: caller.ip,
    userAgent: caller.userAgent(def),
    source: def.source,
    name: def.name,
    readOnly: def.readOnly,
    request,
    response,
    ...(opts.denied ? { error: denial(def, caller.identity.arn ?? 'unknown') } : {}),
    ...(caller.console ? { console: true } : {}),
  };
};

/** Sorted random times in `[start, start + span)`, bunched the way people click and scripts loop. */
export const timesIn = (rng: Rng, start: number, span: number, n: number): number[] => {
  const out: number[] = [];
  const clusters = Math.max(1, Math.round(n / 12));
  const centres = Array.from({ length: clusters }, () => start + rng.next() * span);
  for (let i = 0; i < n; i++) {
    const centre = centres[i % clusters] ?? start;
    const t = rng.chance(0.7) ? centre + rng.normal(0, span / (clusters * 6)) : start + rng.next() * span;
    out.push(Math.min(start + span - 1, Math.max(start, t)));
  }
  return out.sort((a, b) => a - b);
};

const readMixes = new WeakMap<ApiMix, ApiMix>();
const readOnlyMix = (mix: ApiMix): ApiMix => {
  let read = readMixes.get(mix);
  if (!read) {
    read = mix.filter(([, key]) => API[key].readOnly);
    readMixes.set(mix, read);
  }
  return read;
};

/** The user agent a tool sends for a call. */
export const userAgentFor = (tools: Tools, tool: Tool): ((def: ApiDef) => string) => {
  switch (tool) {
    case 'console':
      return () => tools.browser;
    case 'cli':
      return (def) => tools.cli(cliCommand(def.source, def.name));
    case 'boto3':
      return () => tools.boto3;
    case 'terraform':
      return (def) => tools.terraform(serviceOf(def));
  }
};

/** An Identity Center session of a person in one account. */
export const ssoSession = (p: Person, role: RoleRef, start: number, rng: Rng): CloudTrailUserIdentity =>
  assumedRoleIdentity(role, {
    name: p.sessionName,
    accessKeyId: accessKeyId(rng, 'ASIA'),
    created: start - rng.int(1, 40) * MINUTE,
  });

/**
 * A person's session: signs in (console) or picks up SSO credentials (CLI, SDK), chains into
 * `ops-admin` with a source identity where the assignment says so, and makes `events` calls.
 */
export const personSession = (
  org: Organisation,
  p: Person,
  assignment: Assignment,
  tool: Tool,
  start: number,
  duration: number,
  ip: string,
  events: number,
  rng: Rng,
  out: Emitter,
  opts: { readonly denyRate: number; readonly mix?: ApiMix },
): void => {
  const account = assignment.role.account;
  let identity = ssoSession(p, assignment.role, start, rng);
  const userAgent = userAgentFor(p.tools, tool);
  let t = start;
  if (tool === 'console') {
    out.emit(t, consoleLogin(identity, account, ip, p.tools.browser, { mfaUsed: false, success: true }));
    // The console's home page asks AWS Health for open issues through an internal endpoint.
    out.emit(t + rng.int(2, 6) * 1000, {
      ...callApi(org, rng, { identity, account, ip: 'AWS Internal', userAgent: () => 'AWS Internal' }, HEALTH, t),
      console: true,
    });
    t += 10_000;
  } else if (assignment.chainTo) {
    const chainTo = assignment.chainTo;
    const caller: Caller = { identity, account, ip, userAgent };
    out.emit(t, assumeRoleCall(org, rng, caller, chainTo, p.sessionName, p.email, t));
    identity = assumedRoleIdentity(chainTo, {
      name: p.sessionName,
      accessKeyId: accessKeyId(rng, 'ASIA'),
      created: t,
      sourceIdentity: p.email,
    });
    t += 5_000;
  }
  const caller: Caller = { identity, account, ip, userAgent, ...(tool === 'console' ? { console: true } : {}) };
  const base = tool === 'terraform' ? TERRAFORM_MIX : (opts.mix ?? assignment.mix);
  const mix = assignment.readOnly || tool === 'terraform' ? readOnlyMix(base) : base;
  const writable = account === ACCOUNTS.development || p.job === 'sre';
  for (const at of timesIn(rng, t, duration, events)) {
    const def: ApiDef = API[rng.weighted(mix)];
    // Writes outside the accounts a job may change fail; so does the odd call anyone makes.
    const denied = (!def.readOnly && !writable) || rng.chance(opts.denyRate);
    out.emit(at, callApi(org, rng, caller, def, at, { denied }));
  }
};

const HEALTH: ApiDef = {
  source: 'health.amazonaws.com',
  name: 'DescribeEventAggregates',
  readOnly: true,
  global: true,
  request: () => ({ aggregateField: 'eventTypeCategory', filter: { eventStatusCodes: ['open', 'upcoming'] } }),
};

/** `sts:AssumeRole` by a caller into `role`, setting a source identity when given. */
export const assumeRoleCall = (
  org: Organisation,
  rng: Rng,
  caller: Caller,
  role: RoleRef,
  sessionName: string,
  sourceIdentity: string | null,
  t: number,
): Call =>
  callApi(org, rng, caller, STS_ASSUME_ROLE, t, {
    request: {
      roleArn: roleArn(role),
      roleSessionName: sessionName,
      durationSeconds: 3600,
      ...(sourceIdentity ? { sourceIdentity } : {}),
    },
    response: {
      credentials: {
        accessKeyId: accessKeyId(rng, 'ASIA'),
        sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
        expiration: awsDate(t + HOUR),
      },
      assumedRoleUser: {
        assumedRoleId: `${role.roleId}:${sessionName}`,
        arn: `arn:aws:sts::${role.account}:assumed-role/${role.name}/${sessionName}`,
      },
      ...(sourceIdentity ? { sourceIdentity } : {}),
    },
  });

const STS_ASSUME_ROLE: ApiDef = { source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true };

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A key in the customer-data lake: yesterday's and older partitions. */
export const customerObjectKey = (rng: Rng, t: number, maxAgeDays = 30): string => {
  const d = new Date(t - rng.int(1, maxAgeDays) * DAY);
  return `customers/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)}/part-${pad(rng.int(0, 199), 5)}.snappy.parquet`;
};

const REPORTS = [
  'revenue-by-region',
  'ar-aging',
  'payroll-summary',
  'board-pack',
  'gl-export',
  'cash-forecast',
  'vendor-spend',
];

/** A key in the finance reports bucket. */
export const financeObjectKey = (rng: Rng, t: number): string => {
  const d = new Date(t);
  const quarter = Math.floor(d.getUTCMonth() / 3) + 1;
  const q = rng.chance(0.7) ? quarter : Math.max(1, quarter - 1);
  return `reports/${d.getUTCFullYear()}/Q${q}/${rng.pick(REPORTS)}-${pad(rng.int(1, 40), 2)}.xlsx`;
};

/** Bytes in a customer-data object. */
export const customerObjectBytes = (rng: Rng): number => Math.round(rng.logNormal(24_000_000, 0.5));
/** Bytes in a finance report. */
export const financeObjectBytes = (rng: Rng): number => Math.round(rng.logNormal(1_500_000, 0.8));

/** A run of downloads from a sensitive bucket: a listing, then `n` objects. */
export const downloads = (rng: Rng, caller: Caller, bucket: string, times: readonly number[], out: Emitter): void => {
  const customer = bucket === CUSTOMER_BUCKET;
  const first = times[0];
  if (first === undefined) return;
  out.emit(
    first - rng.int(2, 20) * 1000,
    s3DataEvent(
      s3Caller(caller, LIST_OBJECTS),
      'ListObjects',
      bucket,
      ACCOUNTS.production,
      customer ? 'customers/' : 'reports/',
      rng.int(4_000, 40_000),
      rng,
    ),
  );
  const getCaller = s3Caller(caller, GET_OBJECT);
  for (const t of times) {
    const key = customer ? customerObjectKey(rng, t) : financeObjectKey(rng, t);
    const bytes = customer ? customerObjectBytes(rng) : financeObjectBytes(rng);
    out.emit(t, s3DataEvent(getCaller, 'GetObject', bucket, ACCOUNTS.production, key, bytes, rng));
  }
};

/** The caller as an S3 data event needs it: S3 lives in the main region. */
export const s3Caller = (caller: Caller, def: ApiDef = GET_OBJECT): S3Caller => ({
  identity: caller.identity,
  account: caller.account,
  region: MAIN_REGION,
  ip: caller.ip,
  userAgent: caller.userAgent(def),
});

const LIST_OBJECTS: ApiDef = { source: 's3.amazonaws.com', name: 'ListObjectsV2', readOnly: true };
const GET_OBJECT: ApiDef = { source: 's3.amazonaws.com', name: 'GetObject', readOnly: true };

/** Where a person works today. */
const todaysAddress = (p: Person, day: number, dow: number, rng: Rng): string => {
  const home = (p.homeChangeDay !== null && day >= p.homeChangeDay ? p.homeIps[1] : p.homeIps[0]) ?? '';
  if (!p.officeIp) return home;
  // Hybrid work: mostly in the office midweek.
  return rng.chance(dow >= 2 && dow <= 4 ? 0.7 : 0.25) ? p.officeIp : home;
};

/** One person's ordinary day. */
export const personDay = (org: Organisation, p: Person, day: number, date: number, rng: Rng, out: Emitter): void => {
  if (day < p.firstDay || p.daysOff.has(day)) return;
  const away = p.travel && day >= p.travel.from && day <= p.travel.to ? p.travel : null;
  const tz: TimeZone = away?.tz ?? p.tz;
  const dow = weekday(date);
  const workday = dow >= 1 && dow <= 5;
  if (!workday && !rng.chance(0.05)) return;
  const joining = p.firstDay > 0 && day - p.firstDay < 3;
  const address = away?.ip ?? todaysAddress(p, day, dow, rng);
  const dayStart = localTime(tz, date, p.startHour + rng.normal(0, 0.3));
  const length = workday ? Math.max(4, p.hours + rng.normal(0, 0.5)) : rng.range(0.5, 1.5);
  const sessions = workday ? rng.int(2, 4) : 1;
  for (let s = 0; s < sessions; s++) {
    const slot = length / sessions;
    const start = dayStart + (slot * s + rng.range(0, slot * 0.3)) * HOUR;
    const duration = Math.min(slot * 0.9, rng.range(0.4, 1.8)) * HOUR;
    const ip = !away && rng.chance(0.06) ? p.vpnIp : address;
    const assignment = rng.weighted(p.assignments.map((a) => [a.weight, a] as const));
    const tool = joining && s === 0 ? 'console' : rng.weighted(p.toolMix);
    const volume = p.sessionEvents * (joining ? 1.4 : 1) * (workday ? 1 : 0.4);
    const events = Math.max(3, Math.round(rng.logNormal(volume, 0.45)));
    personSession(org, p, assignment, tool, start, duration, ip, events, rng, out, {
      denyRate: joining ? 0.08 : 0.012,
    });
  }
  if (!workday) return;
  const reader = p.assignments[0];
  if (!reader) return;
  const boost = p.readBoost.get(day) ?? 1;
  for (const [bucket, perDay] of [
    [CUSTOMER_BUCKET, p.customerReads],
    [FINANCE_BUCKET, p.financeReads * boost],
  ] as const) {
    if (perDay <= 0) continue;
    const total = Math.max(1, Math.round(rng.logNormal(perDay, 0.3)));
    const bursts = Math.min(total, rng.int(1, 3));
    for (let b = 0; b < bursts; b++) {
      const n = Math.round(total / bursts);
      const start = dayStart + rng.range(0.5, length - 0.8) * HOUR;
      const tool: Tool = p.job === 'finance' ? 'console' : rng.chance(0.7) ? 'boto3' : 'cli';
      const caller: Caller = {
        identity: ssoSession(p, reader.role, start, rng),
        account: reader.role.account,
        ip: address,
        userAgent: userAgentFor(p.tools, tool),
      };
      const spacing = p.job === 'finance' ? rng.range(20, 90) : rng.range(2, 12);
      downloads(rng, caller, bucket, steadyTimes(rng, start, n, spacing * 1000), out);
    }
  }
};

/** `n` times from `start`, about `spacing` ms apart. */
export const steadyTimes = (rng: Rng, start: number, n: number, spacing: number): number[] => {
  const out: number[] = [];
  let t = start;
  for (let i = 0; i < n; i++) {
    out.push(t);
    t += Math.max(200, rng.logNormal(spacing, 0.5));
  }
  return out;
};

/** A contractor's day: IAM user, console with MFA, CLI with a key or MFA session credentials. */
export const contractorDay = (
  org: Organisation,
  c: Contractor,
  day: number,
  date: number,
  rng: Rng,
  out: Emitter,
): void => {
  if (c.daysOff.has(day)) return;
  const dow = weekday(date);
  if (!c.workdays.includes(dow)) return;
  const away = c.travel && day >= c.travel.from && day <= c.travel.to ? c.travel : null;
  const tz = away?.tz ?? c.tz;
  const ip = away?.ip ?? c.homeIp;
  const user = c.user;
  const key = user.accessKeys[0] ?? '';
  const start = localTime(tz, date, c.startHour + rng.normal(0, 0.3));
  const length = c.hours + rng.normal(0, 0.4);
  // Morning: console, signed in with MFA.
  const consoleIdentity = iamUserIdentity(user, accessKeyId(rng, 'ASIA'), { created: start, mfa: true });
  out.emit(
    start,
    consoleLogin(signInIdentity(user, true), user.account, ip, c.tools.browser, { mfaUsed: true, success: true }),
  );
  const consoleCaller: Caller = {
    identity: consoleIdentity,
    account: user.account,
    ip,
    userAgent: () => c.tools.browser,
    console: true,
  };
  const sessionEvents = Math.round(rng.logNormal(18, 0.4));
  for (const at of timesIn(rng, start + 20_000, rng.range(0.5, 1.5) * HOUR, sessionEvents)) {
    const def: ApiDef = API[rng.weighted(DATA_ENGINEERING_READS)];
    out.emit(at, callApi(org, rng, consoleCaller, def, at, { denied: rng.chance(0.01) }));
  }
  // Afternoon: the CLI.
  const cliStart = start + rng.range(2, Math.max(2.5, length - 1.5)) * HOUR;
  const longTermCaller: Caller = {
    identity: iamUserIdentity(user, key),
    account: user.account,
    ip,
    userAgent: (def) => c.tools.cli(cliCommand(def.source, def.name)),
  };
  let cliCaller = longTermCaller;
  if (c.mfaCli) {
    out.emit(
      cliStart,
      callApi(org, rng, longTermCaller, GET_SESSION_TOKEN, cliStart, {
        request: { durationSeconds: 43200, serialNumber: `arn:aws:iam::${user.account}:mfa/${user.userName}` },
        response: {
          credentials: {
            accessKeyId: accessKeyId(rng, 'ASIA'),
            sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
            expiration: awsDate(cliStart + 12 * HOUR),
          },
        },
      }),
    );
    cliCaller = {
      ...longTermCaller,
      identity: iamUserIdentity(user, accessKeyId(rng, 'ASIA'), { created: cliStart, mfa: true }),
    };
  }
  const cliEvents = Math.round(rng.logNormal(30, 0.4));
  for (const at of timesIn(rng, cliStart + 10_000, rng.range(0.7, 2) * HOUR, cliEvents)) {
    const def: ApiDef = API[rng.weighted(DATA_ENGINEERING_READS)];
    out.emit(at, callApi(org, rng, cliCaller, def, at, { denied: rng.chance(0.01) }));
  }
};

const GET_SESSION_TOKEN: ApiDef = { source: 'sts.amazonaws.com', name: 'GetSessionToken', readOnly: true };

const DATA_ENGINEERING_READS: ApiMix = [
  [6, 'glue:GetJobRuns'],
  [5, 'glue:GetTable'],
  [3, 'glue:GetPartitions'],
  [6, 'athena:StartQueryExecution'],
  [10, 'athena:GetQueryExecution'],
  [5, 'athena:GetQueryResults'],
  [4, 'logs:StartQuery'],
  [6, 'logs:GetQueryResults'],
  [3, 's3:ListBuckets'],
  [2, 'sts:GetCallerIdentity'],
  [2, 'cloudwatch:GetMetricData'],
];

const runnerAgent = memoise(
  (command) =>
    `aws-cli/2.18.5 md/awscrt#0.22.0 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#${command}`,
);
const RUNNER_AGENT = (def: ApiDef): string => runnerAgent(cliCommand(def.source, def.name));

const terraformCiAgent = memoise(
  (service) =>
    `APN/1.0 HashiCorp/1.0 Terraform/1.9.6 (+https://www.terraform.io) terraform-provider-aws/5.70.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.31.0 ua/2.1 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64 api/${service}#1.34.0`,
);
const TERRAFORM_CI_AGENT = (def: ApiDef): string => terraformCiAgent(serviceOf(def));

const ASSUME_WEB_IDENTITY: ApiDef = { source: 'sts.amazonaws.com', name: 'AssumeRoleWithWebIdentity', readOnly: true };

/** A GitHub Actions job exchanging its OIDC token for a role session; returns the session. */
export const githubSession = (
  org: Organisation,
  rng: Rng,
  role: MachineRole,
  repo: string,
  ref: string,
  t: number,
  ip: string,
  out: Emitter,
  userAgent: (def: ApiDef) => string,
): Caller => {
  const provider = org.githubProviderArn(role.account);
  const subject = `repo:acme/${repo}:${ref}`;
  const caller: Caller = { identity: webIdentityUser(provider, subject), account: role.account, ip, userAgent };
  const key = accessKeyId(rng, 'ASIA');
  out.emit(
    t,
    callApi(org, rng, caller, ASSUME_WEB_IDENTITY, t, {
      request: { roleArn: roleArn(role), roleSessionName: 'GitHubActions', durationSeconds: 3600 },
      response: {
        credentials: {
          accessKeyId: key,
          sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
          expiration: awsDate(t + HOUR),
        },
        subjectFromWebIdentityToken: subject,
        assumedRoleUser: {
          assumedRoleId: `${role.roleId}:GitHubActions`,
          arn: `arn:aws:sts::${role.account}:assumed-role/${role.name}/GitHubActions`,
        },
        provider,
        audience: 'sts.amazonaws.com',
      },
    }),
  );
  return {
    identity: assumedRoleIdentity(role, {
      name: 'GitHubActions',
      accessKeyId: key,
      created: t,
      webIdentityProvider: provider,
    }),
    account: role.account,
    ip,
    userAgent,
  };
};

/** An IAM change terraform applies. */
export interface TerraformChange {
  readonly name: string;
  readonly request: Record<string, unknown>;
  readonly response?: Record<string, unknown>;
}

const iamWrite = (name: string): ApiDef => ({ source: 'iam.amazonaws.com', name, readOnly: false, global: true });

/** Routine IAM changes: the automation role's everyday work. */
const routineChange = (rng: Rng, res: AccountResources): TerraformChange => {
  const role = rng.pick(res.roles.slice(0, 4));
  return rng.weighted<TerraformChange>([
    [
      3,
      {
        name: 'PutRolePolicy',
        request: {
          roleName: role,
          policyName: 'inline-access',
          policyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
                Resource: `arn:aws:sqs:${MAIN_REGION}:${res.account}:${role}-*`,
              },
            ],
          }),
        },
      },
    ],
    [2, { name: 'TagRole', request: { roleName: role, tags: [{ key: 'cost-centre', value: 'platform' }] } }],
    [
      2,
      {
        name: 'CreatePolicyVersion',
        request: {
          policyArn: `arn:aws:iam::${res.account}:policy/${rng.pick(res.policies)}`,
          policyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::acme-analytics-lake/*' }],
          }),
          setAsDefault: true,
        },
      },
    ],
    [
      1,
      {
        name: 'AttachRolePolicy',
        request: { roleName: role, policyArn: 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy' },
      },
    ],
  ]);
};

/** One terraform apply from the infrastructure repository's pipeline. */
export const terraformApply = (
  org: Organisation,
  role: MachineRole,
  t: number,
  rng: Rng,
  out: Emitter,
  changes: readonly TerraformChange[],
): number => {
  const ip = addressIn(rng, 'githubRunners');
  const caller = githubSession(org, rng, role, 'infrastructure', 'ref:refs/heads/main', t, ip, out, TERRAFORM_CI_AGENT);
  const reads = rng.int(40, 110);
  const refreshEnd = t + rng.range(60, 240) * 1000;
  for (const at of timesIn(rng, t + 4000, refreshEnd - t, reads)) {
    out.emit(at, callApi(org, rng, caller, API[rng.weighted(readOnlyMix(TERRAFORM_MIX))], at));
  }
  let at = refreshEnd;
  for (const change of changes) {
    at += rng.int(2, 15) * 1000;
    out.emit(
      at,
      callApi(org, rng, caller, iamWrite(change.name), at, {
        request: change.request,
        response: change.response ?? null,
      }),
    );
  }
  return at;
};

/** The infrastructure pipeline: a few applies every working day in each account. */
export const terraformDay = (
  org: Organisation,
  role: MachineRole,
  date: number,
  rng: Rng,
  out: Emitter,
  planned: readonly { readonly t: number; readonly changes: readonly TerraformChange[] }[],
): void => {
  for (const run of planned) terraformApply(org, role, run.t, rng, out, run.changes);
  const dow = weekday(date);
  if (dow === 0 || dow === 6) return;
  const res = resourcesOf(org, role.account);
  const applies = rng.int(1, 4);
  for (let i = 0; i < applies; i++) {
    const t = localTime('Europe/London', date, rng.range(9.5, 17.5));
    const changes = Array.from(
      {
        length: rng.weighted([
          [3, 0],
          [3, 1],
          [2, 2],
          [1, 3],
        ]),
      },
      () => routineChange(rng, res),
    );
    terraformApply(org, role, t, rng, out, changes);
  }
};

/** Application builds and deploys from GitHub Actions. */
export const ciDay = (org: Organisation, role: MachineRole, date: number, rng: Rng, out: Emitter): void => {
  const dow = weekday(date);
  const weekend = dow === 0 || dow === 6;
  const prod = role.account === ACCOUNTS.production;
  const runs = prod ? (weekend ? 0 : rng.int(1, 4)) : weekend ? rng.int(0, 2) : rng.int(6, 18);
  const res = resourcesOf(org, role.account);
  for (let i = 0; i < runs; i++) {
    const t = localTime('Europe/London', date, rng.range(8.5, 19));
    const service = rng.pick(res.services);
    const ref = prod ? 'environment:production' : rng.chance(0.6) ? 'pull_request' : 'ref:refs/heads/main';
    const caller = githubSession(org, rng, role, service, ref, t, addressIn(rng, 'githubRunners'), out, RUNNER_AGENT);
    let at = t + rng.int(5, 20) * 1000;
    const step = (key: ApiKey, request?: Record<string, unknown>) => {
      at += rng.int(2, 40) * 1000;
      out.emit(at, callApi(org, rng, caller, API[key], at, request ? { request } : {}));
    };
    step('ecr:GetAuthorizationToken');
    for (let l = rng.int(2, 5); l > 0; l--)
      step('ecr:BatchCheckLayerAvailability', { repositoryName: service, layerDigests: [`sha256:${rng.hex(64)}`] });
    for (let l = rng.int(1, 3); l > 0; l--) {
      step('ecr:InitiateLayerUpload', { repositoryName: service });
      step('ecr:CompleteLayerUpload', { repositoryName: service, layerDigests: [`sha256:${rng.hex(64)}`] });
    }
    step('ecr:PutImage', { repositoryName: service, imageTag: rng.hex(7) });
    if (rng.chance(0.5)) {
      step('ecs:RegisterTaskDefinition', {
        family: service,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
      });
      step('ecs:UpdateService', { cluster: res.cluster, service, taskDefinition: service });
      step('ecs:DescribeServices', { cluster: res.cluster, services: [service] });
    } else {
      step('lambda:UpdateFunctionCode');
      step('lambda:GetFunction');
    }
    step('cloudformation:DescribeStacks');
  }
};

const SSM_AGENT = 'aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.987.0';
const NODE_APP = memoise(
  (api) =>
    `aws-sdk-js/3.658.1 ua/2.1 os/linux#6.1.109-118.189.amzn2023.x86_64 lang/js md/nodejs#20.17.0 api/${api}#3.658.1`,
);

/** Application servers: the SSM agent checking in, the app reading its secret. */
export const appServerDay = (org: Organisation, date: number, rng: Rng, out: Emitter): void => {
  const role = org.roles.appServer;
  for (const instance of org.appInstances) {
    for (let h = 0; h < 24; h++) {
      const hourStart = date + h * HOUR;
      if (h % 6 === 0) {
        out.emit(
          hourStart + rng.int(0, 60) * 1000,
          serviceAssumeRole(rng, 'ec2.amazonaws.com', role, instance.id, MAIN_REGION, hourStart),
        );
      }
      const identity = assumedRoleIdentity(role, {
        name: instance.id,
        accessKeyId: accessKeyId(rng.fork(`${instance.id}/${Math.floor(h / 6)}`), 'ASIA'),
        created: date + Math.floor(h / 6) * 6 * HOUR,
        ec2: true,
      });
      const agent: Caller = { identity, account: role.account, ip: instance.ip, userAgent: () => SSM_AGENT };
      const ping = hourStart + rng.int(0, 3599) * 1000;
      out.emit(
        ping,
        callApi(org, rng, agent, API['ssm:UpdateInstanceInformation'], ping, {
          request: {
            instanceId: instance.id,
            agentVersion: '3.3.987.0',
            agentStatus: 'Active',
            platformType: 'Linux',
            platformName: 'Amazon Linux',
            platformVersion: '2023',
          },
        }),
      );
      const app: Caller = {
        identity,
        account: role.account,
        ip: instance.ip,
        userAgent: () => NODE_APP('secrets-manager'),
      };
      const read = hourStart + rng.int(0, 3599) * 1000;
      out.emit(
        read,
        callApi(org, rng, app, API['secretsmanager:GetSecretValue'], read, {
          request: { secretId: 'prod/orders-api/database' },
        }),
      );
      out.emit(
        read + 40,
        callApi(org, rng, { ...app, userAgent: () => NODE_APP('kms') }, API['kms:Decrypt'], read + 40, {
          request: {
            encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
            encryptionContext: {
              SecretARN: `arn:aws:secretsmanager:${MAIN_REGION}:${role.account}:secret:prod/orders-api/database-${rng.upperAlnum(6)}`,
            },
          },
        }),
      );
    }
  }
};

/** The orders Lambda: cold starts read its configuration secret. */
export const lambdaDay = (org: Organisation, date: number, rng: Rng, out: Emitter): void => {
  const role = org.roles.ordersProcessor;
  const lambdaAgent =
    'aws-sdk-js/3.658.1 ua/2.1 os/linux#5.10.227-239.884.amzn2.x86_64 lang/js md/nodejs#20.17.0 api/secrets-manager#3.658.1 exec-env/AWS_Lambda_nodejs20.x';
  for (let h = 0; h < 24; h++) {
    const starts = h >= 7 && h < 22 ? rng.int(1, 3) : rng.chance(0.4) ? 1 : 0;
    for (let s = 0; s < starts; s++) {
      const t = date + h * HOUR + rng.int(0, 3599) * 1000;
      out.emit(t, serviceAssumeRole(rng, 'lambda.amazonaws.com', role, 'orders-processor', MAIN_REGION, t));
      const identity = assumedRoleIdentity(role, {
        name: 'orders-processor',
        accessKeyId: accessKeyId(rng, 'ASIA'),
        created: t,
      });
      const caller: Caller = {
        identity,
        account: role.account,
        ip: org.lambdaIps[rng.int(0, org.lambdaIps.length - 1)] ?? '',
        userAgent: () => lambdaAgent,
      };
      out.emit(
        t + 300,
        callApi(org, rng, caller, API['secretsmanager:GetSecretValue'], t + 300, {
          request: { secretId: 'prod/orders-processor/config' },
        }),
      );
      out.emit(t + 340, callApi(org, rng, caller, API['kms:Decrypt'], t + 340));
    }
  }
};

/** The nightly data pipeline: an ECS task reads yesterday's customer data and the ledgers at 02:00. */
export const pipelineRun = (org: Organisation, date: number, rng: Rng, out: Emitter): void => {
  const role = org.roles.dataPipeline;
  const t = date + 2 * HOUR + rng.int(0, 300) * 1000;
  const taskId = rng.hex(32);
  out.emit(t, serviceAssumeRole(rng, 'ecs-tasks.amazonaws.com', role, taskId, MAIN_REGION, t));
  const identity = assumedRoleIdentity(role, { name: taskId, accessKeyId: accessKeyId(rng, 'ASIA'), created: t });
  const boto =
    'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10.226-214.880.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython exec-env/AWS_ECS_FARGATE cfg/retry-mode#legacy Botocore/1.35.36';
  const caller = s3Caller({ identity, account: role.account, ip: rng.pick(org.pipelineIps), userAgent: () => boto });
  const customers = steadyTimes(rng, t + 20_000, rng.int(380, 620), 3_500);
  const yesterday = date - DAY;
  const d = new Date(yesterday);
  const prefix = `customers/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)}/`;
  const listAt = (customers[0] ?? t) - 5_000;
  out.emit(
    listAt,
    s3DataEvent(caller, 'ListObjects', CUSTOMER_BUCKET, role.account, prefix, rng.int(20_000, 60_000), rng),
  );
  customers.forEach((at, i) => {
    const key = `${prefix}part-${pad(i, 5)}.snappy.parquet`;
    out.emit(at, s3DataEvent(caller, 'GetObject', CUSTOMER_BUCKET, role.account, key, customerObjectBytes(rng), rng));
  });
  const last = customers[customers.length - 1] ?? t;
  const ledgers = steadyTimes(rng, last + 30_000, rng.int(20, 40), 2_000);
  for (const at of ledgers) {
    out.emit(
      at,
      s3DataEvent(
        caller,
        'GetObject',
        FINANCE_BUCKET,
        role.account,
        `ledger/${yesterdayKey(d)}/${rng.pick(REPORTS)}.csv`,
        financeObjectBytes(rng),
        rng,
      ),
    );
  }
  let at = (ledgers[ledgers.length - 1] ?? last) + 10_000;
  for (const key of [
    'glue:GetTable',
    'glue:GetPartitions',
    'athena:StartQueryExecution',
    'athena:GetQueryExecution',
  ] as const) {
    at += rng.int(3, 30) * 1000;
    out.emit(at, callApi(org, rng, { ...caller, userAgent: () => boto }, API[key], at));
  }
};

const yesterdayKey = (d: Date): string =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;

/** The BI tool's service user pulls dashboards from the finance bucket four times a day. */
export const biExportDay = (org: Organisation, day: number, date: number, rng: Rng, out: Emitter): void => {
  const user = org.users.biExport;
  const java =
    'aws-sdk-java/2.28.11 Linux/5.10.225-213.878.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. md/io#sync md/http#Apache ua/2.1 cfg/retry-mode#legacy';
  for (const hour of [6, 10, 14, 18]) {
    const t = date + hour * HOUR + rng.int(0, 600) * 1000;
    // After the rotation terraform applies, the tool switches to the new key at its next refresh.
    const rotated =
      org.biKeyRotationDay >= 0 && (day > org.biKeyRotationDay || (day === org.biKeyRotationDay && hour >= 14));
    const key = (rotated ? user.accessKeys[1] : user.accessKeys[0]) ?? '';
    const caller = s3Caller({
      identity: iamUserIdentity(user, key),
      account: user.account,
      ip: rng.pick(org.biIps),
      userAgent: () => java,
    });
    const times = steadyTimes(rng, t + 3_000, rng.int(6, 12), 1_500);
    const first = times[0] ?? t;
    out.emit(
      first - 2_000,
      s3DataEvent(caller, 'ListObjects', FINANCE_BUCKET, user.account, 'dashboards/', rng.int(2_000, 9_000), rng),
    );
    for (const at of times) {
      out.emit(
        at,
        s3DataEvent(
          caller,
          'GetObject',
          FINANCE_BUCKET,
          user.account,
          `dashboards/${rng.pick(REPORTS)}.parquet`,
          financeObjectBytes(rng),
          rng,
        ),
      );
    }
  }
};

const jenkinsAgent = memoise(
  (command) =>
    `aws-cli/1.34.26 md/Botocore#1.35.26 ua/2.0 os/linux#5.15.0-1070-aws md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.35.26 command/${command}`,
);

/** The legacy Jenkins server's IAM user: a nightly build and daytime builds, from the office. */
export const ciLegacyDay = (org: Organisation, date: number, rng: Rng, out: Emitter): void => {
  const user = org.users.ciLegacy;
  const agent = (def: ApiDef) => jenkinsAgent(cliCommand(def.source, def.name));
  const caller: Caller = {
    identity: iamUserIdentity(user, user.accessKeys[0] ?? ''),
    account: user.account,
    ip: org.jenkinsIp,
    userAgent: agent,
  };
  const dow = weekday(date);
  const builds = [localTime('Europe/London', date, 1.5 + rng.range(0, 0.3))];
  if (dow >= 1 && dow <= 5)
    for (let i = rng.int(2, 6); i > 0; i--) builds.push(localTime('Europe/London', date, rng.range(9, 18)));
  for (const t of builds) {
    let at = t;
    for (const key of [
      'sts:GetCallerIdentity',
      'cloudformation:DescribeStacks',
      'ecr:GetAuthorizationToken',
      'ecr:PutImage',
      'lambda:UpdateFunctionCode',
      'lambda:GetFunction',
      'cloudformation:DescribeStackEvents',
    ] as const) {
      at += rng.int(3, 90) * 1000;
      out.emit(at, callApi(org, rng, caller, API[key], at));
    }
  }
};

const TRAIL_KEY = '6f1c2b7e-93d4-4a58-b0e1-2c7d9a4f3e15';

/** AWS services acting on their own: CloudTrail encrypting its log files. */
export const servicesDay = (date: number, rng: Rng, out: Emitter): void => {
  for (const account of [ACCOUNTS.management]) {
    for (let h = 0; h < 24; h++) {
      const t = date + h * HOUR + rng.int(0, 3599) * 1000;
      out.emit(t, {
        identity: serviceIdentity('cloudtrail.amazonaws.com'),
        account,
        region: MAIN_REGION,
        ip: 'cloudtrail.amazonaws.com',
        userAgent: 'cloudtrail.amazonaws.com',
        source: 'kms.amazonaws.com',
        name: 'GenerateDataKey',
        readOnly: true,
        request: {
          keySpec: 'AES_256',
          encryptionContext: {
            'aws:cloudtrail:arn': `arn:aws:cloudtrail:${MAIN_REGION}:${ACCOUNTS.management}:trail/acme-org-trail`,
          },
          keyId: `arn:aws:kms:${MAIN_REGION}:${ACCOUNTS.management}:key/${TRAIL_KEY}`,
        },
        resources: [
          {
            accountId: ACCOUNTS.management,
            type: 'AWS::KMS::Key',
            ARN: `arn:aws:kms:${MAIN_REGION}:${ACCOUNTS.management}:key/${TRAIL_KEY}`,
          },
        ],
        eventType: 'AwsServiceEvent',
      });
    }
  }
};

/**
 * The SRE on-call rota: one engineer a week holds the pager, and about one night in four it goes
 * off. Night work is part of the SRE peer group's normal, which the on-call hard negative relies on.
 */
export const onCallPage = (org: Organisation, day: number, date: number, rng: Rng, out: Emitter): void => {
  const sres = org.people.filter((p) => p.job === 'sre');
  const p = sres[Math.floor(day / 7) % Math.max(1, sres.length)];
  if (!p || day < p.firstDay || !rng.chance(0.25)) return;
  const assignment = p.assignments.find((a) => a.chainTo) ?? p.assignments[0];
  if (!assignment) return;
  // Paged between 22:00 and 05:00 local, from home.
  const start = localTime(p.tz, date, rng.range(22, 29));
  const ip = (p.homeChangeDay !== null && day >= p.homeChangeDay ? p.homeIps[1] : p.homeIps[0]) ?? '';
  personSession(org, p, assignment, 'cli', start, rng.range(0.2, 0.7) * HOUR, ip, rng.int(10, 25), rng, out, {
    denyRate: 0.01,
  });
};
