import { describe, expect, it } from 'vitest';
import {
  type EventPattern,
  FAST_PATH_RULE_DESCRIPTION,
  FastPathRuleNotFoundError,
  fastPathPatternFromTemplate,
  matchesPattern,
  UnsupportedPatternError,
} from '../../lambdas/core/event-pattern.ts';

const event = {
  version: '0',
  source: 'aws.iam',
  'detail-type': 'AWS API Call via CloudTrail',
  region: 'us-east-1',
  resources: ['arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:user/bob'],
  detail: {
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    sourceIPAddress: '10.0.3.7',
    readOnly: false,
    count: 5,
    nothing: null,
    userIdentity: {
      type: 'AssumedRole',
      sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::123456789012:role/ci-deployer' } },
    },
    requestParameters: { userName: 'bob' },
    items: [
      { name: 'a', size: 1 },
      { name: 'b', size: 2 },
    ],
  },
};

interface Case {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly matches: boolean;
}

const detail = (d: EventPattern): EventPattern => ({ detail: d });

const cases: Case[] = [
  { name: 'exact string', pattern: { source: ['aws.iam'] }, matches: true },
  { name: 'exact string, other value', pattern: { source: ['aws.kms'] }, matches: false },
  { name: 'values in an array are ORed', pattern: { source: ['aws.kms', 'aws.iam'] }, matches: true },
  { name: 'fields are ANDed', pattern: { source: ['aws.iam'], region: ['eu-west-1'] }, matches: false },
  { name: 'nested exact', pattern: detail({ eventName: ['CreateAccessKey'] }), matches: true },
  { name: 'missing field never matches a value', pattern: detail({ errorCode: ['AccessDenied'] }), matches: false },
  { name: 'exact number', pattern: detail({ count: [5] }), matches: true },
  { name: 'exact number does not match its string', pattern: detail({ count: ['5'] }), matches: false },
  { name: 'exact boolean', pattern: detail({ readOnly: [false] }), matches: true },
  { name: 'exact null', pattern: detail({ nothing: [null] }), matches: true },
  { name: 'event array: any element', pattern: { resources: ['arn:aws:iam::123456789012:user/bob'] }, matches: true },
  {
    name: 'array of objects: one element matches the sub-pattern',
    pattern: detail({ items: { name: ['b'], size: [2] } }),
    matches: true,
  },
  {
    name: 'array of objects: fields from different elements do not combine',
    pattern: detail({ items: { name: ['a'], size: [2] } }),
    matches: false,
  },
  { name: 'prefix', pattern: { region: [{ prefix: 'us-' }] }, matches: true },
  { name: 'prefix, other', pattern: { region: [{ prefix: 'eu-' }] }, matches: false },
  {
    name: 'prefix ignoring case',
    pattern: detail({ eventName: [{ prefix: { 'equals-ignore-case': 'createACCESS' } }] }),
    matches: true,
  },
  { name: 'prefix on a number never matches', pattern: detail({ count: [{ prefix: '5' }] }), matches: false },
  { name: 'suffix', pattern: detail({ eventSource: [{ suffix: '.amazonaws.com' }] }), matches: true },
  {
    name: 'equals-ignore-case',
    pattern: detail({ eventName: [{ 'equals-ignore-case': 'createaccesskey' }] }),
    matches: true,
  },
  { name: 'wildcard', pattern: detail({ eventName: [{ wildcard: 'Create*Key' }] }), matches: true },
  { name: 'wildcard spans slashes', pattern: { resources: [{ wildcard: 'arn:aws:iam::*:user/*' }] }, matches: true },
  { name: 'wildcard must match whole value', pattern: detail({ eventName: [{ wildcard: 'Create*' }] }), matches: true },
  { name: 'wildcard, no match', pattern: detail({ eventName: [{ wildcard: 'Delete*' }] }), matches: false },
  { name: 'anything-but value', pattern: detail({ eventName: [{ 'anything-but': 'DeleteUser' }] }), matches: true },
  {
    name: 'anything-but the value itself',
    pattern: detail({ eventName: [{ 'anything-but': 'CreateAccessKey' }] }),
    matches: false,
  },
  {
    name: 'anything-but list',
    pattern: detail({ eventName: [{ 'anything-but': ['A', 'CreateAccessKey'] }] }),
    matches: false,
  },
  { name: 'anything-but numbers', pattern: detail({ count: [{ 'anything-but': [1, 2, 3] }] }), matches: true },
  {
    name: 'anything-but on a missing field does not match',
    pattern: detail({ errorCode: [{ 'anything-but': 'x' }] }),
    matches: false,
  },
  { name: 'anything-but prefix', pattern: { region: [{ 'anything-but': { prefix: 'us-' } }] }, matches: false },
  { name: 'anything-but prefix, other', pattern: { region: [{ 'anything-but': { prefix: 'eu-' } }] }, matches: true },
  {
    name: 'anything-but suffix',
    pattern: detail({ eventSource: [{ 'anything-but': { suffix: '.com' } }] }),
    matches: false,
  },
  {
    name: 'anything-but wildcard',
    pattern: detail({ eventSource: [{ 'anything-but': { wildcard: 'iam.*' } }] }),
    matches: false,
  },
  {
    name: 'anything-but equals-ignore-case list',
    pattern: detail({ eventName: [{ 'anything-but': { 'equals-ignore-case': ['x', 'CREATEACCESSKEY'] } }] }),
    matches: false,
  },
  { name: 'exists true', pattern: detail({ eventName: [{ exists: true }] }), matches: true },
  { name: 'exists true, missing', pattern: detail({ errorCode: [{ exists: true }] }), matches: false },
  { name: 'exists true on null', pattern: detail({ nothing: [{ exists: true }] }), matches: true },
  { name: 'exists false, missing', pattern: detail({ errorCode: [{ exists: false }] }), matches: true },
  { name: 'exists false, present', pattern: detail({ eventName: [{ exists: false }] }), matches: false },
  {
    name: 'exists looks at leaves: an object does not exist',
    pattern: detail({ requestParameters: [{ exists: false }] }),
    matches: true,
  },
  {
    name: 'exists false under a missing parent',
    pattern: detail({ errorInfo: { code: [{ exists: false }] } }),
    matches: true,
  },
  { name: 'numeric range', pattern: detail({ count: [{ numeric: ['>', 0, '<=', 5] }] }), matches: true },
  { name: 'numeric range, outside', pattern: detail({ count: [{ numeric: ['<', 5] }] }), matches: false },
  { name: 'numeric equals', pattern: detail({ count: [{ numeric: ['=', 5] }] }), matches: true },
  {
    name: 'numeric on a string never matches',
    pattern: detail({ eventName: [{ numeric: ['>', 0] }] }),
    matches: false,
  },
  { name: 'cidr', pattern: detail({ sourceIPAddress: [{ cidr: '10.0.0.0/16' }] }), matches: true },
  { name: 'cidr, outside', pattern: detail({ sourceIPAddress: [{ cidr: '192.168.0.0/16' }] }), matches: false },
  {
    name: '$or: one branch matches',
    pattern: detail({ $or: [{ eventName: ['DeleteUser'] }, { userIdentity: { type: ['AssumedRole'] } }] }),
    matches: true,
  },
  {
    name: '$or: no branch matches',
    pattern: detail({ $or: [{ eventName: ['DeleteUser'] }, { userIdentity: { type: ['Root'] } }] }),
    matches: false,
  },
  {
    name: '$or at two levels (parallel)',
    pattern: {
      $or: [{ source: ['aws.kms'] }, { region: ['us-east-1'] }],
      detail: { $or: [{ eventName: ['X'] }, { eventSource: ['iam.amazonaws.com'] }] },
    },
    matches: true,
  },
  {
    name: 'exclusion by role: anything-but or absent, excluded role',
    pattern: detail({
      userIdentity: {
        $or: [
          {
            sessionContext: {
              sessionIssuer: { arn: [{ 'anything-but': ['arn:aws:iam::123456789012:role/ci-deployer'] }] },
            },
          },
          { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } },
        ],
      },
    }),
    matches: false,
  },
  {
    name: 'exclusion by role: another role passes',
    pattern: detail({
      userIdentity: {
        $or: [
          {
            sessionContext: { sessionIssuer: { arn: [{ 'anything-but': ['arn:aws:iam::123456789012:role/vigil'] }] } },
          },
          { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } },
        ],
      },
    }),
    matches: true,
  },
];

