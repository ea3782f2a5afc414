/**
 * The planted scenarios: attacks by insiders and by outsiders holding stolen credentials, and the
 * hard negatives (routine work that looks odd) that must stay quiet. Planned up front from the seed,
 * so every label's time range is exact; attacks fall after the first two weeks, once baselines
 * have had time to learn.
 */
import {
  assumeRoleCall,
  type Caller,
  callApi,
  customerObjectBytes,
  customerObjectKey,
  resourcesOf,
  s3Caller,
  ssoSession,
  steadyTimes,
  type TerraformChange,
  userAgentFor,
} from './activity.ts';
import { API, type ApiDef, type ApiKey } from './apis.ts';
import type { ScenarioLabel } from './label.ts';
import {
  ACCOUNTS,
  addressIn,
  CUSTOMER_BUCKET,
  cliCommand,
  EXTERNAL_ACCOUNT,
  FINANCE_BUCKET,
  homeAddressIn,
  type Job,
  MAIN_REGION,
  type Organisation,
  type Person,
} from './organisation.ts';
import type { Rng } from './random.ts';
import {
  accessKeyId,
  assumedRoleIdentity,
  type Call,
  consoleLogin,
  iamUserIdentity,
  rootIdentity,
  s3DataEvent,
  signInIdentity,
} from './records.ts';
import { awsDate, cloudTrailTime, DAY, HOUR, localTime, MINUTE, weekday } from './time.ts';

/** A scenario's call at its time; `context` calls (a sign-in before the attack) do not start the label. */
interface Planned {
  readonly t: number;
  readonly call: Call;
  readonly context?: boolean;
}

/** Everything the scenarios add to the organisation's days. */
export interface ScenarioPlan {
  readonly labels: readonly ScenarioLabel[];
  /** Scenario calls by day index (days counted from the window's start, UTC). */
  readonly calls: ReadonlyMap<number, readonly { readonly t: number; readonly call: Call }[]>;
  /** Terraform applies with planned IAM changes, by day index, in production. */
  readonly terraform: ReadonlyMap<
    number,
    readonly { readonly t: number; readonly changes: readonly TerraformChange[] }[]
  >;
}

type RunOpts = {
  denied: boolean;
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
  region: string;
};
/** One call of a scripted run: an API by name, or a definition with its parameters. */
type Step = ApiKey | readonly [ApiDef, Partial<RunOpts>];

/** Days at the end of the window in which scenarios are planted; the days before are for learning. */
export const EVALUATION_DAYS = 14;

/** The planted fortnight, shortened for windows under four weeks so half the window is left to learn. */
export const evaluationDays = (days: number): number => Math.min(EVALUATION_DAYS, Math.floor(days / 2));

const KALI_AGENT = (def: ApiDef): string =>
  `aws-cli/2.15.30 Python/3.11.9 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off command/${cliCommand(def.source, def.name)}`;
const VPS_BOTO3 =
  'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1.0-25-cloud-amd64 md/arch#x86_64 lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144';
const LINUX_FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0';
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';

const iamCall = (name: string, readOnly = false): ApiDef => ({
  source: 'iam.amazonaws.com',
  name,
  readOnly,
  global: true,
});
const ec2Call = (name: string, readOnly = false): ApiDef => ({ source: 'ec2.amazonaws.com', name, readOnly });
const trailCall = (name: string): ApiDef => ({ source: 'cloudtrail.amazonaws.com', name, readOnly: false });

