import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import { DETECTORS, fastPathTriggers } from '../../lambdas/core/detectors/registry.ts';
import { type EventPattern, fastPathPatternFromTemplate, matchesPattern } from '../../lambdas/core/event-pattern.ts';
import { EVENT_PATTERN_MAX_LENGTH, ROLE_ARN_MAX_LENGTH } from '../../lib/fast-path-pattern.ts';
import { synthesizeTemplates } from '../../lib/vigil-app.ts';
import { type Built, build, logicalId, TYPICAL_CONFIG } from './build.ts';

const ACCOUNT = '111122223333';

let built: Built;
let pattern: EventPattern;
let scorerRole: string;

const eventOf = (record: CloudTrailRecord, detailType = 'AWS API Call via CloudTrail') => ({
  version: '0',
  id: 'e1',
  'detail-type': detailType,
  source: `aws.${String(record.eventSource).split('.')[0]}`,
  account: ACCOUNT,
  time: record.eventTime,
  region: 'us-east-1',
  resources: [],
  detail: record,
});

const roleCall = (roleArn: string, source: string, name: string): CloudTrailRecord => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/x/session`,
    accountId: ACCOUNT,
    sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, accountId: ACCOUNT, userName: 'x' } },
  },
  eventTime: '2026-10-05T09:00:00Z',
  eventSource: source,
  eventName: name,
  awsRegion: 'us-east-1',
  eventID: 'e1',
  recipientAccountId: ACCOUNT,
});

beforeAll(() => {
  built = build(TYPICAL_CONFIG);
  pattern = fastPathPatternFromTemplate(built.template.toJSON());
  scorerRole = logicalId(built.template, 'AWS::IAM::Role', 'ScorerRole');
});

describe('the deployed fast-path pattern, applied locally', () => {
  it('takes every call a fast-path detector reads', () => {
    const triggers = fastPathTriggers(DETECTORS);
    for (const [source, names] of triggers.sources) {
      for (const name of names) {
        const event = eventOf(roleCall(`arn:aws:iam::${ACCOUNT}:role/ci-deployer`, source, name));
        expect([source, name, matchesPattern(pattern, event)]).toEqual([source, name, true]);
      }
    }
  });

  it('takes a root sign-in, whatever the service', () => {
    const rootSignIn = {
      userIdentity: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventTime: '2026-10-05T09:00:00Z',
    };
    const rootListing = { ...rootSignIn, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' };

    expect(matchesPattern(pattern, eventOf(rootSignIn, 'AWS Console Sign In via CloudTrail'))).toBe(true);
    expect(matchesPattern(pattern, eventOf(rootListing))).toBe(true);
  });

  it('leaves reads no fast-path detector wants to the bulk path', () => {
    const read = roleCall(`arn:aws:iam::${ACCOUNT}:role/analyst`, 's3.amazonaws.com', 'GetObject');

    expect(matchesPattern(pattern, eventOf(read))).toBe(false);
  });

  it("drops the calls of Vigil's own roles", () => {
    const [source, names] = [...fastPathTriggers(DETECTORS).sources][0] as [string, string[]];
    const ownCall = roleCall(`\${${scorerRole}.Arn}`, source, names[0] as string);

    expect(matchesPattern(pattern, eventOf(ownCall))).toBe(false);
  });

  it('ignores service events, which carry no person', () => {
    const [source, names] = [...fastPathTriggers(DETECTORS).sources][0] as [string, string[]];
    const serviceEvent = { ...roleCall('x', source, names[0] as string), userIdentity: { type: 'AWSService' } };

    expect(matchesPattern(pattern, eventOf(serviceEvent, 'AWS Service Event via CloudTrail'))).toBe(false);
  });
});

describe('the fast-path rules', () => {
  it("each fit EventBridge's pattern size limit once role ARNs are resolved at their longest", () => {
    const rules = built.template.findResources('AWS::Events::Rule', {
      Properties: { Description: Match.stringLikeRegexp('^Vigil fast path') },
    });
    for (const rule of Object.values(rules)) {
      const resolved = JSON.stringify(rule.Properties.EventPattern, (_key, value) =>
        value !== null && typeof value === 'object' && 'Fn::GetAtt' in value ? 'x'.repeat(ROLE_ARN_MAX_LENGTH) : value,
      );
      expect(resolved.length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_LENGTH);
    }
  });

  it('name each source and event name in one rule only, so no event is queued twice', () => {
    const rules = Object.values(
      built.template.findResources('AWS::Events::Rule', {
        Properties: { Description: Match.stringLikeRegexp('^Vigil fast path') },
      }),
    );
    const named = rules.flatMap((rule) => {
      const detail = rule.Properties.EventPattern.detail as {
        $or?: Record<string, string[]>[];
        eventSource?: string[];
        eventName?: string[];
      };
      const clauses = detail.$or ?? [detail];
      return clauses.flatMap((c) => (c.eventSource ?? []).flatMap((s) => (c.eventName ?? []).map((n) => `${s} ${n}`)));
    });
    const expected = [...fastPathTriggers(DETECTORS).sources].flatMap(([s, names]) => names.map((n) => `${s} ${n}`));
    expect(named.sort()).toEqual(expected.sort());
  });
});

describe('synthesizeTemplates', () => {
  it('synthesizes in-process, without bundling, the templates `vigil replay` reads its pattern from', () => {
    // Act
    const templates = synthesizeTemplates(built.main.config);

    // Assess
    expect(Object.keys(templates)).toEqual(['Vigil']);
    expect(fastPathPatternFromTemplate(templates.Vigil as object)).toEqual(pattern);
  });

  it('adds the us-east-1 forwarder when Vigil runs in another region', () => {
    const templates = synthesizeTemplates(built.main.config, { region: 'eu-west-1' });

    expect(Object.keys(templates).sort()).toEqual(['Vigil', 'VigilGlobalEvents']);
  });
});
