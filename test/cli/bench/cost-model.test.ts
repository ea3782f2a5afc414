import { describe, expect, it } from 'vitest';
import {
  type CostMeasurements,
  cpuSlowdown,
  deriveUsage,
  fixedMonthlyCharges,
  type PathUsage,
  priceUsage,
  type ScorerSettings,
  sqsRequests,
  tracedInvocations,
  transitionsWithoutApproval,
} from '../../../cli/bench/cost-model.ts';
import { loadPriceTable, type PriceTable, PriceTableError, parsePriceTable } from '../../../cli/bench/prices.ts';

const price = (value: number) => ({ price: value, unit: 'unit', source: 'https://aws.amazon.com/pricing/' });

/** The us-east-1 prices of 2026-11-27, fixed here so the expected dollars are worked out by hand. */
const PRICES: PriceTable = {
  region: 'us-east-1',
  currency: 'USD',
  asOf: '2026-11-27',
  note: 'test',
  prices: {
    lambdaRequestsPerMillion: price(0.2),
    lambdaArmGbSecondsPerMillion: price(13.3334),
    sqsRequestsPerMillion: price(0.4),
    s3GetRequestsPerMillion: price(0.4),
    s3PutRequestsPerMillion: price(5),
    eventBridgeCustomEventsPerMillion: price(1),
    eventBridgeOptInDataEventsPerMillion: price(1),
    eventBridgeManagementEventsPerMillion: price(0),
    dynamoDbWriteRequestUnitsPerMillion: price(0.625),
    dynamoDbReadRequestUnitsPerMillion: price(0.125),
    stepFunctionsStandardTransitionsPerMillion: price(25),
    kmsRequestsPerMillion: price(3),
    kmsKeyPerMonth: price(1),
    cloudWatchLogsIngestionPerGb: price(0.5),
    xRayTracesRecordedPerMillion: price(5),
  },
  comparison: { guardDutyManagementEventsPerMillion: price(4) },
  cloudTrail: {
    managementEventsFirstCopyPerMillion: price(0),
    managementEventsAdditionalCopyPerMillion: price(20),
    dataEventsPerMillion: price(1),
  },
};

