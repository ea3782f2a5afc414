/**
 * The cast of the synthetic organisation, Acme: three accounts, the people (each with a job, a
 * home, a time zone, tools and permission sets), the IAM users, and the machine roles. Built
 * deterministically from a seed; the scenarios then adjust a few people (a joiner's first day,
 * a trip, a quarter-end rush).
 */
import type { ApiMix } from './apis.ts';
import { ADMIN_MIX, DATA_SCIENCE_MIX, DEVELOPER_MIX, FINANCE_MIX, SECURITY_MIX, SRE_MIX, SUPPORT_MIX } from './apis.ts';
import type { Rng } from './random.ts';
import { accessKeyId, type RoleRef, uniqueId } from './records.ts';
import type { TimeZone } from './time.ts';

/** Acme's accounts. */
export const ACCOUNTS = {
  management: '401923558211',
  production: '739184620357',
  development: '582046193744',
} as const;

/** An account outside the organisation, where the backdoors point. */
export const EXTERNAL_ACCOUNT = '913377450082';
/** Where Acme runs its workloads. */
export const MAIN_REGION = 'eu-west-1';
/** Where CloudTrail records IAM, sign-in and other global services. */
export const GLOBAL_REGION = 'us-east-1';
/** Customer records: S3 data events are logged for this bucket. */
export const CUSTOMER_BUCKET = 'acme-customer-data';
/** Finance reports: S3 data events are logged for this bucket. */
export const FINANCE_BUCKET = 'acme-finance-reports';
/** The buckets Vigil is configured to treat as sensitive. */
export const SENSITIVE_BUCKETS = [CUSTOMER_BUCKET, FINANCE_BUCKET] as const;
/** People's e-mail domain: Identity Center session names are these addresses. */
export const EMAIL_DOMAIN = 'acme.example';

/** What a person does. */
export type Job = 'developer' | 'sre' | 'data-scientist' | 'finance' | 'platform-admin' | 'security' | 'support';
/** Where a person works from. */
export type Site = 'london' | 'new-york' | 'berlin';
/** How a session talks to AWS. */
export type Tool = 'console' | 'cli' | 'boto3' | 'terraform';

/** Named resources of one account, for request parameters. */
export interface AccountResources {
  readonly account: string;
  readonly env: string;
  readonly instances: readonly string[];
  readonly functions: readonly string[];
  readonly services: readonly string[];
  readonly cluster: string;
  readonly logGroups: readonly string[];
  readonly stacks: readonly string[];
  readonly tables: readonly string[];
  readonly buckets: readonly string[];
  readonly artifactBucket: string;
  readonly secrets: readonly string[];
  readonly parameters: readonly string[];
  readonly roles: readonly string[];
  readonly policies: readonly string[];
  readonly trailArn: string;
  readonly detectorId: string;
  readonly ssoInstance: string;
  readonly volumes: readonly string[];
}

const instanceId = (rng: Rng): string => `i-0${rng.hex(16)}`;

