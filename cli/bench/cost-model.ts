/**
 * What Vigil costs in AWS per million CloudTrail events, path by path, from what the benchmark
 * measured and the dated price table. Two steps, both pure: `deriveUsage` turns measurements and
 * the scorer's settings into requests and units (what AWS bills), `priceUsage` turns those into
 * dollars per million events.
 *
 * The paths, as DESIGN.md lays them out:
 * - fast: each high-signal event is an EventBridge event (CloudTrail management events on the
 *   default bus are free) sent to an SQS queue, scored in batches, rules only;
 * - bulk: every event again, in its log file: one S3 "Object Created" event (an opt-in data event,
 *   charged) per file, one SQS message per file, one S3 GET, the KMS calls of the encrypted trail
 *   bucket, scored in batches of files with baselines;
 * - response: alerting findings put on Vigil's own bus (custom events) and the playbook executions
 *   they start.
 */
import type { PriceTable } from './prices.ts';

/** The scorer's deployment settings and the latencies the Lambda duration model assumes. */
export interface ScorerSettings {
  /** Lambda memory, MB; CPU share is memoryMb / 1769 of a vCPU. */
  readonly memoryMb: number;
  /** Fast-path SQS messages (one event each) per invocation, at most. */
  readonly fastBatchSize: number;
  /** How long Lambda gathers a fast-path batch, ms. */
  readonly fastWindowMs: number;
  /** Bulk-path SQS messages (one log file each) per invocation. */
  readonly bulkBatchFiles: number;
  /** Events the bulk path scores at once within an invocation: principal state is written once per principal per chunk. */
  readonly bulkChunkEvents: number;
  /** One DynamoDB request, round trip, in the same region. */
  readonly dynamoLatencyMs: number;
  /** One S3 GET of a log file, to the last byte. */
  readonly s3GetLatencyMs: number;
  /** Log bytes per invocation: Vigil's summary line (the scorer's system log level is WARN: no platform lines). */
  readonly logBytesPerInvocation: number;
  /** Vigil's log line per finding. */
  readonly logBytesPerFinding: number;
  /** KMS requests per log file on the SSE-KMS trail bucket: GenerateDataKey at delivery, Decrypt at GET. */
  readonly kmsRequestsPerLogFile: number;
  /** State transitions of one playbook execution. */
  readonly transitionsPerExecution: number;
  /** X-Ray active tracing on the scorer (one trace per sampled invocation). */
  readonly tracing: boolean;
  /** X-Ray sampling: invocations traced each second before the rate applies (default rule: 1)... */
  readonly xRayReservoirPerSecond: number;
  /** ...and the share of the others traced (default rule: 0.05). */
  readonly xRayRate: number;
  /** Size of the SQS message that names a log file (the S3 "Object Created" event). */
  readonly bulkMessageBytes: number;
}

/**
 * State transitions a playbook execution is billed for: one per state it passes through. Counted
 * for an execution that needs no approval and does not fail (dry-run and automatic containment,
 * the default for high and critical findings): every state but the Fail states and the wait for
 * an approver's task token.
 */
/** The part of an Amazon States Language definition counted here. */
export interface StatesDefinition {
  readonly States: Readonly<Record<string, { readonly Type: string; readonly Resource?: string }>>;
}

/** Transitions of an execution of `definition` that needs no approval and does not fail. */
export const transitionsWithoutApproval = (definition: StatesDefinition): number =>
  Object.values(definition.States).filter((s) => s.Type !== 'Fail' && !(s.Resource ?? '').endsWith('.waitForTaskToken'))
    .length;

/** Lambda gives a function one full vCPU at this much memory. */
export const FULL_VCPU_MB = 1769;
const SQS_CHUNK_BYTES = 64 * 1024;
/** Lambda's SQS poller receives and deletes at most this many messages a request. */
const SQS_MESSAGES_PER_REQUEST = 10;
const GB = 1024 ** 3;

/** What the benchmark measured for one scoring path. */
export interface PathMeasurement {
  /** Events the path carried. */
  readonly events: number;
  /** Lambda invocations the path's batching made. */
  readonly invocations: number;
  /** CPU seconds the path's scoring took on the benchmark machine (one core). */
  readonly cpuSeconds: number;
  /** DynamoDB requests made one after another (round trips). */
  readonly dynamoRequests: number;
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  /** Bytes of the SQS messages the path sent (fast: the EventBridge events). */
  readonly messageBytes: number;
}

