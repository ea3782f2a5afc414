import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINDING_DETAIL_TYPE, FINDING_EVENT_SOURCE } from '../../../lambdas/adapters/eventbridge-publisher.ts';
import { fakeGeo } from '../../../lambdas/adapters/geo.ts';
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../../lambdas/adapters/local-dynamo.ts';
import { ALL_TABLES, AUDIT_TABLE, STATE_TABLE } from '../../../lambdas/adapters/tables.ts';
import type { DetectorDefinition } from '../../../lambdas/core/detector.ts';
import type { Finding } from '../../../lambdas/core/finding.ts';
import { processBatch, type ScorerDeps } from '../../../lambdas/score-events/process-batch.ts';
import { wireScorer } from '../../../lambdas/score-events/wiring.ts';
import {
  ACCOUNT,
  fastMessage,
  fileMessage,
  logFileBody,
  logKey,
  rootSignIn,
  sqsEvent,
  sqsRecord,
  stopLogging,
  TRAIL_BUCKET,
  userCall,
} from './fixtures.ts';

const s3 = mockClient(S3Client);
const eventBridge = mockClient(EventBridgeClient);
const BUS = 'vigil-findings';

let local: LocalDynamo;
let lines: string[];

const env = (): NodeJS.ProcessEnv => ({
  STATE_TABLE_NAME: STATE_TABLE.localName,
  AUDIT_TABLE_NAME: AUDIT_TABLE.localName,
  EVENT_BUS_NAME: BUS,
  VIGIL_CONFIG: JSON.stringify({ alertSeverity: 'medium' }),
  OWN_ROLE_ARNS: `arn:aws:iam::${ACCOUNT}:role/Vigil-ScorerRole-1A2B3C`,
});

const wire = (): ScorerDeps =>
  wireScorer(env(), {
    clients: {
      dynamodb: local.client,
      s3: new S3Client({ region: 'us-east-1' }),
      eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
    },
    write: (line) => lines.push(line),
    geo: fakeGeo({}),
  });

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const metrics = () => logged().find((line) => '_aws' in line) ?? {};

const stateItems = async (prefix: string) => {
  const out = await local.doc.send(new ScanCommand({ TableName: STATE_TABLE.localName }));
  return (out.Items ?? []).filter((item) => String(item.pk).startsWith(prefix));
};

const storedFindings = async (): Promise<Finding[]> => (await stateItems('F#')).map((item) => item.finding as Finding);

const published = (): Finding[] =>
  eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => (call.args[0].input.Entries ?? []).map((e) => JSON.parse(e.Detail ?? '{}') as Finding));

beforeEach(async () => {
  s3.reset();
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `ev-${i}` })),
  }));
  lines = [];
  local = await startLocalDynamo({ dir: null });
  await ensureTables(local.client, ALL_TABLES);
});

afterEach(async () => {
  await local.close();
});

