/**
 * The synthetic organisation behind `vigil demo` and the benchmark corpus: Acme's people and
 * machines at work for some weeks, as CloudTrail records, with labelled insider scenarios and hard
 * negatives planted in the last two weeks. Deterministic for a seed, on any machine.
 *
 * Records are produced day by day and released in time order once no later day can produce an
 * earlier event, so a stream of millions of events holds about one day of events in memory.
 */
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import { resolvePrincipal } from '../../lambdas/core/normalise.ts';
import {
  appServerDay,
  biExportDay,
  ciDay,
  ciLegacyDay,
  contractorDay,
  type Emitter,
  lambdaDay,
  onCallPage,
  personDay,
  pipelineRun,
  servicesDay,
  terraformDay,
} from './activity.ts';
import type { ScenarioLabel } from './label.ts';
import {
  ACCOUNTS,
  buildOrganisation,
  type Job,
  MAIN_REGION,
  MIN_PEOPLE,
  type Organisation,
  SENSITIVE_BUCKETS,
} from './organisation.ts';
import { Rng } from './random.ts';
import { assignIds, recordIds, toRecord } from './records.ts';
import { evaluationDays, planScenarios, type ScenarioPlan } from './scenarios.ts';
import { DAY, HOUR, isoDate } from './time.ts';

export type { ScenarioLabel } from './label.ts';

/** What to generate. */
export interface GenerateOptions {
  readonly seed: number;
  /** Days of activity, 7 to 3660; scenarios are planted in the last 14 (the last half of shorter windows). */
  readonly days: number;
  /** People signing in through Identity Center, 10 to 20000 (contractors, service users and roles come on top). */
  readonly people: number;
  /** First day, ISO date. @default '2026-10-01' */
  readonly start?: string;
}

/** What to stream. */
export interface StreamOptions extends GenerateOptions {
  /**
   * Stop after exactly this many records. When the window's days hold fewer, the organisation
   * keeps working normally past them until the count is reached.
   * @default - every record of the window
   */
  readonly eventsTarget?: number;
}

/** A generated organisation. */
export interface Generated {
  /** Every record, sorted by eventTime. */
  readonly records: CloudTrailRecord[];
  readonly labels: ScenarioLabel[];
  /** Distinct principals Vigil keeps baselines for (AWS service events excluded). */
  readonly principals: number;
  /** Distinct (principal, UTC day) pairs with activity: the denominator of the false-alarm rate. */
  readonly principalDays: number;
  /** Lines describing the organisation, for the demo to print. */
  readonly description: string[];
  /** The configuration the organisation runs under: merge it into the replay's configuration. */
  readonly config: DemoConfig;
}

/** The parts of Vigil's configuration the synthetic organisation needs. */
export interface DemoConfig {
  readonly sensitiveBuckets: string[];
  readonly trustedAutomation: string[];
  readonly productionAccounts: string[];
  readonly organisationAccounts: string[];
}

/** The demo's defaults: 30 people over four weeks, about 100k events. */
export const DEMO_OPTIONS = { seed: 7, days: 28, people: 30 } as const satisfies GenerateOptions;

/** The first day when none is given. */
export const DEFAULT_START = '2026-10-01';

/** The configuration the organisation runs under: its sensitive buckets, automation and accounts. */
export const demoConfig = (): DemoConfig => ({
  sensitiveBuckets: [...SENSITIVE_BUCKETS],
  trustedAutomation: ['role:*:terraform-deployer'],
  productionAccounts: [ACCOUNTS.production],
  organisationAccounts: [ACCOUNTS.management, ACCOUNTS.production, ACCOUNTS.development],
});

/** Options the generator cannot honour; the message names the option and what it accepts. */
export class DemoOptionsError extends Error {
  override readonly name = 'DemoOptionsError';
}

const startOf = (start: string | undefined): number => {
  const text = start ?? DEFAULT_START;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms))
    throw new DemoOptionsError(`start: ${JSON.stringify(text)} is not an ISO date; expected e.g. "${DEFAULT_START}"`);
  return Math.floor(ms / DAY) * DAY;
};