/** Everything `deriveUsage` needs. */
export interface CostMeasurements {
  /** CloudTrail events in the corpus. */
  readonly events: number;
  /** Seconds from the corpus' first event to its last: sets the invocation rate X-Ray samples at. */
  readonly spanSeconds: number;
  /** Log files carrying them. */
  readonly logFiles: number;
  readonly fast: PathMeasurement;
  readonly bulk: PathMeasurement;
  /** Findings published to Vigil's bus, and their total size. */
  readonly findingsPublished: number;
  readonly publishedBytes: number;
  /** Findings logged by the scorer (every finding created or changed). */
  readonly findingsLogged: number;
  /** Playbook executions started (distinct cases at a severity whose mode is not `off`). */
  readonly executions: number;
}

/** What one path used, as AWS bills it. */
export interface PathUsage {
  /** CloudTrail events the path carried. */
  readonly events: number;
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
  readonly sqsRequests: number;
  readonly s3Gets: number;
  /** CloudTrail management events on the default bus: free, counted to show it. */
  readonly eventBridgeManagementEvents: number;
  readonly eventBridgeOptInEvents: number;
  readonly eventBridgeCustomEvents: number;
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  readonly stepFunctionsTransitions: number;
  readonly kmsRequests: number;
  readonly logBytes: number;
  readonly xRayTraces: number;
}

/** Usage of the three paths. */
export interface Usage {
  readonly fast: PathUsage;
  readonly bulk: PathUsage;
  readonly response: PathUsage;
}

const NO_USAGE: PathUsage = {
  events: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  sqsRequests: 0,
  s3Gets: 0,
  eventBridgeManagementEvents: 0,
  eventBridgeOptInEvents: 0,
  eventBridgeCustomEvents: 0,
  dynamoReadUnits: 0,
  dynamoWriteUnits: 0,
  stepFunctionsTransitions: 0,
  kmsRequests: 0,
  logBytes: 0,
  xRayTraces: 0,
};

/**
 * Traces X-Ray records of `invocations` spread over `seconds`: all of them while they come slower
 * than the reservoir, else the reservoir each second and `rate` of the rest.
 */
export const tracedInvocations = (invocations: number, seconds: number, settings: ScorerSettings): number => {
  if (!settings.tracing || invocations === 0) return 0;
  const perSecond = seconds > 0 ? invocations / seconds : Number.POSITIVE_INFINITY;
  if (perSecond <= settings.xRayReservoirPerSecond) return invocations;
  return Math.min(
    invocations,
    seconds * (settings.xRayReservoirPerSecond + settings.xRayRate * (perSecond - settings.xRayReservoirPerSecond)),
  );
};

/** How much slower CPU-bound work runs in the function than on one full core. */
export const cpuSlowdown = (memoryMb: number): number => Math.max(1, FULL_VCPU_MB / memoryMb);

/**
 * Billed seconds of one path's invocations: its CPU time stretched to the function's CPU share,
 * plus the requests it waits on one after another.
 */
export const lambdaSeconds = (path: PathMeasurement, settings: ScorerSettings, s3Gets: number): number =>
  path.cpuSeconds * cpuSlowdown(settings.memoryMb) +
  (path.dynamoRequests * settings.dynamoLatencyMs + s3Gets * settings.s3GetLatencyMs) / 1000;

/** SQS requests to move `messages` messages of `bytes` in all: send one by one, receive and delete ten at a time. */
export const sqsRequests = (messages: number, bytes: number): number => {
  if (messages === 0) return 0;
  const sends = Math.max(messages, Math.ceil(bytes / SQS_CHUNK_BYTES));
  const receives = Math.max(Math.ceil(messages / SQS_MESSAGES_PER_REQUEST), Math.ceil(bytes / SQS_CHUNK_BYTES));
  const deletes = Math.ceil(messages / SQS_MESSAGES_PER_REQUEST);
  return sends + receives + deletes;
};

