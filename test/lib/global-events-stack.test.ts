import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ALL_MANAGEMENT_EVENTS_STATE } from '../../lib/constructs/fast-path.ts';
import { arnOf, build, logicalId } from './build.ts';

describe('Vigil outside us-east-1', () => {
  const built = build({}, { region: 'eu-west-1' });
  const template = built.globalTemplate;
  if (!template) throw new Error('expected the forwarder stack outside us-east-1');
  const target = { 'Fn::Join': ['', ['arn:aws:events:eu-west-1:', { Ref: 'AWS::AccountId' }, ':event-bus/default']] };

  it("forwards the fast-path events of us-east-1 (where IAM, STS and sign-in events arrive) to its region's default bus", () => {
    expect(built.globalEvents?.region).toBe('us-east-1');
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.Properties).toMatchObject({
        State: ALL_MANAGEMENT_EVENTS_STATE,
        EventPattern: { 'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'] },
        Targets: [
          { Arn: target, DeadLetterConfig: { Arn: arnOf(logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue')) } },
        ],
      });
      // The main region's rule drops Vigil's own roles; role ARNs cannot cross regions.
      expect(rule.Properties.EventPattern.detail.userIdentity?.$or).toBeUndefined();
    }
  });

  it('lets EventBridge put events on that bus and nothing else', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: target }] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'events.amazonaws.com' } })],
      },
    });
  });

  it('keeps undeliverable events in an encrypted, TLS-only queue', () => {
    const dlq = logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('builds the main stack in its region', () => {
    expect(built.main.region).toBe('eu-west-1');
  });
});

describe('Vigil in us-east-1', () => {
  it('needs no forwarder', () => {
    expect(build({}).globalEvents).toBeUndefined();
  });
});