const resourcesFor = (rng: Rng, account: string, env: string, ssoInstance: string): AccountResources => {
  const functions = ['orders-processor', 'payments-webhook', 'invoice-renderer', 'customer-sync', 'image-resizer'];
  const services = ['orders-api', 'checkout-web', 'catalog-api', 'search-indexer'];
  return {
    account,
    env,
    instances: Array.from({ length: 6 }, () => instanceId(rng)),
    functions: functions.map((f) => (env === 'prod' ? f : `${env}-${f}`)),
    services,
    cluster: `${env}-main`,
    logGroups: [...functions.map((f) => `/aws/lambda/${f}`), ...services.map((s) => `/ecs/${env}/${s}`)],
    stacks: ['network', 'orders-api', 'checkout-web', 'data-platform', 'observability'].map((s) => `${env}-${s}`),
    tables: ['orders', 'customers', 'sessions', 'feature-flags'].map((t) => `${env}-${t}`),
    buckets:
      env === 'prod'
        ? [CUSTOMER_BUCKET, FINANCE_BUCKET, 'acme-analytics-lake', 'acme-app-uploads', 'acme-prod-logs']
        : [`acme-${env}-artifacts`, `acme-${env}-uploads`, `acme-${env}-logs`],
    artifactBucket: `acme-${env}-artifacts`,
    secrets: [
      ...services.map((s) => `${env}/${s}/database`),
      ...services.map((s) => `${env}/${s}/api-keys`),
      ...functions.map((f) => `${env}/${f}/config`),
      `${env}/payments/stripe-secret-key`,
      `${env}/payments/adyen-hmac`,
      `${env}/integrations/salesforce`,
      `${env}/integrations/zendesk-token`,
      `${env}/integrations/slack-webhook`,
      `${env}/data/warehouse-admin`,
      `${env}/data/snowflake-loader`,
      `${env}/mail/sendgrid`,
      `${env}/auth/jwt-signing-key`,
      `${env}/auth/oauth-client-secret`,
      `${env}/search/opensearch-master`,
      `${env}/ci/npm-token`,
      `${env}/ci/dockerhub`,
      `${env}/vpn/shared-secret`,
    ],
    parameters: services.map((s) => `/${env}/${s}/feature-flags`),
    roles: [
      ...services.map((s) => `${s}-task`),
      'app-server-role',
      'orders-processor-role',
      'data-pipeline',
      'terraform-deployer',
      'github-actions-ci',
      'ops-admin',
      'prod-readonly-audit',
      'data-platform-reader',
    ],
    policies: ['acme-boundary', 'acme-data-read', 'acme-deploy', 'acme-observability'],
    trailArn: `arn:aws:cloudtrail:${MAIN_REGION}:${account}:trail/acme-${env}-audit`,
    detectorId: rng.hex(32),
    ssoInstance,
    volumes: Array.from({ length: 4 }, () => `vol-0${rng.hex(16)}`),
  };
};

/** Addresses by network: every range is checked against the offline IP database by the tests. */
export const NETWORKS = {
  londonOffice: { country: 'GB', asn: 8220, cidr: '212.36.184.0/24' },
  newYorkOffice: { country: 'US', asn: 701, cidr: '71.178.36.0/24' },
  zscalerLondon: { country: 'GB', asn: 62044, cidr: '165.225.80.0/24' },
  zscalerNewYork: { country: 'US', asn: 22616, cidr: '165.225.1.0/24' },
  githubRunners: { country: 'US', asn: 8075, cidr: '20.57.0.0/16' },
  awsIreland: { country: 'IE', asn: 16509, cidr: '34.248.0.0/16' },
  awsIrelandLambda: { country: 'IE', asn: 16509, cidr: '54.74.0.0/16' },
  biSaas: { country: 'IE', asn: 16509, cidr: '52.31.40.0/24' },
  m247Bucharest: { country: 'RO', asn: 9009, cidr: '89.33.8.0/24' },
  andrewsArnold: { country: 'GB', asn: 20712, cidr: '81.2.69.0/24' },
  hotelNewYork: { country: 'US', asn: 7922, cidr: '98.207.0.0/16' },
} as const;

/** Home broadband by country: `[first octet, lowest second octet, highest second octet]` and an IPv6 /32. */
const HOME_ISPS = {
  GB: [
    { v4: [86, 128, 191], v6: '2a00:23c5', asn: 2856 },
    { v4: [82, 1, 20], v6: null, asn: 5089 },
    { v4: [90, 192, 223], v6: null, asn: 5607 },
  ],
  US: [{ v4: [73, 0, 255], v6: '2601:647', asn: 7922 }],
  DE: [{ v4: [79, 192, 255], v6: '2003:e4', asn: 3320 }],
} as const;

const ipIn = (rng: Rng, cidr: string): string => {
  const [base, bits] = cidr.split('/');
  const octets = (base ?? '0.0.0.0').split('.').map(Number);
  if (bits === '16') return `${octets[0]}.${octets[1]}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  return `${octets[0]}.${octets[1]}.${octets[2]}.${rng.int(2, 250)}`;
};

/** One address in a named network. */
export const addressIn = (rng: Rng, network: keyof typeof NETWORKS): string => ipIn(rng, NETWORKS[network].cidr);

const homeAddress = (rng: Rng, country: 'GB' | 'US' | 'DE', isp: number, v6: boolean): string => {
  const choice = HOME_ISPS[country][isp % HOME_ISPS[country].length];
  if (!choice) throw new RangeError(`no home ISP ${isp} for ${country}`);
  if (v6 && choice.v6)
    return `${choice.v6}:${rng.hex(4)}:${rng.hex(2)}01::${rng.hex(4)}`.replace(/:0+(?=[0-9a-f])/g, ':');
  const [a, lo, hi] = choice.v4;
  return `${a}.${rng.int(lo, hi)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
};

/** A random home broadband address in a country (a new network for whoever uses it). */
export const homeAddressIn = (rng: Rng, country: 'GB' | 'US' | 'DE'): string =>
  homeAddress(rng, country, rng.int(0, 5), false);

const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:131.0) Gecko/20100101 Firefox/131.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0',
];

