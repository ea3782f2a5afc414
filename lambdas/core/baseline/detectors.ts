/**
 * The baseline detectors: each reads one feature of the shared analysis (`analyse.ts`) and scores
 * it with the session's other anomalies, so one event raises one finding per anomaly whose
 * severity says how much else was odd around it. A finding is raised once per dedup window and
 * raised again only when its severity rises, so a long anomalous session updates one finding.
 *
 * Every finding's evidence explains its score: the feature and how far it is from normal, the
 * score and the anomalies that made it (`contributors`), and the baseline's age.
 */
import type { Detection, DetectorContext, DetectorDefinition } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import type { Severity } from '../finding.ts';
import { explainRisk } from '../risk.ts';
import {
  type Analysis,
  analyse,
  knownKeys,
  type Scored,
  SEVERITY_SCORES,
  score,
  severityIndex,
  YOUNG_FACTOR,
} from './analyse.ts';
import { HOUR } from './features.ts';
import type { PeerBook } from './peers.ts';
import type { Feature } from './signals.ts';
import { summarise } from './stats.ts';

/** How a baseline detector differs from the others. */
interface Spec {
  readonly feature: Feature;
  readonly title: string;
  readonly attack: readonly string[];
  readonly techniques: readonly string[];
  readonly dedupWindowMinutes: number;
  readonly runbook: string;
  /**
   * Below this the anomaly still corroborates others but raises no finding of its own.
   * @default 'low'
   */
  readonly minSeverity?: Severity;
  readonly key: (a: Analysis) => string;
  readonly headline: (a: Analysis, who: string) => string;
  readonly facts: (a: Analysis) => Record<string, unknown>;
}

/** Alert memory older than this is dropped from the window. */
const ALERT_MEMORY_MS = 48 * HOUR;
/** Alerts remembered at most. */
const MAX_ALERT_MEMORY = 12;

const who = (event: VigilEvent): string => event.principal.name;

const baselineFacts = (a: Analysis, ctx: DetectorContext): Record<string, unknown> => ({
  ageDays: a.ageDays,
  activeDays: a.baseline?.nd ?? 0,
  learningWindowDays: ctx.config.learning.windowDays,
  young: a.young,
  ...(a.young
    ? {
        note: `young baseline (${a.ageDays} of ${ctx.config.learning.windowDays} days): score multiplied by ${YOUNG_FACTOR}`,
      }
    : {}),
  ...(a.group ? { peerGroup: a.group } : {}),
});

const explain = (scored: Scored): string => {
  const bar =
    scored.severity === 'critical'
      ? `>= ${SEVERITY_SCORES.critical}`
      : scored.severity === 'high'
        ? `>= ${SEVERITY_SCORES.high}`
        : scored.severity === 'medium'
          ? `>= ${SEVERITY_SCORES.medium}`
          : `< ${SEVERITY_SCORES.medium}`;
  return `score ${scored.score} (${bar}: ${scored.severity})`;
};

/** True when this hit repeats one already raised in the same window at the same or higher severity. */
const alreadyRaised = (a: Analysis, spec: Spec, key: string, severity: number): boolean => {
  const windowMs = spec.dedupWindowMinutes * 60_000;
  // In hours, to keep the memory small: every dedup window is a whole number of hours or less.
  const windowStart = Math.floor((Math.floor(a.event.time / windowMs) * windowMs) / HOUR);
  const memory = a.window.lv;
  for (const [k, [start]] of Object.entries(memory))
    if (start * HOUR < a.event.time - ALERT_MEMORY_MS) delete memory[k];
  const slot = `${spec.feature}|${key}`;
  const before = memory[slot];
  if (before && before[0] === windowStart && before[1] >= severity) return true;
  if (!before) {
    // Full: forget the oldest; at worst a repeat is raised again and merges into its finding.
    const slots = Object.keys(memory);
    if (slots.length >= MAX_ALERT_MEMORY) {
      delete memory[slots.reduce((a, b) => ((memory[a]?.[0] ?? 0) <= (memory[b]?.[0] ?? 0) ? a : b))];
    }
  }
  memory[slot] = [windowStart, severity];
  return false;
};