const validate = (opts: StreamOptions): number => {
  if (!Number.isSafeInteger(opts.seed)) throw new DemoOptionsError(`seed: ${opts.seed} is not an integer`);
  if (!Number.isInteger(opts.days) || opts.days < 7 || opts.days > 3660) {
    throw new DemoOptionsError(`days: ${opts.days} is not a whole number of days from 7 to 3660`);
  }
  if (!Number.isInteger(opts.people) || opts.people < MIN_PEOPLE || opts.people > 20_000) {
    throw new DemoOptionsError(`people: ${opts.people} is not a whole number from ${MIN_PEOPLE} to 20000`);
  }
  if (opts.eventsTarget !== undefined && (!Number.isSafeInteger(opts.eventsTarget) || opts.eventsTarget < 0)) {
    throw new DemoOptionsError(`eventsTarget: ${opts.eventsTarget} is not a non-negative integer`);
  }
  return startOf(opts.start);
};

interface World {
  readonly rng: Rng;
  readonly org: Organisation;
  readonly plan: ScenarioPlan;
}

const worldFor = (opts: StreamOptions): World => {
  const start = validate(opts);
  const rng = new Rng(`vigil-demo/${opts.seed}`);
  const org = buildOrganisation(rng.fork('organisation'), opts.people, start, opts.days);
  const plan = planScenarios(org, rng.fork('scenarios'));
  return { rng, org, plan };
};

const JOB_NAMES: Record<Job, [string, string]> = {
  developer: ['developer', 'developers'],
  sre: ['SRE', 'SREs'],
  'data-scientist': ['data scientist', 'data scientists'],
  finance: ['finance analyst', 'finance analysts'],
  'platform-admin': ['platform admin', 'platform admins'],
  security: ['security analyst', 'security analysts'],
  support: ['support engineer', 'support engineers'],
};

const describe = (org: Organisation, plan: ScenarioPlan): string[] => {
  const jobs = new Map<Job, number>();
  for (const p of org.people) jobs.set(p.job, (jobs.get(p.job) ?? 0) + 1);
  const staff = [...jobs].map(([job, n]) => `${n} ${JOB_NAMES[job][n === 1 ? 0 : 1]}`).join(', ');
  const attacks = plan.labels.filter((l) => l.kind === 'attack').length;
  const benign = plan.labels.length - attacks;
  const end = org.start + (org.days - 1) * DAY;
  return [
    `Acme: 3 AWS accounts (management ${ACCOUNTS.management}, production ${ACCOUNTS.production}, development ${ACCOUNTS.development}), workloads in ${MAIN_REGION}.`,
    `${org.people.length} people sign in through IAM Identity Center: ${staff}.`,
    '2 contractors and 3 service users have IAM users; CI, terraform, EC2, Lambda and a nightly data pipeline run as roles.',
    `S3 data events are logged for the sensitive buckets ${SENSITIVE_BUCKETS.join(' and ')}.`,
    `${org.days} days, ${isoDate(org.start)} to ${isoDate(end)}: ${org.days - evaluationDays(org.days)} days of normal work to learn from, then ${attacks} attacks planted among ${benign} hard negatives.`,
  ];
};

/** The labels and description of an organisation, without generating its records. */
export const describeOrganisation = (opts: GenerateOptions): { labels: ScenarioLabel[]; description: string[] } => {
  const { org, plan } = worldFor(opts);
  return { labels: [...plan.labels], description: describe(org, plan) };
};

interface Spec {
  readonly t: number;
  readonly seq: number;
  readonly record: CloudTrailRecord;
}

const bySpecTime = (a: Spec, b: Spec): number => a.t - b.t || a.seq - b.seq;

/** How far before its calendar day (UTC) an actor's day may start: Berlin is UTC+2 in summer. */
const LEAD = 3 * HOUR;

