/**
 * The starter Lambda as deployed: wired from its environment, against a local DynamoDB (through
 * the SDK's endpoint variable) and a mocked Step Functions.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditReader } from '../../../lambdas/adapters/audit-reader.ts';
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../../lambdas/adapters/local-dynamo.ts';
import { ALL_TABLES, AUDIT_TABLE, STATE_TABLE } from '../../../lambdas/adapters/tables.ts';
import { caseIdFor } from '../../../lambdas/core/response/case-id.ts';
import { settingsFor, userFinding } from '../../core/response/fixtures.ts';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:ContainPrincipal';
let dynamo: LocalDynamo;
const saved = { ...process.env };

beforeAll(async () => {
  dynamo = await startLocalDynamo({ dir: null });
  await ensureTables(dynamo.client, ALL_TABLES);
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    VIGIL_RESPONSE_SETTINGS: JSON.stringify(settingsFor({ response: { modes: { critical: 'auto' } } })),
    STATE_TABLE_NAME: STATE_TABLE.localName,
    AUDIT_TABLE_NAME: AUDIT_TABLE.localName,
    CONTAIN_STATE_MACHINE_ARN: MACHINE,
  });
});
afterAll(async () => {
  process.env = saved;
  await dynamo.close();
});

describe('respond-start handler', () => {
  it('opens one case and starts its execution once, for the same event delivered twice', async () => {
    const caseId = caseIdFor(userFinding());
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({
        executionArn: `arn:aws:states:eu-west-1:111122223333:execution:ContainPrincipal:${caseId}`,
        startDate: new Date(),
      })
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const { handler } = await import('../../../lambdas/respond-start/handler.ts');
    const event = { source: 'vigil.scorer', 'detail-type': 'Vigil Finding', detail: userFinding() };

    const first = await handler(event);
    const second = await handler(event);

    const expected = {
      playbook: 'contain-principal',
      mode: 'auto',
      executionId: `arn:aws:states:eu-west-1:111122223333:execution:ContainPrincipal:${caseId}`,
    };
    expect([first, second]).toEqual([expected, expected]);
    expect(
      sfn.commandCalls(StartExecutionCommand).map((c) => [c.args[0].input.stateMachineArn, c.args[0].input.name]),
    ).toEqual([
      [MACHINE, caseId],
      [MACHINE, caseId],
    ]);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '')).toEqual({
      caseId,
      finding: userFinding(),
    });
    const records = [];
    for await (const record of new DynamoAuditReader(dynamo.doc, AUDIT_TABLE.localName).query({ caseId }))
      records.push(record);
    expect(records.map((r) => [r.type, r.actor, r.principalKey])).toEqual([
      ['case-opened', 'vigil:playbook', 'user:111122223333:mallory'],
    ]);
  });
});
