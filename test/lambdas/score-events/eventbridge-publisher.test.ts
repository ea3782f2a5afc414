import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher, PublishError } from '../../../lambdas/adapters/eventbridge-publisher.ts';
import type { Finding } from '../../../lambdas/core/finding.ts';

const eventBridge = mockClient(EventBridgeClient);
const noWait = async () => {};

const finding = (n: number): Finding => ({
  id: `vgl-${String(n).padStart(32, '0')}`,
  detector: 'root.credential-use',
  title: 'Root user signed in to the console',
  severity: 'high',
  risk: 39,
  principal: {
    key: 'root:111122223333',
    arn: 'arn:aws:iam::111122223333:root',
    type: 'Root',
    accountId: '111122223333',
    name: 'root',
  },
  eventIds: [`e-${n}`],
  firstEventTime: '2026-10-05T09:15:00.000Z',
  lastEventTime: '2026-10-05T09:15:00.000Z',
  attack: ['T1078.004'],
  evidence: { occurrences: 1 },
  response: null,
});

beforeEach(() => {
  eventBridge.reset();
});

describe('EventBridgePublisher', () => {
  it('puts each finding on the bus as a "Vigil Finding" event whose detail is the finding', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'vigil-bus', noWait);

    const responses = await publisher.publish([finding(1)]);

    expect(responses).toEqual(new Map());
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Entries: [
          {
            EventBusName: 'vigil-bus',
            Source: 'vigil.scorer',
            DetailType: 'Vigil Finding',
            Detail: JSON.stringify(finding(1)),
            Resources: ['arn:aws:iam::111122223333:root'],
            Time: new Date('2026-10-05T09:15:00.000Z'),
          },
        ],
      },
    ]);
  });

  it('sends at most ten entries a request', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({})) }));
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'vigil-bus', noWait);

    await publisher.publish(Array.from({ length: 23 }, (_, i) => finding(i)));

    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
  });

  it('retries only the entries EventBridge refused', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: '1' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '2' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'vigil-bus', noWait);

    await publisher.publish([finding(1), finding(2)]);

    const retried = eventBridge.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries ?? [];
    expect(retried.map((e) => JSON.parse(e.Detail ?? '{}').id)).toEqual([finding(2).id]);
  });

  it('gives up after four attempts, naming the error', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'vigil-bus', noWait);

    const act = publisher.publish([finding(1)]);

    await expect(act).rejects.toThrow(PublishError);
    await expect(act).rejects.toThrow(
      'EventBridge refused 1 of 1 findings on bus vigil-bus after 4 attempts: ThrottlingException: Rate exceeded',
    );
  });
});