const NONE: PathUsage = {
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

const SETTINGS: ScorerSettings = {
  memoryMb: 512,
  fastBatchSize: 100,
  fastWindowMs: 1_000,
  bulkBatchFiles: 10,
  bulkChunkEvents: 25_000,
  dynamoLatencyMs: 5,
  s3GetLatencyMs: 40,
  logBytesPerInvocation: 500,
  logBytesPerFinding: 600,
  kmsRequestsPerLogFile: 2,
  transitionsPerExecution: 12,
  bulkMessageBytes: 1_200,
  tracing: true,
  xRayReservoirPerSecond: 1,
  xRayRate: 0.05,
};

describe('priceUsage', () => {
  // Prepare: a corpus of 2,000,000 events, so every quantity per million is half the usage.
  const usage = {
    fast: {
      ...NONE,
      events: 20_000,
      lambdaInvocations: 10_000,
      lambdaGbSeconds: 500,
      sqsRequests: 24_000,
      eventBridgeManagementEvents: 20_000,
      dynamoReadUnits: 20_000,
      dynamoWriteUnits: 40_000,
      logBytes: 2 * 1024 * 1024,
      xRayTraces: 10_000,
    },
    bulk: {
      ...NONE,
      events: 2_000_000,
      lambdaInvocations: 400,
      lambdaGbSeconds: 1_000,
      sqsRequests: 4_800,
      s3Gets: 4_000,
      eventBridgeOptInEvents: 4_000,
      dynamoReadUnits: 40_000,
      dynamoWriteUnits: 100_000,
      kmsRequests: 8_000,
      xRayTraces: 400,
    },
    response: { ...NONE, events: 100, eventBridgeCustomEvents: 100, stepFunctionsTransitions: 1_200 },
  };
  const trail = { dataEventShare: 0.25, logFilesPerMillion: 2_000 };

  it('prices each path per million events, in exact dollars', () => {
    // Act
    const report = priceUsage(usage, 2_000_000, PRICES, trail);

    // Assess
    expect(report.paths).toEqual([
      {
        path: 'fast',
        carriedPerMillion: 10_000,
        lines: [
          { item: 'Lambda requests', quantityPerMillion: 5_000, unitPrice: 0.2, dollarsPerMillion: 0.001 },
          {
            item: 'Lambda GB-seconds (arm64)',
            quantityPerMillion: 250,
            unitPrice: 13.3334,
            dollarsPerMillion: 0.00333335,
          },
          { item: 'SQS requests', quantityPerMillion: 12_000, unitPrice: 0.4, dollarsPerMillion: 0.0048 },
          {
            item: 'EventBridge CloudTrail events (default bus, free)',
            quantityPerMillion: 10_000,
            unitPrice: 0,
            dollarsPerMillion: 0,
          },
          {
            item: 'DynamoDB write request units',
            quantityPerMillion: 20_000,
            unitPrice: 0.625,
            dollarsPerMillion: 0.0125,
          },
          {
            item: 'DynamoDB read request units',
            quantityPerMillion: 10_000,
            unitPrice: 0.125,
            dollarsPerMillion: 0.00125,
          },
          {
            item: 'CloudWatch Logs ingestion (GB)',
            quantityPerMillion: 0.001,
            unitPrice: 0.5,
            dollarsPerMillion: 0.000488281,
          },
          { item: 'X-Ray traces recorded', quantityPerMillion: 5_000, unitPrice: 5, dollarsPerMillion: 0.025 },
        ],
        dollarsPerMillion: 0.048371631,
      },
      {
        path: 'bulk',
        carriedPerMillion: 1_000_000,
        lines: [
          { item: 'Lambda requests', quantityPerMillion: 200, unitPrice: 0.2, dollarsPerMillion: 0.00004 },
          {
            item: 'Lambda GB-seconds (arm64)',
            quantityPerMillion: 500,
            unitPrice: 13.3334,
            dollarsPerMillion: 0.0066667,
          },
          { item: 'SQS requests', quantityPerMillion: 2_400, unitPrice: 0.4, dollarsPerMillion: 0.00096 },
          { item: 'S3 GET (log files)', quantityPerMillion: 2_000, unitPrice: 0.4, dollarsPerMillion: 0.0008 },
          {
            item: 'EventBridge S3 Object Created (opt-in data events)',
            quantityPerMillion: 2_000,
            unitPrice: 1,
            dollarsPerMillion: 0.002,
          },
          {
            item: 'DynamoDB write request units',
            quantityPerMillion: 50_000,
            unitPrice: 0.625,
            dollarsPerMillion: 0.03125,
          },
          {
            item: 'DynamoDB read request units',
            quantityPerMillion: 20_000,
            unitPrice: 0.125,
            dollarsPerMillion: 0.0025,
          },
          { item: 'KMS requests', quantityPerMillion: 4_000, unitPrice: 3, dollarsPerMillion: 0.012 },
          { item: 'X-Ray traces recorded', quantityPerMillion: 200, unitPrice: 5, dollarsPerMillion: 0.001 },
        ],
        dollarsPerMillion: 0.0572167,
      },
      {
        path: 'response',
        carriedPerMillion: 50,
        lines: [
          {
            item: "EventBridge custom events (Vigil's bus)",
            quantityPerMillion: 50,
            unitPrice: 1,
            dollarsPerMillion: 0.00005,
          },
          { item: 'Step Functions transitions', quantityPerMillion: 600, unitPrice: 25, dollarsPerMillion: 0.015 },
        ],
        dollarsPerMillion: 0.01505,
      },
    ]);
    expect(report.dollarsPerMillion).toBe(0.120638331);
    expect(report.withinBudget).toBe(false);
    expect(report.budgetDollarsPerMillion).toBe(0.05);
    expect(report.guardDutyDollarsPerMillion).toBe(4);
    expect(report.guardDutyTimesVigil).toBe(33.2);
  });

  it("lists CloudTrail's own charges apart, for the management and data events of a million", () => {
    // Act
    const report = priceUsage(usage, 2_000_000, PRICES, trail);

    // Assess
    expect(report.cloudTrail).toEqual([
      { item: 'Management events, first copy (free)', quantityPerMillion: 750_000, unitPrice: 0, dollarsPerMillion: 0 },
      {
        item: 'Management events, if this is an additional trail',
        quantityPerMillion: 750_000,
        unitPrice: 20,
        dollarsPerMillion: 15,
      },
      { item: 'Data events (sensitive buckets)', quantityPerMillion: 250_000, unitPrice: 1, dollarsPerMillion: 0.25 },
      { item: 'S3 PUT of log files (delivery)', quantityPerMillion: 2_000, unitPrice: 5, dollarsPerMillion: 0.01 },
    ]);
  });

  it('is within budget at $0.05 exactly', () => {
    // Prepare: 80,000 write units per million at $0.625 per million units.
    const atBudget = { fast: NONE, bulk: { ...NONE, events: 1_000_000, dynamoWriteUnits: 80_000 }, response: NONE };

    // Act
    const report = priceUsage(atBudget, 1_000_000, PRICES, trail);

    // Assess
    expect(report.dollarsPerMillion).toBe(0.05);
    expect(report.withinBudget).toBe(true);
    expect(report.guardDutyTimesVigil).toBe(80);
  });

  it('refuses a corpus of no events', () => {
    expect(() => priceUsage(usage, 0, PRICES, trail)).toThrow(
      new RangeError('events is 0; expected a positive number of CloudTrail events'),
    );
  });
});

describe('deriveUsage', () => {
  it('turns measurements into requests and units, path by path', () => {
    // Prepare
    const measured: CostMeasurements = {
      events: 1_000_000,
      spanSeconds: 86_400,
      logFiles: 2_000,
      fast: {
        events: 10_000,
        invocations: 9_000,
        cpuSeconds: 10,
        dynamoRequests: 30_000,
        dynamoReadUnits: 12_000,
        dynamoWriteUnits: 40_000,
        messageBytes: 20_000_000,
      },
      bulk: {
        events: 1_000_000,
        invocations: 200,
        cpuSeconds: 50,
        dynamoRequests: 20_000,
        dynamoReadUnits: 25_000,
        dynamoWriteUnits: 60_000,
        messageBytes: 0,
      },
      findingsPublished: 50,
      publishedBytes: 60_000,
      findingsLogged: 100,
      executions: 5,
    };

    // Act
    const usage = deriveUsage(measured, SETTINGS);

    // Assess: 512 MB runs CPU-bound work 1769 / 512 = 3.455078125 times slower than a full core.
    expect(usage.fast).toEqual({
      ...NONE,
      events: 10_000,
      lambdaInvocations: 9_000,
      // (10 s x 3.455078125 + 30,000 requests x 5 ms) x 0.5 GB
      lambdaGbSeconds: 92.275390625,
      sqsRequests: 12_000,
      eventBridgeManagementEvents: 10_000,
      dynamoReadUnits: 12_000,
      dynamoWriteUnits: 40_000,
      logBytes: 4_500_000,
      // 9,000 invocations in a day come slower than one a second: every one is traced.
      xRayTraces: 9_000,
    });
    expect(usage.bulk).toEqual({
      ...NONE,
      events: 1_000_000,
      lambdaInvocations: 200,
      // (50 s x 3.455078125 + 20,000 x 5 ms + 2,000 GETs x 40 ms) x 0.5 GB
      lambdaGbSeconds: 176.376953125,
      sqsRequests: 2_400,
      s3Gets: 2_000,
      eventBridgeOptInEvents: 2_000,
      dynamoReadUnits: 25_000,
      dynamoWriteUnits: 60_000,
      kmsRequests: 4_000,
      logBytes: 160_000,
      xRayTraces: 200,
    });
    expect(usage.response).toEqual({ ...NONE, events: 50, eventBridgeCustomEvents: 50, stepFunctionsTransitions: 60 });
  });

  it('gives a function of a full vCPU or more no slowdown', () => {
    expect([cpuSlowdown(512), cpuSlowdown(1769), cpuSlowdown(4096)]).toEqual([3.455078125, 1, 1]);
  });
});

describe('tracedInvocations', () => {
  it('traces the reservoir each second and 5% of the rest', () => {
    // Prepare: two invocations a second for a day.
    expect(tracedInvocations(172_800, 86_400, SETTINGS)).toBe(86_400 * (1 + 0.05));
  });

  it('traces every invocation slower than the reservoir, and none without tracing', () => {
    expect([
      tracedInvocations(500, 86_400, SETTINGS),
      tracedInvocations(500, 86_400, { ...SETTINGS, tracing: false }),
    ]).toEqual([500, 0]);
  });
});

describe('sqsRequests', () => {
  it('sends one by one, receives and deletes ten at a time', () => {
    expect(sqsRequests(25, 25 * 2_000)).toBe(25 + 3 + 3);
  });

  it('bills every 64 KB chunk of a message as one request', () => {
    // Prepare: three messages of 100,000 bytes are five 64 KB chunks.
    expect(sqsRequests(3, 300_000)).toBe(5 + 5 + 1);
  });

  it('is nothing for no messages', () => {
    expect(sqsRequests(0, 0)).toBe(0);
  });
});

describe('fixedMonthlyCharges', () => {
  it('counts the key, idle polling of two queues and cached data keys', () => {
    expect(fixedMonthlyCharges(PRICES)).toEqual([
      { item: 'KMS customer managed key', dollarsPerMonth: 1 },
      // 2 queues x 5 pollers x 3 requests a minute x 43,200 minutes x $0.40 per million
      { item: 'SQS idle long polling, 2 queues', dollarsPerMonth: 0.5184 },
      // (2 queues x 2 + 2 tables) x 8,640 five-minute periods x $3 per million
      { item: 'KMS data keys cached by SQS and DynamoDB', dollarsPerMonth: 0.15552 },
    ]);
  });
});

describe('the price table', () => {
  it('in the repository parses, dated, for us-east-1', async () => {
    // Act
    const table = await loadPriceTable();

    // Assess
    expect([table.region, table.currency, table.asOf]).toEqual(['us-east-1', 'USD', '2026-11-27']);
    expect(table.comparison.guardDutyManagementEventsPerMillion.price).toBe(4);
  });

  it('names the missing price', () => {
    // Prepare
    const { kmsRequestsPerMillion: _, ...prices } = PRICES.prices;

    // Act and assess
    expect(() => parsePriceTable({ ...PRICES, prices }, 'prices.json')).toThrow(
      new PriceTableError(
        'prices.json: prices.kmsRequestsPerMillion: Invalid input: expected object, received undefined',
      ),
    );
  });
});

describe('transitionsWithoutApproval', () => {
  it('counts every state but the Fail states and the wait for an approver', () => {
    // Prepare: the shape of the contain-principal playbook.
    const definition = {
      States: {
        Begin: { Type: 'Pass' },
        Enrich: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke' },
        Route: { Type: 'Choice' },
        AwaitApproval: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' },
        Contain: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke' },
        Done: { Type: 'Succeed' },
        PlaybookFailed: { Type: 'Fail' },
      },
    };

    // Act and assess
    expect(transitionsWithoutApproval(definition)).toBe(5);
  });
});