const define = (spec: Spec, peers: PeerBook): DetectorDefinition => ({
  id: `baseline.${spec.feature}`,
  title: spec.title,
  severity: 'low',
  attack: spec.attack,
  techniques: spec.techniques,
  triggers: [],
  kind: 'baseline',
  fastPath: false,
  dedupWindowMinutes: spec.dedupWindowMinutes,
  runbook: spec.runbook,
  detect(event, ctx): Detection | null {
    const a = analyse(event, ctx, { peers });
    const own = a.signals.find((s) => s.feature === spec.feature);
    if (!own) return null;
    const scored = score(a, own);
    if (severityIndex(scored.severity) < severityIndex(spec.minSeverity ?? 'low')) return null;
    const key = spec.key(a);
    if (alreadyRaised(a, spec, key, severityIndex(scored.severity))) return null;
    return {
      severity: scored.severity,
      title: spec.headline(a, who(event)),
      dedupKey: key,
      evidence: {
        ...spec.facts(a),
        score: scored.score,
        scoreExplained: explain(scored),
        contributors: scored.contributors,
        baseline: baselineFacts(a, ctx),
        priorRisk: explainRisk(ctx.state.risk, event.time, ctx.config.risk.halfLifeHours),
        sourceIp: event.sourceIp,
        userAgent: event.userAgent,
        api: a.api.name,
        mfa: event.mfa,
      },
    };
  },
});

const placeFacts = (a: Analysis): Record<string, unknown> => ({
  country: a.place?.country ?? null,
  asn: a.place?.asn ?? null,
  asnOrg: a.place?.asnOrg ?? null,
  network: a.place?.network ?? null,
  knownCountries: Object.keys(a.baseline?.cc ?? {}).filter((c) => c !== a.place?.country),
  ...(a.place && a.place.countryPeers.members > 0
    ? { countryAmongPeers: `${a.place.countryPeers.count} of ${a.place.countryPeers.members}` }
    : {}),
  sessionMfa: a.mfa,
  usualMfa: mfaHabit(a),
});

/** How often the principal works with MFA: a session without it stands out for one who always has it. */
const mfaHabit = (a: Analysis): string | null => {
  const [withMfa = 0, without = 0] = a.baseline?.mfa ?? [];
  const hours = withMfa + without;
  return hours === 0 ? null : `MFA in ${Math.round((withMfa / hours) * 100)}% of ${hours} active hours`;
};

/** A normal day's distinct APIs, for judging an enumeration. */
const distinctApis = (a: Analysis): number | null => {
  const history = a.baseline?.vol.a ?? [];
  return history.length === 0 ? null : Math.round(summarise(history).median);
};