/** Plans every scenario for the organisation; adjusts the few people the hard negatives need. */
export const planScenarios = (org: Organisation, rng: Rng): ScenarioPlan => {
  const labels: ScenarioLabel[] = [];
  const calls = new Map<number, { t: number; call: Call }[]>();
  const terraform = new Map<number, { t: number; changes: TerraformChange[] }[]>();
  const span = evaluationDays(org.days);
  const evalStart = org.days - span;
  const dateOf = (day: number): number => org.start + day * DAY;
  const lastDay = org.days - 1;
  /** Day `k` of the planted fortnight (scaled to shorter windows). */
  const dayAt = (k: number): number => Math.min(lastDay, evalStart + Math.floor((k * span) / EVALUATION_DAYS));
  /** Day `k` of the planted fortnight, moved on to a weekday. */
  const workday = (k: number): number => {
    let day = dayAt(k);
    while (day < lastDay && [0, 6].includes(weekday(dateOf(day)))) day++;
    return day;
  };

  const used = new Set<Person>();
  const cast = (job: Job): Person => {
    const ofJob = org.people.filter((p) => p.job === job);
    const fresh = ofJob.filter((p) => !used.has(p));
    // Small organisations reuse people; from 20 people on every scenario has its own actor.
    const p = rng.pick(fresh.length > 0 ? fresh : ofJob);
    used.add(p);
    return p;
  };
  const at = (p: Person, day: number, hours: number): number => localTime(p.tz, dateOf(day), hours);
  const addressOf = (p: Person, day: number): string =>
    (p.homeChangeDay !== null && day >= p.homeChangeDay ? p.homeIps[1] : p.homeIps[0]) ?? '';
  const sso = (p: Person, account: string, permissionSet: string, t: number) =>
    ssoSession(p, org.sso(account, permissionSet), t, rng);

  const plant = (label: Omit<ScenarioLabel, 'start' | 'end'>, planned: readonly Planned[]): void => {
    const counted = planned.filter((x) => !x.context);
    const times = counted.map((x) => x.t);
    labels.push({ ...label, start: cloudTrailTime(Math.min(...times)), end: cloudTrailTime(Math.max(...times)) });
    for (const x of planned) {
      const day = Math.floor((x.t - org.start) / DAY);
      const list = calls.get(day) ?? [];
      list.push({ t: x.t, call: x.call });
      calls.set(day, list);
    }
  };
  const routine = (label: Omit<ScenarioLabel, 'start' | 'end'>, start: number, end: number): void => {
    labels.push({ ...label, start: cloudTrailTime(start), end: cloudTrailTime(end) });
  };
  /** A run of API calls, `gap` ms apart on average. */
  const run = (caller: Caller, start: number, gap: number, steps: readonly Step[]): Planned[] => {
    const out: Planned[] = [];
    let t = start;
    for (const step of steps) {
      const [def, opts] = typeof step === 'string' ? [API[step] as ApiDef, {}] : step;
      out.push({ t, call: callApi(org, rng, caller, def, t, opts) });
      t += Math.max(300, Math.round(rng.logNormal(gap, 0.4)));
    }
    return out;
  };
  const context = (planned: readonly Planned[]): Planned[] => planned.map((x) => ({ ...x, context: true }));

  const developers = { trail: cast('developer'), kali: cast('developer'), joiner: cast('developer') };
  const sres = { admin: cast('sre'), snapshot: cast('sre'), onCall: cast('sre'), secrets: cast('sre') };
  const scientists = { bulk: cast('data-scientist'), ramp: cast('data-scientist') };
  const admins = { key: cast('platform-admin'), trust: cast('platform-admin') };
  const prod = ACCOUNTS.production;
  const { oliver, lena } = org.contractors;

  // Attack: an admin plants a second access key on the BI service user before leaving.
  {
    const p = admins.key;
    const day = workday(1);
    const t = at(p, day, 17.75);
    const ip = addressOf(p, day);
    const identity = sso(p, prod, 'AdministratorAccess', t);
    const caller: Caller = { identity, account: prod, ip, userAgent: () => p.tools.browser, console: true };
    const key = accessKeyId(rng, 'AKIA');
    plant(
      {
        id: 'backdoor-access-key',
        title: 'Access key created for another user',
        kind: 'attack',
        principalKey: p.key,
        expect: { detectors: ['iam.access-key-created-for-other-user'], minSeverity: 'high' },
        story: `${p.name} (platform admin) creates a second access key for the svc-bi-export service user from the console, a key nobody else knows about, on the Friday evening before leaving.`,
      },
      [
        {
          t,
          call: consoleLogin(identity, prod, ip, p.tools.browser, { mfaUsed: false, success: true }),
          context: true,
        },
        ...context(
          run(caller, t + 40_000, 15_000, [
            'iam:ListUsers',
            [iamCall('ListAccessKeys', true), { request: { userName: 'svc-bi-export' } }],
          ]),
        ),
        ...run(caller, t + 95_000, 20_000, [
          [
            iamCall('CreateAccessKey'),
            {
              request: { userName: 'svc-bi-export' },
              response: {
                accessKey: {
                  userName: 'svc-bi-export',
                  accessKeyId: key,
                  status: 'Active',
                  createDate: awsDate(t + 95_000),
                },
              },
            },
          ],
          [iamCall('ListAccessKeys', true), { request: { userName: 'svc-bi-export' } }],
        ]),
      ],
    );
  }

  // Attack: a dormant shared IAM user signs in with a password only.
  {
    const day = workday(4);
    const t = localTime('Europe/London', dateOf(day), 19.08);
    const user = org.users.legacyOps;
    const ip = addressIn(rng, 'andrewsArnold');
    const failed = signInIdentity(user, false);
    const identity = iamUserIdentity(user, accessKeyId(rng, 'ASIA'), { created: t + 70_000, mfa: false });
    const caller: Caller = { identity, account: prod, ip, userAgent: () => LINUX_FIREFOX, console: true };
    plant(
      {
        id: 'console-login-without-mfa',
        title: 'Console sign-in without MFA to a dormant shared account',
        kind: 'attack',
        principalKey: user.key,
        expect: {
          detectors: ['signin.console-login-without-mfa', 'baseline.new-network', 'baseline.off-hours'],
          minSeverity: 'medium',
        },
        story:
          'The old shared legacy-ops IAM user, unused for months, has a console password and no MFA. A former employee who remembers the password signs in from home after two failed attempts and looks around production.',
      },
      [
        { t, call: consoleLogin(failed, prod, ip, LINUX_FIREFOX, { mfaUsed: false, success: false }) },
        { t: t + 31_000, call: consoleLogin(failed, prod, ip, LINUX_FIREFOX, { mfaUsed: false, success: false }) },
        {
          t: t + 70_000,
          call: consoleLogin(signInIdentity(user, true), prod, ip, LINUX_FIREFOX, { mfaUsed: false, success: true }),
        },
        ...run(caller, t + 95_000, 45_000, [
          'iam:ListUsers',
          'ec2:DescribeInstances',
          's3:ListBuckets',
          'rds:DescribeDBInstances',
          'secretsmanager:ListSecrets',
          'secretsmanager:DescribeSecret',
          'ec2:DescribeSecurityGroups',
          's3:GetBucketPolicy',
          'iam:ListRoles',
        ]),
      ],
    );
  }

  // Attack: a developer runs enumeration from a Kali VM.
  {
    const p = developers.kali;
    const day = workday(4);
    const t = at(p, day, 13.1);
    const identity = sso(p, ACCOUNTS.development, 'DeveloperAccess', t);
    const caller: Caller = { identity, account: ACCOUNTS.development, ip: addressOf(p, day), userAgent: KALI_AGENT };
    const denied = (key: ApiKey): [ApiDef, Partial<RunOpts>] => [API[key], { denied: true }];
    plant(
      {
        id: 'pentest-user-agent',
        title: 'Enumeration from a Kali Linux machine',
        kind: 'attack',
        principalKey: p.key,
        expect: { detectors: ['useragent.pentest-tool'], minSeverity: 'medium' },
        story: `${p.name} (developer) points a Kali Linux VM at the development account with their SSO credentials and enumerates users, roles, policies, functions and secrets; several calls are denied.`,
      },
      run(caller, t, 12_000, [
        'sts:GetCallerIdentity',
        denied('iam:ListUsers'),
        'iam:ListRoles',
        denied('iam:GetAccountAuthorizationDetails'),
        'iam:ListPolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListAttachedRolePolicies',
        'ec2:DescribeRegions',
        'ec2:DescribeInstances',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeVpcs',
        's3:ListBuckets',
        's3:GetBucketPolicy',
        's3:GetBucketPolicy',
        'lambda:ListFunctions',
        'lambda:GetFunction',
        'lambda:GetFunction',
        'secretsmanager:ListSecrets',
        'dynamodb:ListTables',
        'ssm:GetParametersByPath',
        denied('organizations:DescribeOrganization'),
        denied('iam:ListAccessKeys'),
        'cloudtrail:DescribeTrails',
      ]),
    );
  }

  // Attack: someone signs in as the production account's root user and makes a root access key.
  {
    const day = workday(5);
    const t = localTime('Europe/London', dateOf(day), 21.67);
    const ip = homeAddressIn(rng, 'GB');
    const browser =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36';
    const consoleCaller: Caller = {
      identity: rootIdentity(prod, accessKeyId(rng, 'ASIA'), { created: t, mfa: true }),
      account: prod,
      ip,
      userAgent: () => browser,
      console: true,
    };
    const rootKey = accessKeyId(rng, 'AKIA');
    const cliAgent = (def: ApiDef) =>
      `aws-cli/2.18.5 md/awscrt#0.22.0 ua/2.0 os/windows#10 md/arch#amd64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${cliCommand(def.source, def.name)}`;
    const cliCaller: Caller = { identity: rootIdentity(prod, rootKey), account: prod, ip, userAgent: cliAgent };
    plant(
      {
        id: 'root-console-and-api',
        title: 'Root user sign-in, root access key and root API calls',
        kind: 'attack',
        principalKey: `root:${prod}`,
        expect: { detectors: ['root.credential-use'], minSeverity: 'high' },
        story:
          'At 21:40 someone signs in to the production account as root, creates an access key for the root user and uses it from the command line to list buckets, roles and the organisation.',
      },
      [
        { t, call: consoleLogin(rootIdentity(prod), prod, ip, browser, { mfaUsed: true, success: true }) },
        ...run(consoleCaller, t + 30_000, 25_000, [
          'iam:GetAccountSummary',
          'iam:ListUsers',
          'iam:ListAccessKeys',
          [
            iamCall('CreateAccessKey'),
            {
              request: null,
              response: { accessKey: { accessKeyId: rootKey, status: 'Active', createDate: awsDate(t + 110_000) } },
            },
          ],
        ]),
        ...run(cliCaller, t + 6 * MINUTE, 20_000, [
          'sts:GetCallerIdentity',
          's3:ListBuckets',
          'iam:ListRoles',
          'organizations:DescribeOrganization',
          's3:GetBucketPolicy',
          'secretsmanager:ListSecrets',
        ]),
      ],
    );
  }

  // Attack: an SRE reads every production secret in two minutes.
  {
    const p = sres.secrets;
    const day = workday(5);
    const t = at(p, day, 15.5);
    const ip = addressOf(p, day);
    const ssoIdentity = sso(p, prod, 'SREAccess', t);
    const cli = userAgentFor(p.tools, 'cli');
    const assume = assumeRoleCall(
      org,
      rng,
      { identity: ssoIdentity, account: prod, ip, userAgent: cli },
      org.roles.opsAdmin,
      p.sessionName,
      p.email,
      t,
    );
    const identity = assumedRoleIdentity(org.roles.opsAdmin, {
      name: p.sessionName,
      accessKeyId: accessKeyId(rng, 'ASIA'),
      created: t,
      sourceIdentity: p.email,
    });
    const caller: Caller = { identity, account: prod, ip, userAgent: cli };
    const secrets = org.resources.production.secrets;
    plant(
      {
        id: 'secrets-batch-read',
        title: 'Production secrets read in bulk',
        kind: 'attack',
        principalKey: p.key,
        expect: { detectors: ['secretsmanager.batch-read-burst'], minSeverity: 'high' },
        story: `${p.name} (SRE) assumes ops-admin and reads ${secrets.length} production secrets (database passwords, payment keys, signing keys) in under three minutes.`,
      },
      [
        { t, call: assume, context: true },
        ...run(caller, t + 20_000, 4_000, [
          'secretsmanager:ListSecrets',
          ...secrets.map((secretId): [ApiDef, Partial<RunOpts>] => [
            API['secretsmanager:GetSecretValue'],
            { request: { secretId } },
          ]),
        ]),
      ],
    );
  }

  // Attack: an SRE gives an application role AdministratorAccess outside terraform.
  {
    const p = sres.admin;
    const day = workday(6);
    const t = at(p, day, 11.15);
    const ip = addressOf(p, day);
    const cli = userAgentFor(p.tools, 'cli');
    const ssoIdentity = sso(p, prod, 'SREAccess', t);
    const identity = assumedRoleIdentity(org.roles.opsAdmin, {
      name: p.sessionName,
      accessKeyId: accessKeyId(rng, 'ASIA'),
      created: t,
      sourceIdentity: p.email,
    });
    const caller: Caller = { identity, account: prod, ip, userAgent: cli };
    plant(
      {
        id: 'admin-policy-attached',
        title: 'AdministratorAccess attached to an application role by hand',
        kind: 'attack',
        principalKey: p.key,
        expect: { detectors: ['iam.admin-policy-attached'], minSeverity: 'high' },
        story: `${p.name} (SRE) attaches AdministratorAccess to the orders-api-task role from the command line, outside the terraform pipeline, so that anything running as the orders API can do anything.`,
      },
      [
        {
          t,
          call: assumeRoleCall(
            org,
            rng,
            { identity: ssoIdentity, account: prod, ip, userAgent: cli },
            org.roles.opsAdmin,
            p.sessionName,
            p.email,
            t,
          ),
          context: true,
        },
        ...context(
          run(caller, t + 30_000, 20_000, [
            [iamCall('GetRole', true), { request: { roleName: 'orders-api-task' } }],
            [iamCall('ListAttachedRolePolicies', true), { request: { roleName: 'orders-api-task' } }],
          ]),
        ),
        ...run(caller, t + 90_000, 30_000, [
          [iamCall('AttachRolePolicy'), { request: { roleName: 'orders-api-task', policyArn: ADMIN_POLICY } }],
          [iamCall('ListAttachedRolePolicies', true), { request: { roleName: 'orders-api-task' } }],
        ]),
      ],
    );
  }

  // Attack: a developer stops and deletes the development account's trail.
  {
    const p = developers.trail;
    const day = workday(7);
    const t = at(p, day, 16.33);
    const identity = sso(p, ACCOUNTS.development, 'DeveloperAccess', t);
    const caller: Caller = {
      identity,
      account: ACCOUNTS.development,
      ip: addressOf(p, day),
      userAgent: userAgentFor(p.tools, 'cli'),
    };
    const trail = org.resources.development.trailArn;
    plant(
      {
        id: 'cloudtrail-stopped-and-deleted',
        title: 'CloudTrail logging stopped, then the trail deleted',
        kind: 'attack',
        principalKey: p.key,
        expect: { detectors: ['cloudtrail.logging-disabled'], minSeverity: 'high' },
        story: `${p.name} (developer) stops the development account's own trail and deletes it four minutes later, hoping nobody will see what comes next. The organisation trail still records it.`,
      },
      [
        ...context(
          run(caller, t, 20_000, [
            'cloudtrail:DescribeTrails',
            [API['cloudtrail:GetTrailStatus'], { request: { name: trail } }],
          ]),
        ),
        ...run(caller, t + 60_000, 240_000, [
          [trailCall('StopLogging'), { request: { name: trail } }],
          [trailCall('DeleteTrail'), { request: { name: trail } }],
        ]),
      ],
    );
  }

  // Attack: a platform admin lets an outside account assume a production role.
  {
    const p = admins.trust;
    const day = workday(7);
    const t = at(p, day, 18.5);
    const identity = sso(p, prod, 'AdministratorAccess', t);
    const caller: Caller = { identity, account: prod, ip: addressOf(p, day), userAgent: userAgentFor(p.tools, 'cli') };
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNTS.management}:root` }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXTERNAL_ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
      ],
    };
    plant(
      {
        id: 'role-trust-backdoor',
        title: 'Role trust policy opened to an outside account',
        kind: 'attack',
        principalKey: p.key,
        expect: { detectors: ['iam.role-trust-policy-backdoor'], minSeverity: 'high' },
        story: `${p.name} (platform admin) adds account ${EXTERNAL_ACCOUNT}, which is not Acme's, to the trust policy of the prod-readonly-audit role: a way back in that survives their offboarding.`,
      },
      [
        ...context(
          run(caller, t, 25_000, [[iamCall('GetRole', true), { request: { roleName: 'prod-readonly-audit' } }]]),
        ),
        ...run(caller, t + 50_000, 20_000, [
          [
            iamCall('UpdateAssumeRolePolicy'),
            { request: { roleName: 'prod-readonly-audit', policyDocument: JSON.stringify(policy) } },
          ],
          [iamCall('GetRole', true), { request: { roleName: 'prod-readonly-audit' } }],
        ]),
      ],
    );
  }

  // Attack: a data scientist downloads the customer lake at night.
  {
    const p = scientists.bulk;
    const day = workday(8);
    const t = at(p, day, 23.5);
    const identity = sso(p, prod, 'DataScientist', t);
    const caller = s3Caller({
      identity,
      account: prod,
      ip: addressOf(p, day),
      userAgent: () => p.tools.cli('s3.sync'),
    });
    const times = steadyTimes(rng, t + 30_000, 1_800, 1_500);
    const planned: Planned[] = [0, 1, 2, 3, 4].map((i) => ({
      t: t + i * 4_000,
      call: s3DataEvent(
        caller,
        'ListObjects',
        CUSTOMER_BUCKET,
        prod,
        `customers/2026/${String(5 + i).padStart(2, '0')}/`,
        rng.int(30_000, 60_000),
        rng,
      ),
    }));
    for (const at of times) {
      planned.push({
        t: at,
        call: s3DataEvent(
          caller,
          'GetObject',
          CUSTOMER_BUCKET,
          prod,
          customerObjectKey(rng, at, 200),
          customerObjectBytes(rng),
          rng,
        ),
      });
    }
    plant(
      {
        id: 'after-hours-bulk-download',
        title: 'After-hours bulk download of customer data',
        kind: 'attack',
        principalKey: p.key,
        expect: {
          detectors: ['baseline.bulk-download', 'baseline.off-hours', 'baseline.sensitive-bucket-first-access'],
          minSeverity: 'high',
        },
        story: `${p.name} (data scientist), who reads a few dozen customer files a day in office hours, runs "aws s3 sync" at 23:30 on a Friday and pulls 1,800 objects (tens of gigabytes) from ${CUSTOMER_BUCKET} in 45 minutes.`,
      },
      planned,
    );
  }

  // Attack: a contractor's leaked access key is used from a VPS abroad at night.
  {
    const day = dayAt(11);
    const t = dateOf(day) + 2 * HOUR + 40 * MINUTE;
    const user = oliver.user;
    const ip = addressIn(rng, 'm247Bucharest');
    const caller: Caller = {
      identity: iamUserIdentity(user, user.accessKeys[0] ?? ''),
      account: prod,
      ip,
      userAgent: () => VPS_BOTO3,
    };
    const regions = ['eu-west-1', 'eu-west-2', 'eu-central-1', 'us-east-1', 'us-east-2', 'us-west-2'];
    const secrets = org.resources.production.secrets;
    plant(
      {
        id: 'stolen-access-key',
        title: 'Stolen access key used from a new country at night',
        kind: 'attack',
        principalKey: user.key,
        expect: {
          detectors: [
            'credentials.stolen-key-pattern',
            'baseline.new-country',
            'baseline.new-network',
            'baseline.impossible-travel',
            'baseline.off-hours',
            'secretsmanager.batch-read-burst',
          ],
          minSeverity: 'high',
        },
        story: `Oliver Grant (contractor) committed his access key to a public repository. At 02:40 UTC it is used from a VPS in Romania: who am I, what can I see in every region, then the secrets.`,
      },
      run(caller, t, 15_000, [
        'sts:GetCallerIdentity',
        [iamCall('GetUser', true), { request: { userName: user.userName } }],
        [API['iam:ListUsers'], { denied: true }],
        [iamCall('ListAttachedUserPolicies', true), { request: { userName: user.userName }, denied: true }],
        's3:ListBuckets',
        'ec2:DescribeRegions',
        ...regions.map((region): [ApiDef, Partial<RunOpts>] => [
          ec2Call('DescribeInstances', true),
          { region, request: { instancesSet: {}, filterSet: {} } },
        ]),
        'secretsmanager:ListSecrets',
        ...secrets
          .filter((s) => /database|stripe|warehouse|jwt|salesforce|oauth/.test(s))
          .slice(0, 8)
          .map((secretId, i): [ApiDef, Partial<RunOpts>] => [
            API['secretsmanager:GetSecretValue'],
            { request: { secretId }, denied: i % 3 === 2 },
          ]),
        'ssm:GetParametersByPath',
        [
          API['s3:GetBucketPolicy'],
          {
            request: {
              bucketName: CUSTOMER_BUCKET,
              Host: `${CUSTOMER_BUCKET}.s3.${MAIN_REGION}.amazonaws.com`,
              policy: '',
            },
          },
        ],
      ]),
    );
  }

  // Attack: an SRE snapshots the orders database volume and shares it with an outside account.
  {
    const p = sres.snapshot;
    const day = workday(12);
    const t = at(p, day, 14.08);
    const ip = addressOf(p, day);
    const identity = sso(p, prod, 'SREAccess', t);
    const caller: Caller = { identity, account: prod, ip, userAgent: () => p.tools.browser, console: true };
    const volumeId = org.resources.production.volumes[0] ?? 'vol-0';
    const snapshotId = `snap-0${rng.hex(16)}`;
    plant(
      {
        id: 'snapshot-shared-externally',
        title: 'EBS snapshot shared with an outside account',
        kind: 'attack',
        principalKey: p.key,
        expect: { detectors: ['ec2.snapshot-shared-externally'], minSeverity: 'high' },
        story: `${p.name} (SRE) snapshots the orders database volume from the console and grants account ${EXTERNAL_ACCOUNT} permission to create volumes from it: the whole database, copied out.`,
      },
      [
        {
          t,
          call: consoleLogin(identity, prod, ip, p.tools.browser, { mfaUsed: false, success: true }),
          context: true,
        },
        ...context(run(caller, t + 40_000, 30_000, ['ec2:DescribeVolumes'])),
        ...run(caller, t + 100_000, 60_000, [
          [
            ec2Call('CreateSnapshot'),
            {
              request: { volumeId, description: 'orders-db migration test' },
              response: { snapshotId, volumeId, status: 'pending', volumeSize: 500, ownerId: prod, encrypted: false },
            },
          ],
          'ec2:DescribeSnapshots',
          [
            ec2Call('ModifySnapshotAttribute'),
            {
              request: {
                snapshotId,
                createVolumePermission: { add: { items: [{ userId: EXTERNAL_ACCOUNT }] } },
                attributeType: 'CREATE_VOLUME_PERMISSION',
              },
              response: { _return: true },
            },
          ],
        ]),
      ],
    );
  }

  // Attack: a data scientist downloads a little more every working day.
  {
    const p = scientists.ramp;
    const first = workday(0);
    const planned: Planned[] = [];
    let step = 0;
    for (let day = first; day <= lastDay; day++) {
      if ([0, 6].includes(weekday(dateOf(day)))) continue;
      step++;
      const extra = Math.round(p.customerReads * (1.3 ** step - 1));
      const t = at(p, day, p.startHour + p.hours - 1 + rng.range(0, 0.5));
      const identity = sso(p, prod, 'DataScientist', t);
      const caller = s3Caller({ identity, account: prod, ip: addressOf(p, day), userAgent: () => p.tools.boto3 });
      for (const x of steadyTimes(rng, t, extra, 4_000)) {
        planned.push({
          t: x,
          call: s3DataEvent(
            caller,
            'GetObject',
            CUSTOMER_BUCKET,
            prod,
            customerObjectKey(rng, x, 365),
            customerObjectBytes(rng),
            rng,
          ),
        });
      }
    }
    plant(
      {
        id: 'slow-ramp-exfiltration',
        title: 'Slow ramp of customer-data downloads over two weeks',
        kind: 'attack',
        principalKey: p.key,
        expect: { detectors: ['baseline.sustained-growth', 'baseline.bulk-download'], minSeverity: 'high' },
        story: `${p.name} (data scientist) copies a little more of ${CUSTOMER_BUCKET} at the end of every working day, 30% more than the day before, in office hours and from the usual places, so that no single day stands out.`,
      },
      planned,
    );
  }

  // Hard negative: a contractor works a normal week from New York, signing in with MFA.
  {
    const from = workday(4);
    const to = Math.min(lastDay, from + 3);
    lena.travel = { from, to, ip: addressIn(rng, 'hotelNewYork'), tz: 'America/New_York' };
    for (let d = from; d <= to; d++) lena.daysOff.delete(d);
    routine(
      {
        id: 'traveller',
        title: 'Contractor working from New York for a week',
        kind: 'benign',
        principalKey: lena.user.key,
        story:
          'Lena Fischer, a Berlin-based contractor, spends four days at a customer in New York: new country, new network, hours shifted by six, but MFA on every sign-in and her usual work.',
      },
      localTime('America/New_York', dateOf(from), 0),
      localTime('America/New_York', dateOf(to), 24) - 1000,
    );
  }

  // Hard negative: a new developer's first three days.
  {
    const p = developers.joiner;
    const first = workday(4);
    p.firstDay = first;
    let last = first;
    for (let n = 1, d = first + 1; n < 3 && d <= lastDay; d++) {
      if ([0, 6].includes(weekday(dateOf(d)))) continue;
      last = d;
      n++;
    }
    for (let d = first; d <= last; d++) p.daysOff.delete(d);
    routine(
      {
        id: 'new-joiner',
        title: 'New developer finding their way',
        kind: 'benign',
        principalKey: p.key,
        story: `${p.name} joins the development team: no history at all, a lot of looking around in the console, and a few calls their permission set does not allow yet.`,
      },
      at(p, first, 0),
      at(p, last, 24) - 1000,
    );
  }

  // Hard negative: the quarter-end close, when finance downloads four times the usual reports.
  {
    const from = workday(7);
    const days: number[] = [];
    for (let d = from; d <= lastDay; d++) if (![0, 6].includes(weekday(dateOf(d)))) days.push(d);
    const finance = org.people.filter((p) => p.job === 'finance');
    finance.forEach((p, i) => {
      for (const d of days) {
        p.readBoost.set(d, 4);
        p.daysOff.delete(d);
      }
      routine(
        {
          id: `quarter-end-close-${i + 1}`,
          title: 'Quarter-end close: finance downloads spike',
          kind: 'benign',
          principalKey: p.key,
          story: `${p.name} (finance) and the whole finance team download about four times the usual reports from ${FINANCE_BUCKET} during the fiscal quarter-end close, in office hours.`,
        },
        at(p, days[0] ?? from, 0),
        at(p, days[days.length - 1] ?? from, 24) - 1000,
      );
    });
  }

  // Hard negative: the on-call SRE is paged at 3 am and does routine operations.
  {
    const p = sres.onCall;
    const day = workday(6);
    const t = at(p, day, 3.05);
    const ip = addressOf(p, day);
    const cli = userAgentFor(p.tools, 'cli');
    const ssoIdentity = sso(p, prod, 'SREAccess', t);
    const identity = assumedRoleIdentity(org.roles.opsAdmin, {
      name: p.sessionName,
      accessKeyId: accessKeyId(rng, 'ASIA'),
      created: t,
      sourceIdentity: p.email,
    });
    const caller: Caller = { identity, account: prod, ip, userAgent: cli };
    const service = 'orders-api';
    const planned: Planned[] = [
      {
        t,
        call: assumeRoleCall(
          org,
          rng,
          { identity: ssoIdentity, account: prod, ip, userAgent: cli },
          org.roles.opsAdmin,
          p.sessionName,
          p.email,
          t,
        ),
      },
      ...run(caller, t + 20_000, 50_000, [
        'cloudwatch:DescribeAlarms',
        'cloudwatch:GetMetricData',
        'cloudwatch:GetMetricData',
        [API['ecs:DescribeServices'], { request: { cluster: 'prod-main', services: [service] } }],
        'ecs:ListTasks',
        'ecs:DescribeTasks',
        'logs:StartQuery',
        'logs:GetQueryResults',
        'logs:GetQueryResults',
        'logs:StartQuery',
        'logs:GetQueryResults',
        'rds:DescribeDBInstances',
        'cloudwatch:GetMetricData',
        [API['ecs:UpdateService'], { request: { cluster: 'prod-main', service, forceNewDeployment: true } }],
        [API['ecs:DescribeServices'], { request: { cluster: 'prod-main', services: [service] } }],
        [API['ecs:DescribeServices'], { request: { cluster: 'prod-main', services: [service] } }],
        'cloudwatch:GetMetricData',
        'cloudwatch:DescribeAlarms',
      ]),
    ];
    plant(
      {
        id: 'on-call-night',
        title: 'On-call engineer paged at 3 am',
        kind: 'benign',
        principalKey: p.key,
        story: `${p.name} (SRE, on call) is paged at 3 am: alarms, metrics, logs, a forced redeployment of the orders API, and back to bed.`,
      },
      planned,
    );
  }

  // Hard negative: the nightly pipeline reads the sensitive buckets at 02:00, every night.
  routine(
    {
      id: 'nightly-data-pipeline',
      title: 'Nightly data pipeline reading sensitive buckets',
      kind: 'benign',
      principalKey: org.roles.dataPipeline.key,
      story: `The data-pipeline role (an ECS scheduled task) reads yesterday's customer partitions and the finance ledgers every night at 02:00 UTC: hundreds of objects from both sensitive buckets, always at night.`,
    },
    org.start,
    org.start + org.days * DAY - 1000,
  );

  // Hard negative: terraform makes IAM changes every day, some of them powerful.
  {
    const role = org.roles.terraform.find((r) => r.account === prod);
    if (!role) throw new Error('the organisation has no terraform-deployer role in production');
    const res = resourcesOf(org, prod);
    const bi = org.users.biExport;
    const newKey = accessKeyId(rng, 'AKIA');
    bi.accessKeys.push(newKey);
    const breakGlassDay = workday(5);
    const rotationDay = workday(9);
    const trustDay = workday(10);
    org.biKeyRotationDay = rotationDay;
    const london = (day: number, hours: number) => localTime('Europe/London', dateOf(day), hours);
    const add = (day: number, t: number, changes: TerraformChange[]) => {
      const list = terraform.get(day) ?? [];
      list.push({ t, changes });
      terraform.set(day, list);
    };
    add(breakGlassDay, london(breakGlassDay, 10.5), [
      {
        name: 'CreateRole',
        request: {
          roleName: 'platform-breakglass',
          assumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${ACCOUNTS.management}:root` },
                Action: 'sts:AssumeRole',
                Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
              },
            ],
          }),
          maxSessionDuration: 3600,
        },
        response: {
          role: {
            roleName: 'platform-breakglass',
            arn: `arn:aws:iam::${prod}:role/platform-breakglass`,
            createDate: awsDate(london(breakGlassDay, 10.55)),
          },
        },
      },
      { name: 'AttachRolePolicy', request: { roleName: 'platform-breakglass', policyArn: ADMIN_POLICY } },
    ]);
    add(rotationDay, london(rotationDay, 11), [
      {
        name: 'CreateAccessKey',
        request: { userName: bi.userName },
        response: {
          accessKey: {
            userName: bi.userName,
            accessKeyId: newKey,
            status: 'Active',
            createDate: awsDate(london(rotationDay, 11.05)),
          },
        },
      },
    ]);
    add(rotationDay, london(rotationDay, 16), [
      {
        name: 'UpdateAccessKey',
        request: { userName: bi.userName, accessKeyId: bi.accessKeys[0], status: 'Inactive' },
      },
    ]);
    add(trustDay, london(trustDay, 15), [
      {
        name: 'UpdateAssumeRolePolicy',
        request: {
          roleName: 'data-platform-reader',
          policyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${ACCOUNTS.development}:role/github-actions-ci` },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        },
      },
      {
        name: 'PutRolePolicy',
        request: {
          roleName: 'data-platform-reader',
          policyName: 'inline-access',
          policyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${res.buckets[2]}/*` }],
          }),
        },
      },
    ]);
    routine(
      {
        id: 'terraform-deployer-iam',
        title: 'Terraform pipeline changing IAM',
        kind: 'benign',
        principalKey: role.key,
        story:
          "The approved terraform-deployer role, run by the infrastructure pipeline, changes IAM every working day: it creates a break-glass role with AdministratorAccess, rotates the BI service user's access key and updates a trust policy for an account inside the organisation.",
      },
      org.start,
      org.start + org.days * DAY - 1000,
    );
  }

  return { labels, calls, terraform };
};