const OPERATING_SYSTEMS = [
  'os/macos#23.6.0 md/arch#arm64',
  'os/macos#24.0.0 md/arch#arm64',
  'os/macos#23.5.0 md/arch#x86_64',
  'os/linux#6.8.0-45-generic md/arch#x86_64',
  'os/windows#10 md/arch#amd64',
];

/** The user agents one person's machine sends. */
export interface Tools {
  readonly browser: string;
  /** aws-cli v2; `command` is the `service.operation` it ran. */
  cli(command: string): string;
  readonly boto3: string;
  terraform(service: string): string;
}

/**
 * Remembers each string `build` makes: a user agent is the same for every call of one command,
 * and a corpus of 100k records would otherwise hold 100k copies of a 250-character string.
 */
export const memoise = (build: (key: string) => string): ((key: string) => string) => {
  const made = new Map<string, string>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = build(key);
      made.set(key, value);
    }
    return value;
  };
};

const toolsFor = (rng: Rng): Tools => {
  const os = rng.pick(OPERATING_SYSTEMS);
  const cliVersion = rng.pick(['2.17.41', '2.18.2', '2.17.59', '2.18.5']);
  const python = rng.pick(['3.11.9', '3.12.6', '3.12.5']);
  const boto = rng.pick(['1.35.14', '1.35.29', '1.35.36']);
  const goOs = os.includes('macos') ? 'darwin' : os.includes('windows') ? 'windows' : 'linux';
  const goArch = os.includes('arm64') ? 'arm64' : 'amd64';
  return {
    browser: rng.pick(BROWSERS),
    cli: memoise(
      (command) =>
        `aws-cli/${cliVersion} md/awscrt#0.21.2 ua/2.0 ${os} lang/python#${python} md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${command}`,
    ),
    boto3: `Boto3/${boto} md/Botocore#${boto} ua/2.0 ${os} lang/python#${python} md/pyimpl#CPython cfg/retry-mode#legacy Botocore/${boto}`,
    terraform: memoise(
      (service) =>
        `APN/1.0 HashiCorp/1.0 Terraform/1.9.6 (+https://www.terraform.io) terraform-provider-aws/5.70.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.31.0 ua/2.1 os/${goOs} lang/go#1.23.1 md/GOOS#${goOs} md/GOARCH#${goArch} api/${service}#1.34.0`,
    ),
  };
};

/** The CLI's `service.operation` for an API call: `ec2:DescribeInstances` -> `ec2.describe-instances`. */
export const cliCommand = (source: string, name: string): string => commands(`${source} ${name}`);

