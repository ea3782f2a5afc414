import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../../lambdas/adapters/local-dynamo.ts';
import { ALL_TABLES, AUDIT_TABLE, STATE_TABLE } from '../../../lambdas/adapters/tables.ts';
import { fastMessage, rootSignIn, sqsEvent } from './fixtures.ts';

const eventBridge = mockClient(EventBridgeClient);
let local: LocalDynamo;

beforeEach(async () => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `ev-${i}` })),
  }));
  local = await startLocalDynamo({ dir: null });
  await ensureTables(local.client, ALL_TABLES);
  vi.resetModules();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOCALTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local-test-secret');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', local.endpoint);
  vi.stubEnv('STATE_TABLE_NAME', STATE_TABLE.localName);
  vi.stubEnv('AUDIT_TABLE_NAME', AUDIT_TABLE.localName);
  vi.stubEnv('EVENT_BUS_NAME', 'vigil-findings');
  vi.stubEnv('VIGIL_CONFIG', '{}');
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await local.close();
});

describe('handler', () => {
  it('wires itself from the environment at cold start and scores a batch', async () => {
    // Prepare
    const { handler } = await import('../../../lambdas/score-events/handler.ts');

    // Act
    const response = await handler(sqsEvent(fastMessage('m-1', rootSignIn)), {
      awsRequestId: 'req-1',
      getRemainingTimeInMillis: () => 120_000,
    });

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const details = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(details.map((e) => JSON.parse(e.Detail ?? '{}').detector)).toContain('root.credential-use');
  });

  it('refuses to start without its table names', async () => {
    // Prepare
    vi.stubEnv('STATE_TABLE_NAME', '');

    // Act
    const load = import('../../../lambdas/score-events/handler.ts');

    // Assess
    await expect(load).rejects.toThrow(
      "environment variable STATE_TABLE_NAME is not set; expected the scorer's stack to set it",
    );
  });
});