const SPECS: readonly Spec[] = [
  {
    feature: 'new-country',
    title: 'Activity from a country never seen for this principal',
    attack: ['T1078.004'],
    techniques: [
      'GuardDuty UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      'stolen credentials used abroad',
    ],
    dedupWindowMinutes: 24 * 60,
    runbook:
      'Ask the person whether they are travelling. If not, or the session lacks MFA: deactivate the access keys or revoke the sessions, and review what was done from there.',
    key: (a) => a.place?.country ?? 'unknown',
    headline: (a, name) => `${name} active from ${a.place?.country}, a country never seen for them`,
    facts: placeFacts,
  },
  {
    feature: 'new-asn',
    title: 'Activity from a network provider never seen for this principal',
    attack: ['T1078.004'],
    techniques: ['credentials used from a new provider (VPS, hosting, another AWS account)'],
    dedupWindowMinutes: 24 * 60,
    runbook:
      'Check the provider: a hosting or VPN provider, or an AWS address from outside the organisation, points to credentials used elsewhere. Ask the person.',
    key: (a) => a.place?.asn ?? 'unknown',
    headline: (a, name) =>
      `${name} active from AS${a.place?.asn}${a.place?.asnOrg ? ` (${a.place.asnOrg})` : ''}, never seen for them`,
    facts: placeFacts,
  },
  {
    feature: 'new-network',
    title: 'Activity from a network never seen for this principal',
    attack: ['T1078.004'],
    techniques: ['credentials used from a new network'],
    dedupWindowMinutes: 24 * 60,
    runbook: 'Usually a new office, home or mobile network. Look closer only with other anomalies in the same session.',
    // Networks change all the time (home broadband, phones, hotels): alone, not worth a finding.
    minSeverity: 'medium',
    key: (a) => a.place?.network ?? 'unknown',
    headline: (a, name) => `${name} active from network ${a.place?.network}, never seen for them`,
    facts: placeFacts,
  },
  {
    feature: 'impossible-travel',
    title: 'Impossible travel between two countries',
    attack: ['T1078.004'],
    techniques: ['GuardDuty impossible travel', 'credentials used in two places at once'],
    dedupWindowMinutes: 6 * 60,
    runbook:
      'Two places faster than an airliner: one of them is not the person. Find which session is theirs, revoke the other (sessions and keys), and check for a VPN before closing.',
    key: (a) => `${a.place?.travel?.from}>${a.place?.travel?.to}`,
    headline: (a, name) =>
      `${name} moved from ${a.place?.travel?.from} to ${a.place?.travel?.to} in ${a.place?.travel?.hours} h`,
    facts: (a) => ({
      ...placeFacts(a),
      travel: a.place?.travel ?? null,
      speedLimitKmh: 1000,
      method: 'country centroids, less a margin per country',
    }),
  },
  {
    feature: 'off-hours',
    title: 'Activity far outside the principal’s own hours',
    attack: ['T1078.004'],
    techniques: ['after-hours activity'],
    dedupWindowMinutes: 6 * 60,
    runbook:
      'Alone, often on-call or a deadline. With other anomalies in the session, ask the person what they were doing.',
    key: () => 'hours',
    headline: (a, name) => `${name} active at ${a.offHours?.when ?? 'an unusual hour'}, outside their usual hours`,
    facts: (a) => ({ hours: a.offHours?.detail ?? null, level: a.offHours?.level ?? 0 }),
  },
  {
    feature: 'sensitive-api-first-use',
    title: 'First use of a sensitive API',
    attack: ['T1098', 'T1555.006', 'T1562'],
    techniques: ['first use of IAM, secrets, KMS, logging or sharing APIs'],
    dedupWindowMinutes: 24 * 60,
    runbook:
      'Check the call against a ticket or change. If unexpected: review the target of the call (policy, key, secret, trail) and undo it.',
    key: (a) => a.api.name,
    headline: (a, name) => `${name} called ${a.api.name} for the first time`,
    facts: (a) => ({
      firstUse: a.api.name,
      peersUsingIt: a.api.peers.members > 0 ? `${a.api.peers.count} of ${a.api.peers.members}` : null,
    }),
  },
  {
    feature: 'sensitive-bucket-first-access',
    title: 'First access to a sensitive bucket',
    attack: ['T1530'],
    techniques: ['GuardDuty Exfiltration:S3/AnomalousBehavior'],
    dedupWindowMinutes: 24 * 60,
    runbook:
      'Check the person needs this data for their work. If not: remove their access to the bucket and review what was read.',
    key: (a) => a.s3?.bucket ?? 'unknown',
    headline: (a, name) =>
      `${name} ${a.s3?.write ? 'wrote to' : 'read from'} sensitive bucket ${a.s3?.bucket} for the first time`,
    facts: (a) => ({
      bucket: a.s3?.bucket ?? null,
      access: a.s3?.write ? 'write' : 'read',
      peersUsingIt: a.s3 && a.s3.peers.members > 0 ? `${a.s3.peers.count} of ${a.s3.peers.members}` : null,
    }),
  },
  {
    feature: 'bulk-download',
    title: 'Bulk download far above normal',
    attack: ['T1530'],
    techniques: ['GuardDuty Exfiltration:S3/AnomalousBehavior', 'insider bulk download'],
    dedupWindowMinutes: 24 * 60,
    runbook:
      'Find what was read (the finding lists the events; the bucket access logs the rest). If unexpected: revoke the sessions, deactivate the keys, and secure where the data went.',
    key: () => 'volume',
    headline: (a, name) =>
      `${name} read ${a.volume?.objects} S3 objects in 24 h, ${Math.max(a.volume?.objectRatio ?? 0, a.volume?.byteRatio ?? 0)}x their normal day`,
    facts: (a) => ({ volume: a.volume, deviation: deviationOf(a) }),
  },
  {
    feature: 'discovery-burst',
    title: 'Burst of discovery calls',
    attack: ['T1580', 'T1526', 'T1087.004', 'T1619'],
    techniques: [
      'GuardDuty Discovery:IAMUser/AnomalousBehavior',
      'stratus:aws.discovery.ec2-enumerate-from-instance',
      'Pacu / ScoutSuite enumeration',
    ],
    dedupWindowMinutes: 6 * 60,
    runbook:
      'Enumeration across services the principal does not use: ask what for. From a new place or tool, treat the credentials as stolen.',
    key: () => 'discovery',
    headline: (a, name) =>
      `${name} made ${a.discovery?.calls} discovery calls in 2 h, ${a.discovery?.newApis} to APIs they never used`,
    facts: (a) => ({ discovery: a.discovery, distinctApisOnANormalDay: distinctApis(a) }),
  },
  {
    feature: 'access-denied-burst',
    title: 'Burst of AccessDenied errors',
    attack: ['T1580', 'T1069.003'],
    techniques: ['permission probing', 'enumerate-iam'],
    dedupWindowMinutes: 6 * 60,
    runbook:
      'Someone is trying what these credentials may do. Ask the person; if it is not them, revoke the sessions and keys.',
    key: () => 'denied',
    headline: (a, name) => `${name} was denied ${a.denied?.calls} of ${a.denied?.of} calls in 2 h`,
    facts: (a) => ({ denied: a.denied }),
  },
  {
    feature: 'rare-api-for-peers',
    title: 'API rare for the principal’s peer group',
    attack: ['T1078.004'],
    techniques: ['peer-group outlier'],
    dedupWindowMinutes: 24 * 60,
    runbook: 'An API the principal’s peers almost never call. Usually a new task; with other anomalies, ask what for.',
    key: (a) => a.api.name,
    headline: (a, name) =>
      `${name} called ${a.api.name}, which ${a.api.peers.count} of ${a.api.peers.members} peers use`,
    facts: (a) => ({
      api: a.api.name,
      peerGroup: a.group,
      peersUsingIt: `${a.api.peers.count} of ${a.api.peers.members}`,
    }),
  },
  {
    feature: 'new-user-agent',
    title: 'New tool (user-agent family)',
    attack: ['T1078.004'],
    techniques: ['GuardDuty PenTest:IAMUser/KaliLinux', 'GuardDuty PenTest:IAMUser/ParrotLinux', 'new SDK or tool'],
    dedupWindowMinutes: 24 * 60,
    runbook:
      'A tool the principal never used. Pentest tooling from anyone but the security team: revoke the sessions and keys.',
    key: (a) => a.userAgent.family,
    headline: (a, name) =>
      a.userAgent.family === 'pentest'
        ? `${name} used pentest tooling`
        : `${name} used ${a.userAgent.family}, a tool never seen for them`,
    facts: (a) => ({
      family: a.userAgent.family,
      knownFamilies: knownKeys(a.baseline?.ua, a.baseline ? a.day - a.baseline.d0 : 0),
    }),
  },
  {
    feature: 'sustained-growth',
    title: 'Downloads growing day after day',
    attack: ['T1530', 'T1020'],
    techniques: ['slow exfiltration ramp'],
    dedupWindowMinutes: 24 * 60,
    runbook:
      'A slow ramp: the principal reads a little more every day. Compare with their work (a new project?). If unexplained, review what was read over the days of the rise.',
    key: () => 'growth',
    headline: (a, name) =>
      `${name}'s S3 reads rose ${a.growth?.risingDays} days running, now ${a.growth?.ratio}x where they were`,
    facts: (a) => ({ growth: a.growth }),
  },
];

const deviationOf = (a: Analysis): string | null => {
  const v = a.volume;
  if (!v || v.referenceObjects === null) return null;
  const days = v.reference === 'peers' ? 'peers’' : `${v.historyDays}-day`;
  return v.objectRatio >= v.byteRatio
    ? `${v.objectRatio}x the ${days} median of objects read a day (${v.referenceObjects})`
    : `${v.byteRatio}x the ${days} median of bytes read a day (${v.referenceBytes})`;
};

/** The baseline detectors, reading (with the model) the peer aggregates in `peers`. */
export const createBaselineDetectors = (peers: PeerBook): DetectorDefinition[] =>
  SPECS.map((spec) => define(spec, peers));