describe('matchesPattern', () => {
  it.each(cases)('$name', ({ pattern, matches }) => {
    // Act
    const result = matchesPattern(pattern, event);

    // Assess
    expect(result).toBe(matches);
  });

  it('lets a user without a session issuer through the role exclusion', () => {
    // Prepare
    const pattern: EventPattern = {
      detail: {
        userIdentity: {
          $or: [
            {
              sessionContext: {
                sessionIssuer: { arn: [{ 'anything-but': ['arn:aws:iam::123456789012:role/vigil'] }] },
              },
            },
            { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } },
          ],
        },
      },
    };
    const rootEvent = { detail: { userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' } } };

    // Act
    const result = matchesPattern(pattern, rootEvent);

    // Assess
    expect(result).toBe(true);
  });

  it.each([
    [{ source: [{ 'not-an-operator': 'x' }] }, 'matcher {"not-an-operator":"x"}: unsupported operator not-an-operator'],
    [{ source: 'aws.iam' }, 'field source: expected an array of matchers or a nested pattern, got "aws.iam"'],
    [
      { detail: { $or: [{ eventName: ['x'] }] } },
      '$or [{"eventName":["x"]}]: expected an array of at least two patterns',
    ],
    [{ source: [{ wildcard: 'a**b' }] }, 'wildcard "a**b": consecutive * are not allowed'],
  ] as const)('refuses %j rather than guess', (pattern, message) => {
    // Act
    const act = () => matchesPattern(pattern as EventPattern, event);

    // Assess
    expect(act).toThrow(UnsupportedPatternError);
    expect(act).toThrow(message);
  });
});

describe('fastPathPatternFromTemplate', () => {
  const rule = (pattern: unknown, extra: Record<string, unknown> = {}) => ({
    Type: 'AWS::Events::Rule',
    Properties: {
      Description: FAST_PATH_RULE_DESCRIPTION,
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      EventPattern: pattern,
      ...extra,
    },
  });

  it('takes the fast-path rule pattern, rendering deploy-time values as placeholder text', () => {
    // Prepare
    const template = {
      Resources: {
        Other: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.s3'] } } },
        FastPathRule: rule({
          detail: {
            userIdentity: {
              sessionContext: {
                sessionIssuer: { arn: [{ 'anything-but': [{ 'Fn::GetAtt': ['ScorerRole', 'Arn'] }] }] },
              },
            },
          },
        }),
      },
    };

    // Act
    const pattern = fastPathPatternFromTemplate(template);

    // Assess
    expect(pattern).toEqual({
      detail: {
        userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': [`\${ScorerRole.Arn}`] }] } } },
      },
    });
  });

  it('joins several fast-path rules with $or', () => {
    // Prepare
    const template = { Resources: { A: rule({ source: ['aws.iam'] }), B: rule({ source: ['aws.kms'] }) } };

    // Act
    const pattern = fastPathPatternFromTemplate(template);

    // Assess
    expect(pattern).toEqual({ $or: [{ source: ['aws.iam'] }, { source: ['aws.kms'] }] });
  });

  it('ignores a rule with the description on another bus', () => {
    // Prepare
    const template = { Resources: { A: rule({ source: ['aws.iam'] }, { EventBusName: 'vigil' }) } };

    // Act
    const act = () => fastPathPatternFromTemplate(template);

    // Assess
    expect(act).toThrow(FastPathRuleNotFoundError);
  });
});