/** Releases the organisation's records in time order, day by day. */
function* records(world: World, eventsTarget: number | undefined): Generator<CloudTrailRecord> {
  const { rng, org, plan } = world;
  const ids = recordIds(rng.fork('ids'));
  const windowStart = org.start;
  const windowEnd = org.start + org.days * DAY;
  const target = eventsTarget ?? Number.POSITIVE_INFINITY;
  if (target === 0) return;
  let buffer: Spec[] = [];
  let seq = 0;
  let released = Number.NEGATIVE_INFINITY;
  const out: Emitter = {
    emit(t, call) {
      if (t < released) {
        throw new Error(
          `demo generator emitted ${call.source} ${call.name} at ${new Date(t).toISOString()}, after releasing events up to ${new Date(released).toISOString()}`,
        );
      }
      buffer.push({ t, seq: seq++, record: toRecord(t, call) });
    },
  };
  const production = org.roles.terraform.find((r) => r.account === ACCOUNTS.production);
  let yielded = 0;
  for (let day = 0; ; day++) {
    const bounded = eventsTarget === undefined;
    if (bounded && day >= org.days) break;
    const date = org.start + day * DAY;
    const dayRng = rng.fork(`day/${day}`);
    org.people.forEach((p) => {
      personDay(org, p, day, date, dayRng.fork(`person/${p.index}`), out);
    });
    contractorDay(org, org.contractors.oliver, day, date, dayRng.fork('oliver'), out);
    contractorDay(org, org.contractors.lena, day, date, dayRng.fork('lena'), out);
    for (const role of org.roles.terraform) {
      const planned = role === production ? (plan.terraform.get(day) ?? []) : [];
      terraformDay(org, role, date, dayRng.fork(`terraform/${role.account}`), out, planned);
    }
    for (const role of org.roles.ci) ciDay(org, role, date, dayRng.fork(`ci/${role.account}`), out);
    appServerDay(org, date, dayRng.fork('app'), out);
    lambdaDay(org, date, dayRng.fork('lambda'), out);
    pipelineRun(org, date, dayRng.fork('pipeline'), out);
    biExportDay(org, day, date, dayRng.fork('bi'), out);
    ciLegacyDay(org, date, dayRng.fork('jenkins'), out);
    servicesDay(date, dayRng.fork('services'), out);
    onCallPage(org, day, date, dayRng.fork('on-call'), out);
    for (const { t, call } of plan.calls.get(day) ?? []) out.emit(t, call);

    const last = bounded && day === org.days - 1;
    const watermark = last ? Number.POSITIVE_INFINITY : date + DAY - LEAD;
    buffer.sort(bySpecTime);
    let cut = 0;
    while (cut < buffer.length && (buffer[cut] as Spec).t < watermark) cut++;
    const ready = buffer.slice(0, cut);
    buffer = buffer.slice(cut);
    released = watermark;
    for (const spec of ready) {
      if (spec.t < windowStart || (bounded && spec.t >= windowEnd)) continue;
      yield assignIds(spec.record, ids);
      if (++yielded >= target) return;
    }
  }
}

/**
 * Streams the organisation's records in eventTime order with bounded memory: about one day of
 * events is held at a time, whatever the total.
 */
export function* generateStream(opts: StreamOptions): Generator<CloudTrailRecord> {
  yield* records(worldFor(opts), opts.eventsTarget);
}

/** Generates the whole organisation in memory: records, labels, and the principal-day count. */
export const generateOrganisation = (opts: GenerateOptions): Generated => {
  const world = worldFor(opts);
  const all: CloudTrailRecord[] = [];
  const keys = new Set<string>();
  const principalDays = new Set<string>();
  // Records of one session share their userIdentity object, so one resolution serves them all.
  const resolved = new WeakMap<object, string | null>();
  for (const record of records(world, undefined)) {
    all.push(record);
    const identity = record.userIdentity ?? {};
    let key = resolved.get(identity);
    if (key === undefined) {
      const result = resolvePrincipal(record);
      key = result.ok ? result.principal.key : null;
      resolved.set(identity, key);
    }
    if (key === null) continue;
    keys.add(key);
    principalDays.add(`${key} ${record.eventTime?.slice(0, 10)}`);
  }
  const description = describe(world.org, world.plan);
  description.push(
    `${all.length.toLocaleString('en-GB')} CloudTrail events from ${keys.size} principals over ${principalDays.size.toLocaleString('en-GB')} principal-days.`,
  );
  return {
    records: all,
    labels: [...world.plan.labels],
    principals: keys.size,
    principalDays: principalDays.size,
    description,
    config: demoConfig(),
  };
};
