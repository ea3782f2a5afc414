import { describe, expect, it } from 'vitest';
import type { DetectorDefinition } from '../../lambdas/core/detector.ts';
import { fastPathTriggers } from '../../lambdas/core/detectors/registry.ts';
import { estimatedPatternLength, fastPathPatterns, PatternTooLongError } from '../../lib/fast-path-pattern.ts';

const detector = (id: string, triggers: DetectorDefinition['triggers'], fastPath = true): DetectorDefinition => ({
  id,
  title: id,
  severity: 'high',
  attack: [],
  techniques: [],
  triggers,
  fastPath,
  dedupWindowMinutes: 60,
  runbook: '',
  detect: () => null,
});

const DETECTORS = [
  detector('a', [{ source: 'iam.amazonaws.com', names: ['CreateAccessKey', 'AttachUserPolicy'] }]),
  detector('b', [{ source: 'iam.amazonaws.com', names: ['CreateAccessKey'] }, { userIdentityType: 'Root' }]),
  detector('c', [{ source: 'cloudtrail.amazonaws.com', names: ['StopLogging'] }]),
  detector('slow', [{ source: 's3.amazonaws.com', names: ['GetObject'] }], false),
];

describe('fastPathTriggers', () => {
  it("collects the fast-path detectors' sources and names, sorted and without repeats", () => {
    const triggers = fastPathTriggers(DETECTORS);

    expect([...triggers.sources]).toEqual([
      ['cloudtrail.amazonaws.com', ['StopLogging']],
      ['iam.amazonaws.com', ['AttachUserPolicy', 'CreateAccessKey']],
    ]);
    expect(triggers.userIdentityTypes).toEqual(['Root']);
  });
});

describe('fastPathPatterns', () => {
  it("reads the triggers' calls and sign-ins, and drops the excluded roles' calls", () => {
    const patterns = fastPathPatterns(fastPathTriggers(DETECTORS), {
      excludedRoleArns: ['arn:aws:iam::111122223333:role/vigil'],
    });

    expect(patterns).toEqual([
      {
        'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
        detail: {
          $or: [
            { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging'] },
            { eventSource: ['iam.amazonaws.com'], eventName: ['AttachUserPolicy', 'CreateAccessKey'] },
            { userIdentity: { type: ['Root'] } },
          ],
          userIdentity: {
            $or: [
              {
                sessionContext: {
                  sessionIssuer: { arn: [{ 'anything-but': ['arn:aws:iam::111122223333:role/vigil'] }] },
                },
              },
              { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } },
            ],
          },
        },
      },
    ]);
  });

  it('merges a lone root trigger with the exclusion, both on userIdentity', () => {
    const patterns = fastPathPatterns(fastPathTriggers([detector('root', [{ userIdentityType: 'Root' }])]), {
      excludedRoleArns: ['r'],
    });

    expect(patterns[0]?.detail).toEqual({
      userIdentity: {
        type: ['Root'],
        $or: [
          { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': ['r'] }] } } },
          { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } },
        ],
      },
    });
  });

  it('splits the triggers over as many patterns as the size limit needs, each within it', () => {
    const many = [
      detector(
        'many',
        Array.from({ length: 12 }, (_, i) => ({
          source: `service${i}.amazonaws.com`,
          names: ['DoSomethingImportant', 'DoSomethingElse'],
        })),
      ),
    ];
    const roles = ['r1', 'r2', 'r3'];

    const patterns = fastPathPatterns(fastPathTriggers(many), { excludedRoleArns: roles, maxLength: 700 });

    expect(patterns.length).toBeGreaterThan(1);
    for (const p of patterns) {
      const clauses = (p.detail as { $or?: unknown[] }).$or ?? [p.detail];
      expect(estimatedPatternLength(clauses as never, roles.length)).toBeLessThanOrEqual(700);
    }
    const sources = patterns.flatMap((p) => {
      const detail = p.detail as { $or?: { eventSource: string[] }[]; eventSource?: string[] };
      return (detail.$or ?? [detail]).flatMap((c) => c.eventSource ?? []);
    });
    expect(sources).toHaveLength(12);
  });

  it('refuses a single trigger that cannot fit, naming the limit', () => {
    const act = () =>
      fastPathPatterns(fastPathTriggers(DETECTORS), { excludedRoleArns: ['r1', 'r2', 'r3'], maxLength: 300 });

    expect(act).toThrow(PatternTooLongError);
    expect(act).toThrow(
      /needs more than 300 characters; expected fewer excluded roles or a raised EventBridge pattern-size quota/,
    );
  });

  it('is empty when no detector is on the fast path', () => {
    expect(fastPathPatterns(fastPathTriggers([DETECTORS[3] as DetectorDefinition]))).toEqual([]);
  });
});