const commands = memoise((sourceAndName) => {
  const [source = '', name = ''] = sourceAndName.split(' ');
  const service = source.replace('.amazonaws.com', '').replace('monitoring', 'cloudwatch');
  const op = name
    .replace(/\d{8}(v\d)?$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
  return `${service}.${op}`;
});

/** An Identity Center permission set provisioned in one account. */
export interface Assignment {
  readonly weight: number;
  readonly role: RoleRef;
  readonly permissionSet: string;
  /** Read-only sets draw only read calls from the job's mix. */
  readonly readOnly: boolean;
  readonly mix: ApiMix;
  /** SREs chain into `ops-admin` with their e-mail as source identity. */
  readonly chainTo?: RoleRef;
}

/** A person at Acme, signing in through IAM Identity Center. */
export interface Person {
  readonly kind: 'person';
  readonly index: number;
  readonly name: string;
  readonly email: string;
  /** The Identity Center user name, as typed when the account was made: the session name. */
  readonly sessionName: string;
  /** Vigil's principal key: `person:<email>`. */
  readonly key: string;
  readonly job: Job;
  readonly site: Site;
  readonly tz: TimeZone;
  readonly country: 'GB' | 'US' | 'DE';
  /** Local hour the working day starts. */
  readonly startHour: number;
  readonly hours: number;
  readonly homeIps: readonly string[];
  /** Day the ISP hands out a new address, or null. */
  readonly homeChangeDay: number | null;
  readonly officeIp: string | null;
  readonly vpnIp: string;
  readonly tools: Tools;
  readonly toolMix: readonly (readonly [number, Tool])[];
  readonly assignments: readonly Assignment[];
  /** Typical sensitive-bucket reads per working day (0: none). */
  readonly customerReads: number;
  readonly financeReads: number;
  readonly sessionEvents: number;
  firstDay: number;
  readonly daysOff: Set<number>;
  /** Multiplies the day's report downloads (quarter-end close). */
  readonly readBoost: Map<number, number>;
  /** Days worked from elsewhere. */
  travel: { readonly from: number; readonly to: number; readonly ip: string; readonly tz: TimeZone } | null;
}

/** A human IAM user (contractors) or a service user with an access key. */
export interface IamUser {
  readonly kind: 'iam-user';
  readonly userName: string;
  readonly account: string;
  readonly userId: string;
  /** Vigil's principal key: `user:<account>:<name>`. */
  readonly key: string;
  accessKeys: string[];
}

/** A contractor: a human with an IAM user (console with MFA, CLI with an access key). */
export interface Contractor {
  readonly kind: 'contractor';
  readonly user: IamUser;
  readonly name: string;
  readonly tz: TimeZone;
  readonly homeIp: string;
  readonly tools: Tools;
  /** Days of the week worked, 1 = Monday. */
  readonly workdays: readonly number[];
  readonly startHour: number;
  readonly hours: number;
  /** Calls through GetSessionToken with MFA (session keys), else with the long-term key. */
  readonly mfaCli: boolean;
  readonly daysOff: Set<number>;
  travel: Person['travel'];
}

/** A machine role. */
export interface MachineRole extends RoleRef {
  /** Vigil's principal key: `role:<account>:<name>`. */
  readonly key: string;
}

const FIRST_NAMES = [
  'Alice',
  'Ben',
  'Chloe',
  'Daniel',
  'Emma',
  'Farid',
  'Grace',
  'Hiro',
  'Isla',
  'James',
  'Kavya',
  'Liam',
  'Maya',
  'Noah',
  'Olivia',
  'Priya',
  'Quentin',
  'Rosa',
  'Samuel',
  'Tara',
  'Umar',
  'Vera',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Amara',
  'Bruno',
  'Carmen',
  'Dmitri',
  'Elena',
  'Felix',
  'Greta',
  'Hannah',
  'Ivan',
  'Jonas',
  'Keira',
  'Leon',
  'Mia',
  'Nadia',
  'Oscar',
  'Paula',
  'Rafael',
  'Sofia',
  'Tomás',
  'Ulla',
  'Victor',
  'Wanda',
  'Yara',
  'Zain',
] as const;
const LAST_NAMES = [
  'Adams',
  'Brennan',
  'Chen',
  'Diaz',
  'Evans',
  'Fischer',
  'Gupta',
  'Hughes',
  'Ito',
  'Jensen',
  'Khan',
  'Lopez',
  'Murphy',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quinn',
  'Rossi',
  'Schmidt',
  'Taylor',
  'Usman',
  'Varga',
  'Walsh',
  'Xu',
  'Young',
  'Zimmer',
  'Almeida',
  'Becker',
  'Costa',
  'Dubois',
  'Engel',
  'Fraser',
  'Garcia',
  'Hoffmann',
  'Iqbal',
  'Jovanovic',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Novak',
  "O'Brien",
  'Petrov',
  'Reyes',
  'Silva',
  'Tanaka',
  'Ueda',
  'Vogel',
  'Weber',
  'Yilmaz',
  'Zhang',
] as const;

const emailOf = (first: string, last: string): string =>
  `${first}.${last}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f']/g, '')
    .toLowerCase()
    .concat('@', EMAIL_DOMAIN);

/** `alice.adams@acme.example` -> `Alice.Adams@acme.example`. */
const capitalised = (email: string): string => {
  const [local = '', domain = ''] = email.split('@');
  return `${local.replace(/(^|\.)([a-z])/g, (m) => m.toUpperCase())}@${domain}`;
};

/** Share of each job, and the fewest people of that job the scenarios need. */
const JOBS: readonly { readonly job: Job; readonly share: number; readonly min: number }[] = [
  { job: 'developer', share: 0.34, min: 3 },
  { job: 'sre', share: 0.13, min: 2 },
  { job: 'data-scientist', share: 0.14, min: 2 },
  { job: 'finance', share: 0.1, min: 1 },
  { job: 'platform-admin', share: 0.1, min: 1 },
  { job: 'security', share: 0.07, min: 0 },
  { job: 'support', share: 0.12, min: 0 },
];

/**
 * The fewest people the scenarios can be cast from. Below about 20 people some scenarios share
 * an actor; from 20 on every scenario has its own.
 */
export const MIN_PEOPLE = 10;

const jobCounts = (people: number): Map<Job, number> => {
  const counts = new Map<Job, number>(JOBS.map((j) => [j.job, Math.max(j.min, Math.round(people * j.share))]));
  let total = [...counts.values()].reduce((a, b) => a + b, 0);
  // Developers absorb the rounding: they are the largest group.
  const developers = counts.get('developer') ?? 0;
  counts.set('developer', Math.max(JOBS[0]?.min ?? 3, developers + people - total));
  total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total !== people) {
    for (const j of JOBS) {
      const n = counts.get(j.job) ?? 0;
      if (total > people && n > j.min) {
        const cut = Math.min(n - j.min, total - people);
        counts.set(j.job, n - cut);
        total -= cut;
      }
    }
  }
  return counts;
};

/** The whole organisation. */
export interface Organisation {
  readonly start: number;
  readonly days: number;
  readonly resources: Readonly<Record<'management' | 'production' | 'development', AccountResources>>;
  readonly people: readonly Person[];
  readonly sso: (account: string, permissionSet: string) => RoleRef;
  readonly roles: {
    readonly terraform: readonly MachineRole[];
    readonly ci: readonly MachineRole[];
    readonly appServer: MachineRole;
    readonly ordersProcessor: MachineRole;
    readonly dataPipeline: MachineRole;
    readonly opsAdmin: MachineRole;
  };
  readonly users: {
    readonly oliver: IamUser;
    readonly lena: IamUser;
    readonly ciLegacy: IamUser;
    readonly biExport: IamUser;
    readonly legacyOps: IamUser;
  };
  readonly contractors: { readonly oliver: Contractor; readonly lena: Contractor };
  /** Day terraform rotates svc-bi-export's key: the new key is used from the next refresh on. */
  biKeyRotationDay: number;
  readonly appInstances: readonly { readonly id: string; readonly ip: string }[];
  readonly pipelineIps: readonly string[];
  readonly lambdaIps: readonly string[];
  readonly biIps: readonly string[];
  readonly jenkinsIp: string;
  readonly githubProviderArn: (account: string) => string;
}

const machineRole = (rng: Rng, account: string, name: string, path = '/'): MachineRole => ({
  account,
  name,
  path,
  roleId: uniqueId(rng, 'AROA'),
  key: `role:${account}:${name}`,
});

const iamUser = (rng: Rng, account: string, userName: string): IamUser => ({
  kind: 'iam-user',
  userName,
  account,
  userId: uniqueId(rng, 'AIDA'),
  key: `user:${account}:${userName}`,
  accessKeys: [accessKeyId(rng, 'AKIA')],
});

/** Builds Acme for a seed: the same seed always gives the same people, roles and addresses. */
export const buildOrganisation = (rng: Rng, people: number, start: number, days: number): Organisation => {
  const ssoInstance = rng.hex(16);
  const resources = {
    management: resourcesFor(rng.fork('res-mgmt'), ACCOUNTS.management, 'mgmt', ssoInstance),
    production: resourcesFor(rng.fork('res-prod'), ACCOUNTS.production, 'prod', ssoInstance),
    development: resourcesFor(rng.fork('res-dev'), ACCOUNTS.development, 'dev', ssoInstance),
  };
  const ssoRoles = new Map<string, RoleRef>();
  const ssoRng = rng.fork('sso');
  const sso = (account: string, permissionSet: string): RoleRef => {
    const id = `${account}/${permissionSet}`;
    let role = ssoRoles.get(id);
    if (!role) {
      role = {
        account,
        name: `AWSReservedSSO_${permissionSet}_${ssoRng.fork(id).hex(16)}`,
        path: `/aws-reserved/sso.amazonaws.com/${MAIN_REGION}/`,
        roleId: uniqueId(ssoRng.fork(`${id}/id`), 'AROA'),
      };
      ssoRoles.set(id, role);
    }
    return role;
  };
  const roleRng = rng.fork('roles');
  const opsAdmin = machineRole(roleRng, ACCOUNTS.production, 'ops-admin');
  const set = (
    weight: number,
    account: string,
    permissionSet: string,
    mix: ApiMix,
    readOnly = false,
    chainTo?: RoleRef,
  ): Assignment => ({
    weight,
    role: sso(account, permissionSet),
    permissionSet,
    readOnly,
    mix,
    ...(chainTo ? { chainTo } : {}),
  });
  const assignmentsFor = (job: Job): Assignment[] => {
    const { management: m, production: p, development: d } = ACCOUNTS;
    switch (job) {
      case 'developer':
        return [set(7, d, 'DeveloperAccess', DEVELOPER_MIX), set(3, p, 'ReadOnlyAccess', DEVELOPER_MIX, true)];
      case 'sre':
        return [
          set(5, p, 'SREAccess', SRE_MIX),
          set(3, p, 'SREAccess', SRE_MIX, false, opsAdmin),
          set(2, d, 'DeveloperAccess', DEVELOPER_MIX),
        ];
      case 'data-scientist':
        return [set(1, p, 'DataScientist', DATA_SCIENCE_MIX)];
      case 'finance':
        return [set(7, p, 'FinanceAnalyst', FINANCE_MIX), set(3, m, 'BillingReadOnly', FINANCE_MIX, true)];
      case 'platform-admin':
        return [
          set(3, m, 'AdministratorAccess', ADMIN_MIX, true),
          set(4, p, 'AdministratorAccess', ADMIN_MIX, true),
          set(3, d, 'AdministratorAccess', ADMIN_MIX, true),
        ];
      case 'security':
        return [
          set(3, m, 'SecurityAudit', SECURITY_MIX, true),
          set(4, p, 'SecurityAudit', SECURITY_MIX, true),
          set(3, d, 'SecurityAudit', SECURITY_MIX, true),
        ];
      case 'support':
        return [set(1, p, 'ReadOnlyAccess', SUPPORT_MIX, true)];
    }
  };
  const toolMixFor = (job: Job): readonly (readonly [number, Tool])[] => {
    switch (job) {
      case 'developer':
        return [
          [3, 'console'],
          [5, 'cli'],
          [2, 'terraform'],
        ];
      case 'sre':
        return [
          [4, 'console'],
          [6, 'cli'],
        ];
      case 'data-scientist':
        return [
          [3, 'console'],
          [5, 'boto3'],
          [2, 'cli'],
        ];
      case 'finance':
        return [
          [9, 'console'],
          [1, 'cli'],
        ];
      case 'platform-admin':
        return [
          [4, 'console'],
          [4, 'cli'],
          [2, 'terraform'],
        ];
      case 'security':
        return [
          [5, 'console'],
          [5, 'boto3'],
        ];
      case 'support':
        return [[1, 'console']];
    }
  };
  const sessionEventsFor: Record<Job, number> = {
    developer: 32,
    sre: 30,
    'data-scientist': 14,
    finance: 12,
    'platform-admin': 30,
    security: 45,
    support: 14,
  };

  const counts = jobCounts(people);
  const peopleRng = rng.fork('people');
  const cast: Person[] = [];
  let index = 0;
  const firsts = peopleRng.shuffle(FIRST_NAMES);
  const lasts = peopleRng.shuffle(LAST_NAMES);
  for (const { job } of JOBS) {
    for (let k = 0; k < (counts.get(job) ?? 0); k++) {
      const prng = peopleRng.fork(index);
      // First names cycle fastest so the demo's people are easy to tell apart; pairs never repeat.
      const first = firsts[index % firsts.length] ?? 'Person';
      const last = lasts[(index + Math.floor(index / firsts.length)) % lasts.length] ?? `${index}`;
      const pair = [first, last] as const;
      const site: Site = prng.weighted([
        [6, 'london'],
        [2.5, 'new-york'],
        [1.5, 'berlin'],
      ]);
      const country = site === 'london' ? 'GB' : site === 'new-york' ? 'US' : 'DE';
      const tz: TimeZone =
        site === 'london' ? 'Europe/London' : site === 'new-york' ? 'America/New_York' : 'Europe/Berlin';
      const isp = prng.int(0, 2);
      const v6 = prng.chance(0.2);
      const homeIps = [homeAddress(prng, country, isp, v6), homeAddress(prng, country, isp, v6)];
      const email = emailOf(pair[0], pair[1]);
      const daysOff = new Set<number>();
      const holiday = prng.chance(0.5) ? prng.int(0, days - 3) : -1;
      if (holiday >= 0) for (let d = holiday; d < holiday + prng.int(1, 3); d++) daysOff.add(d);
      cast.push({
        kind: 'person',
        index,
        name: `${pair[0]} ${pair[1]}`,
        email,
        // Some accounts were created with capitals; Vigil must still see one person.
        sessionName: prng.chance(0.3) ? capitalised(email) : email,
        key: `person:${email}`,
        job,
        site,
        tz,
        country,
        startHour: prng.range(7.5, 10),
        hours: prng.range(7.5, 9.5),
        homeIps,
        homeChangeDay: prng.chance(0.25) ? prng.int(3, days - 1) : null,
        officeIp:
          site === 'london'
            ? `212.36.184.${prng.int(10, 13)}`
            : site === 'new-york'
              ? `71.178.36.${prng.int(20, 23)}`
              : null,
        vpnIp: site === 'new-york' ? addressIn(prng, 'zscalerNewYork') : addressIn(prng, 'zscalerLondon'),
        tools: toolsFor(prng),
        toolMix: toolMixFor(job),
        assignments: assignmentsFor(job),
        customerReads: job === 'data-scientist' ? prng.range(20, 45) : 0,
        financeReads: job === 'finance' ? prng.range(8, 16) : job === 'data-scientist' && prng.chance(0.4) ? 3 : 0,
        sessionEvents: sessionEventsFor[job] * prng.range(0.7, 1.3),
        firstDay: 0,
        daysOff,
        readBoost: new Map(),
        travel: null,
      });
      index++;
    }
  }

  const { management, production, development } = ACCOUNTS;
  const terraform = [management, production, development].map((a) => machineRole(roleRng, a, 'terraform-deployer'));
  const ci = [production, development].map((a) => machineRole(roleRng, a, 'github-actions-ci'));
  const userRng = rng.fork('users');
  const netRng = rng.fork('machines');
  const oliver = iamUser(userRng, production, 'oliver.grant');
  const lena = iamUser(userRng, production, 'lena.fischer');
  const contractorRng = rng.fork('contractors');
  return {
    start,
    days,
    resources,
    people: cast,
    sso,
    roles: {
      terraform,
      ci,
      appServer: machineRole(roleRng, production, 'app-server-role'),
      ordersProcessor: machineRole(roleRng, production, 'orders-processor-role', '/service-role/'),
      dataPipeline: machineRole(roleRng, production, 'data-pipeline'),
      opsAdmin,
    },
    users: {
      oliver,
      lena,
      ciLegacy: iamUser(userRng, development, 'ci-legacy'),
      biExport: iamUser(userRng, production, 'svc-bi-export'),
      legacyOps: iamUser(userRng, production, 'legacy-ops'),
    },
    contractors: {
      oliver: {
        kind: 'contractor',
        user: oliver,
        name: 'Oliver Grant',
        tz: 'Europe/London',
        homeIp: homeAddress(contractorRng, 'GB', 1, false),
        tools: toolsFor(contractorRng),
        workdays: [1, 2, 3, 4],
        startHour: 9.5,
        hours: 7.5,
        mfaCli: false,
        daysOff: new Set(),
        travel: null,
      },
      lena: {
        kind: 'contractor',
        user: lena,
        name: 'Lena Fischer',
        tz: 'Europe/Berlin',
        homeIp: homeAddress(contractorRng, 'DE', 0, false),
        tools: toolsFor(contractorRng),
        workdays: [1, 2, 3, 4, 5],
        startHour: 8.5,
        hours: 8,
        mfaCli: true,
        daysOff: new Set(),
        travel: null,
      },
    },
    biKeyRotationDay: -1,
    appInstances: resources.production.instances.slice(0, 3).map((id) => ({ id, ip: addressIn(netRng, 'awsIreland') })),
    pipelineIps: [addressIn(netRng, 'awsIreland'), addressIn(netRng, 'awsIreland')],
    lambdaIps: Array.from({ length: 10 }, () => addressIn(netRng, 'awsIrelandLambda')),
    biIps: [addressIn(netRng, 'biSaas'), addressIn(netRng, 'biSaas')],
    jenkinsIp: '212.36.184.40',
    githubProviderArn: (account) => `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
  };
};