describe('the fast path', () => {
  it('scores a CloudTrail event from EventBridge, stores and publishes its finding, and learns nothing', async () => {
    // Prepare
    const deps = wire();

    // Act
    const response = await processBatch(sqsEvent(fastMessage('m-1', rootSignIn)), deps);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const root = (await storedFindings()).find((f) => f.detector === 'root.credential-use');
    expect(root).toMatchObject({
      detector: 'root.credential-use',
      title: 'Root user signed in to the console',
      severity: 'high',
      principal: { key: `root:${ACCOUNT}`, type: 'Root', accountId: ACCOUNT, name: 'root' },
      eventIds: ['root-signin-1'],
    });
    const entry = eventBridge
      .commandCalls(PutEventsCommand)[0]
      ?.args[0].input.Entries?.find((e) => e.Detail?.includes('root.credential-use'));
    expect(entry).toMatchObject({ EventBusName: BUS, Source: FINDING_EVENT_SOURCE, DetailType: FINDING_DETAIL_TYPE });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual(root);
    const [state] = await stateItems(`P#root:${ACCOUNT}`);
    expect(state?.eventCount).toBe(0);
  });

  it("records findings in the audit table, on the scorer's chain, anchored before each batch ends", async () => {
    // Prepare
    const deps = wire();

    // Act
    await processBatch(sqsEvent(fastMessage('m-1', rootSignIn)), deps);
    await processBatch(sqsEvent(fastMessage('m-2', stopLogging)), deps);

    // Assess
    const audit = await local.doc.send(new ScanCommand({ TableName: AUDIT_TABLE.localName }));
    const items = audit.Items ?? [];
    const findings = await storedFindings();
    for (const detector of ['root.credential-use', 'cloudtrail.logging-disabled']) {
      const id = findings.find((f) => f.detector === detector)?.id;
      expect([detector, items.filter((i) => String(i.pk).startsWith('C#scorer') && i.findingId === id).length]).toEqual(
        [detector, 1],
      );
    }
    expect(items.filter((i) => i.pk === 'A')).toHaveLength(2);
  });

  it('writes one metrics line in the Embedded Metric Format per batch, DynamoDB capacity included', async () => {
    // Prepare
    const deps = wire();

    // Act
    await processBatch(
      sqsEvent(fastMessage('m-1', userCall('list-1', '2026-10-05T09:00:00Z', 'iam.amazonaws.com', 'ListUsers'))),
      deps,
    );

    // Assess
    expect(metrics()).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'Vigil',
            Dimensions: [['Service']],
            Metrics: [
              { Name: 'EventsScored', Unit: 'Count' },
              { Name: 'DuplicateEvents', Unit: 'Count' },
              { Name: 'FindingsCreated', Unit: 'Count' },
              { Name: 'FindingsSuppressed', Unit: 'Count' },
              { Name: 'FindingsPublished', Unit: 'Count' },
              { Name: 'StateConflicts', Unit: 'Count' },
              { Name: 'DynamoReadUnits', Unit: 'Count' },
              { Name: 'DynamoWriteUnits', Unit: 'Count' },
              { Name: 'Messages', Unit: 'Count' },
              { Name: 'MessagesFailed', Unit: 'Count' },
            ],
          },
        ],
      },
      Service: 'scorer',
      EventsScored: 1,
      DuplicateEvents: 0,
      FindingsCreated: 0,
      FindingsSuppressed: 0,
      FindingsPublished: 0,
      StateConflicts: 0,
      DynamoReadUnits: 1,
      DynamoWriteUnits: 0, // a quiet fast-path event changes no risk: nothing written
      Messages: 1,
      MessagesFailed: 0,
    });
  });

  it('redelivers the fast-path messages when findings cannot be published', async () => {
    // Prepare
    const deps = wire();
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));

    // Act
    const response = await processBatch(
      sqsEvent(fastMessage('m-1', rootSignIn), fastMessage('m-2', stopLogging)),
      deps,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
  });
});

describe('the bulk path', () => {
  const key = logKey('AbCdEf');

  it('reads a gzipped log file from S3 and scores every record with learning on', async () => {
    // Prepare
    const deps = wire();
    const records = [
      userCall('list-1', '2026-10-05T09:58:00Z', 's3.amazonaws.com', 'ListBuckets'),
      userCall('get-1', '2026-10-05T09:59:00Z', 'iam.amazonaws.com', 'GetUser', { userName: 'mallory' }),
      stopLogging,
    ];
    s3.on(GetObjectCommand, { Bucket: TRAIL_BUCKET, Key: key }).resolves({ Body: logFileBody(records) as never });

    // Act
    const response = await processBatch(sqsEvent(fileMessage('f-1', key)), deps);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const stop = (await storedFindings()).find((f) => f.detector === 'cloudtrail.logging-disabled');
    expect(stop).toMatchObject({
      title: 'Logging stopped on trail org-trail',
      severity: 'critical',
      eventIds: ['stop-1'],
    });
    const [state] = await stateItems(`P#user:${ACCOUNT}:mallory`);
    expect(state?.eventCount).toBe(3);
    const marker = await local.doc.send(
      new GetCommand({ TableName: STATE_TABLE.localName, Key: { pk: `FILE#${TRAIL_BUCKET}/${key}`, sk: 'FILE' } }),
    );
    expect(marker.Item?.etag).toBe('etag-f-1');
    expect(published().map((f) => f.detector)).toContain('cloudtrail.logging-disabled');
  });

  it('reads a file delivered twice only once', async () => {
    // Prepare
    const deps = wire();
    s3.on(GetObjectCommand).callsFake(() => ({ Body: logFileBody([stopLogging]) }));
    await processBatch(sqsEvent(fileMessage('f-1', key)), deps);
    lines = [];

    // Act
    const response = await processBatch(sqsEvent(fileMessage('f-2', key, 'etag-f-1')), deps);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(metrics()).toMatchObject({ LogFilesAlreadyRead: 1, MessagesFailed: 0 });
  });

  it('fails only the file S3 would not give, and gives its claim back so the redelivery reads it', async () => {
    // Prepare
    const deps = wire();
    const missing = logKey('Missing');
    s3.on(GetObjectCommand, { Key: key }).resolves({ Body: logFileBody([stopLogging]) as never });
    s3.on(GetObjectCommand, { Key: missing }).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: {} }),
    );

    // Act
    const response = await processBatch(sqsEvent(fileMessage('f-1', key), fileMessage('f-2', missing)), deps);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'f-2' }] });
    expect((await stateItems('FILE#')).map((item) => item.pk)).toEqual([`FILE#${TRAIL_BUCKET}/${key}`]);
    expect(logged().find((line) => line.level === 'ERROR')).toMatchObject({
      message: 'reading log file failed; it will be read again',
      file: `s3://${TRAIL_BUCKET}/${missing}`,
      error: { name: 'AccessDenied', message: 'Access Denied' },
    });
  });

  it('fails a file whose download breaks off, rather than keep the records before the break', async () => {
    // Prepare
    const deps = wire();
    const gz = gzipSync(JSON.stringify({ Records: [stopLogging, rootSignIn] }));
    s3.on(GetObjectCommand).callsFake(() => {
      const body = new PassThrough();
      body.write(gz.subarray(0, gz.length - 10));
      setTimeout(() => body.destroy(new Error('socket hang up')), 20);
      return { Body: body };
    });

    // Act
    const response = await processBatch(sqsEvent(fileMessage('f-1', key)), deps);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'f-1' }] });
    expect(await stateItems('FILE#')).toEqual([]);
  });

  it('skips a record that cannot be read and scores the rest of the file', async () => {
    // Prepare
    const deps = wire();
    s3.on(GetObjectCommand).resolves({ Body: logFileBody([42, stopLogging]) as never });

    // Act
    const response = await processBatch(sqsEvent(fileMessage('f-1', key)), deps);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect((await storedFindings()).map((f) => f.detector)).toContain('cloudtrail.logging-disabled');
    expect(metrics()).toMatchObject({ UnreadableRecords: 1, LogFilesRead: 1 });
  });
});