/** Requests and units of each path, from the measurements and the scorer's settings. */
export const deriveUsage = (m: CostMeasurements, settings: ScorerSettings): Usage => {
  const gb = settings.memoryMb / 1024;
  const fastInvocations = m.fast.invocations;
  const bulkInvocations = m.bulk.invocations;
  const fast: PathUsage = {
    ...NO_USAGE,
    events: m.fast.events,
    lambdaInvocations: fastInvocations,
    lambdaGbSeconds: lambdaSeconds(m.fast, settings, 0) * gb,
    sqsRequests: sqsRequests(m.fast.events, m.fast.messageBytes),
    eventBridgeManagementEvents: m.fast.events,
    dynamoReadUnits: m.fast.dynamoReadUnits,
    dynamoWriteUnits: m.fast.dynamoWriteUnits,
    logBytes: fastInvocations * settings.logBytesPerInvocation,
    xRayTraces: tracedInvocations(fastInvocations, m.spanSeconds, settings),
  };
  const bulk: PathUsage = {
    ...NO_USAGE,
    events: m.bulk.events,
    lambdaInvocations: bulkInvocations,
    lambdaGbSeconds: lambdaSeconds(m.bulk, settings, m.logFiles) * gb,
    sqsRequests: sqsRequests(m.logFiles, m.logFiles * settings.bulkMessageBytes),
    s3Gets: m.logFiles,
    eventBridgeOptInEvents: m.logFiles,
    dynamoReadUnits: m.bulk.dynamoReadUnits,
    dynamoWriteUnits: m.bulk.dynamoWriteUnits,
    kmsRequests: m.logFiles * settings.kmsRequestsPerLogFile,
    logBytes: bulkInvocations * settings.logBytesPerInvocation + m.findingsLogged * settings.logBytesPerFinding,
    xRayTraces: tracedInvocations(bulkInvocations, m.spanSeconds, settings),
  };
  const response: PathUsage = {
    ...NO_USAGE,
    events: m.findingsPublished,
    eventBridgeCustomEvents: Math.max(m.findingsPublished, Math.ceil(m.publishedBytes / SQS_CHUNK_BYTES)),
    stepFunctionsTransitions: m.executions * settings.transitionsPerExecution,
  };
  return { fast, bulk, response };
};

/** One billed item of a path, per million CloudTrail events. */
export interface CostLine {
  readonly item: string;
  /** Units billed per million CloudTrail events. */
  readonly quantityPerMillion: number;
  /** Dollars per million units (per GB for logs, per month for fixed items). */
  readonly unitPrice: number;
  readonly dollarsPerMillion: number;
}

/** A path's bill per million CloudTrail events. */
export interface PathCost {
  readonly path: 'fast' | 'bulk' | 'response';
  /** Events (fast, bulk) or findings (response) the path carries per million CloudTrail events. */
  readonly carriedPerMillion: number;
  readonly lines: readonly CostLine[];
  readonly dollarsPerMillion: number;
}

/** A fixed monthly charge, whatever the volume. */
export interface FixedLine {
  readonly item: string;
  readonly dollarsPerMonth: number;
}

/** The bill, per million CloudTrail events, beside GuardDuty's price. */
export interface CostReport {
  readonly region: string;
  readonly priceTableAsOf: string;
  readonly paths: readonly PathCost[];
  readonly dollarsPerMillion: number;
  readonly budgetDollarsPerMillion: number;
  readonly withinBudget: boolean;
  readonly guardDutyDollarsPerMillion: number;
  /** GuardDuty's price over Vigil's cost. */
  readonly guardDutyTimesVigil: number;
  /** CloudTrail's own charges, not counted in Vigil's cost. */
  readonly cloudTrail: readonly CostLine[];
  /** Charges that do not grow with events (idle polling, keys), not counted per million. */
  readonly fixedPerMonth: readonly FixedLine[];
}

/** Vigil's budget: AWS charges for its own resources per million CloudTrail events. */
export const BUDGET_DOLLARS_PER_MILLION = 0.05;

/** Rounds to nano-dollars (and thousandths of a unit), so figures compare exactly. */
export const round9 = (value: number): number => Math.round(value * 1e9) / 1e9;
const round3 = (value: number): number => Math.round(value * 1e3) / 1e3;

const line = (item: string, quantity: number, unitPrice: number, perUnits = 1e6): CostLine => ({
  item,
  quantityPerMillion: round3(quantity),
  unitPrice,
  dollarsPerMillion: round9((quantity * unitPrice) / perUnits),
});

const pathLines = (u: PathUsage, scale: number, prices: PriceTable['prices']): CostLine[] => {
  const lines: CostLine[] = [];
  const add = (item: string, quantity: number, unitPrice: number, perUnits = 1e6): void => {
    if (quantity > 0) lines.push(line(item, quantity * scale, unitPrice, perUnits));
  };
  add('Lambda requests', u.lambdaInvocations, prices.lambdaRequestsPerMillion.price);
  add('Lambda GB-seconds (arm64)', u.lambdaGbSeconds, prices.lambdaArmGbSecondsPerMillion.price);
  add('SQS requests', u.sqsRequests, prices.sqsRequestsPerMillion.price);
  add('S3 GET (log files)', u.s3Gets, prices.s3GetRequestsPerMillion.price);
  add(
    'EventBridge CloudTrail events (default bus, free)',
    u.eventBridgeManagementEvents,
    prices.eventBridgeManagementEventsPerMillion.price,
  );
  add(
    'EventBridge S3 Object Created (opt-in data events)',
    u.eventBridgeOptInEvents,
    prices.eventBridgeOptInDataEventsPerMillion.price,
  );
  add(
    "EventBridge custom events (Vigil's bus)",
    u.eventBridgeCustomEvents,
    prices.eventBridgeCustomEventsPerMillion.price,
  );
  add('DynamoDB write request units', u.dynamoWriteUnits, prices.dynamoDbWriteRequestUnitsPerMillion.price);
  add('DynamoDB read request units', u.dynamoReadUnits, prices.dynamoDbReadRequestUnitsPerMillion.price);
  add(
    'Step Functions transitions',
    u.stepFunctionsTransitions,
    prices.stepFunctionsStandardTransitionsPerMillion.price,
  );
  add('KMS requests', u.kmsRequests, prices.kmsRequestsPerMillion.price);
  add('CloudWatch Logs ingestion (GB)', u.logBytes / GB, prices.cloudWatchLogsIngestionPerGb.price, 1);
  add('X-Ray traces recorded', u.xRayTraces, prices.xRayTracesRecordedPerMillion.price);
  return lines;
};