describe('a poison record', () => {
  const throwsOnPoison: DetectorDefinition = {
    id: 'test.throws-on-poison',
    title: 'throws on the poison event',
    severity: 'low',
    attack: [],
    techniques: [],
    triggers: [],
    fastPath: false,
    dedupWindowMinutes: 60,
    runbook: 'none',
    detect(event) {
      if (event.id === 'poison-1') throw new TypeError("Cannot read properties of undefined (reading 'userName')");
      return null;
    },
  };

  it('is dropped alone, logged with where it came from; the rest of the batch is scored', async () => {
    // Prepare
    const wired = wire();
    const deps: ScorerDeps = {
      ...wired,
      score: { ...wired.score, detectors: [...wired.score.detectors, throwsOnPoison] },
    };
    const key = logKey('Poison');
    const records = [
      userCall('ok-1', '2026-10-05T09:00:00Z', 'iam.amazonaws.com', 'ListUsers'),
      userCall('poison-1', '2026-10-05T09:01:00Z', 'iam.amazonaws.com', 'GetUser'),
      stopLogging,
    ];
    s3.on(GetObjectCommand).resolves({ Body: logFileBody(records) as never });

    // Act
    const response = await processBatch(sqsEvent(fileMessage('f-1', key)), deps);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const [state] = await stateItems(`P#user:${ACCOUNT}:mallory`);
    expect(state?.eventCount).toBe(2);
    expect((await storedFindings()).map((f) => f.detector)).toContain('cloudtrail.logging-disabled');
    expect(logged().find((line) => line.message === 'event dropped: scoring it fails')).toMatchObject({
      level: 'ERROR',
      eventId: 'poison-1',
      eventName: 'iam:GetUser',
      origin: { file: `s3://${TRAIL_BUCKET}/${key}`, position: expect.any(String) },
      error: { name: 'TypeError', message: "Cannot read properties of undefined (reading 'userName')" },
    });
    expect(metrics()).toMatchObject({ PoisonEvents: 1, MessagesFailed: 0 });
  });

  it('in a message that is not an EventBridge event fails that message only', async () => {
    // Prepare
    const deps = wire();

    // Act
    const response = await processBatch(sqsEvent(sqsRecord('bad-1', 'not json'), fastMessage('m-2', rootSignIn)), deps);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }] });
    expect((await storedFindings()).map((f) => f.detector)).toContain('root.credential-use');
    expect(logged().find((line) => line.level === 'ERROR')).toMatchObject({
      message: 'message cannot be scored',
      messageId: 'bad-1',
      reason: 'body is not JSON; expected an EventBridge event',
    });
  });
});

describe('wireScorer', () => {
  it('fails the cold start naming a missing setting', () => {
    // Prepare
    const { EVENT_BUS_NAME: _bus, ...incomplete } = env();

    // Act
    const act = () => wireScorer(incomplete, { write: () => {} });

    // Assess
    expect(act).toThrow("environment variable EVENT_BUS_NAME is not set; expected the scorer's stack to set it");
  });

  it('fails the cold start naming a bad configuration field', () => {
    // Prepare
    const bad = { ...env(), VIGIL_CONFIG: JSON.stringify({ alertSeverity: 'urgent' }) };

    // Act
    const act = () => wireScorer(bad, { write: () => {} });

    // Assess
    expect(act).toThrow(/^VIGIL_CONFIG: alertSeverity: /);
  });
});