/** What CloudTrail itself charges for the events (listed apart from Vigil's cost). */
export interface CloudTrailVolume {
  /** Share of the events that are data events (S3 object-level calls on the sensitive buckets). */
  readonly dataEventShare: number;
  /** Log files per million events, each an S3 PUT by CloudTrail into the trail bucket. */
  readonly logFilesPerMillion: number;
}

/** Prices `usage` of a corpus of `events` CloudTrail events, per million events. */
export const priceUsage = (
  usage: Usage,
  events: number,
  prices: PriceTable,
  trail: CloudTrailVolume,
  fixed: readonly FixedLine[] = [],
): CostReport => {
  if (!(events > 0)) throw new RangeError(`events is ${events}; expected a positive number of CloudTrail events`);
  const scale = 1e6 / events;
  const paths: PathCost[] = (['fast', 'bulk', 'response'] as const).map((path) => {
    const lines = pathLines(usage[path], scale, prices.prices);
    return {
      path,
      carriedPerMillion: round3(usage[path].events * scale),
      lines,
      dollarsPerMillion: round9(lines.reduce((sum, l) => sum + l.dollarsPerMillion, 0)),
    };
  });
  const total = round9(paths.reduce((sum, p) => sum + p.dollarsPerMillion, 0));
  const guardDuty = prices.comparison.guardDutyManagementEventsPerMillion.price;
  const ct = prices.cloudTrail;
  return {
    region: prices.region,
    priceTableAsOf: prices.asOf,
    paths,
    dollarsPerMillion: total,
    budgetDollarsPerMillion: BUDGET_DOLLARS_PER_MILLION,
    withinBudget: total <= BUDGET_DOLLARS_PER_MILLION,
    guardDutyDollarsPerMillion: guardDuty,
    guardDutyTimesVigil: total > 0 ? Math.round((guardDuty / total) * 10) / 10 : Number.POSITIVE_INFINITY,
    cloudTrail: [
      line(
        'Management events, first copy (free)',
        1e6 * (1 - trail.dataEventShare),
        ct.managementEventsFirstCopyPerMillion.price,
      ),
      line(
        'Management events, if this is an additional trail',
        1e6 * (1 - trail.dataEventShare),
        ct.managementEventsAdditionalCopyPerMillion.price,
      ),
      line('Data events (sensitive buckets)', 1e6 * trail.dataEventShare, ct.dataEventsPerMillion.price),
      line('S3 PUT of log files (delivery)', trail.logFilesPerMillion, prices.prices.s3PutRequestsPerMillion.price),
    ],
    fixedPerMonth: fixed,
  };
};

/**
 * Charges that do not grow with the events, per month: the key, Lambda's idle long polling of
 * both queues, and the KMS data keys that SQS (five-minute reuse) and DynamoDB cache.
 */
export const fixedMonthlyCharges = (prices: PriceTable): FixedLine[] => {
  const p = prices.prices;
  const minutesPerMonth = 30 * 24 * 60;
  // Lambda keeps five pollers long-polling (20 s) each queue: three requests a minute each.
  const idlePolls = 2 * 5 * 3 * minutesPerMonth;
  // Per queue a producer and a consumer data key every five minutes; per table one every five minutes.
  const kmsCached = (2 * 2 + 2) * (minutesPerMonth / 5);
  return [
    { item: 'KMS customer managed key', dollarsPerMonth: round9(p.kmsKeyPerMonth.price) },
    {
      item: 'SQS idle long polling, 2 queues',
      dollarsPerMonth: round9((idlePolls * p.sqsRequestsPerMillion.price) / 1e6),
    },
    {
      item: 'KMS data keys cached by SQS and DynamoDB',
      dollarsPerMonth: round9((kmsCached * p.kmsRequestsPerMillion.price) / 1e6),
    },
  ];
};
