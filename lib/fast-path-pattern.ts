/**
 * The fast path's EventBridge pattern, generated from the detector catalog (`fastPathTriggers` in
 * the registry): the CloudTrail events the fast-path detectors read (by `eventSource` and
 * `eventName`, or every call by an identity type such as Root), less the calls Vigil's own roles
 * make.
 *
 * EventBridge caps an event pattern at 2,048 characters (a quota that can be raised to 4,096), so
 * the triggers are packed into as few patterns as fit: one rule each.
 */
import type { FastPathTriggers } from '../lambdas/core/detectors/registry.ts';
import type { EventPattern } from '../lambdas/core/event-pattern.ts';

/** The CloudTrail detail types the fast path reads: API calls and console sign-ins. */
export const CLOUDTRAIL_DETAIL_TYPES = ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'] as const;

/** EventBridge's default limit on an event pattern's length, in characters. */
export const EVENT_PATTERN_MAX_LENGTH = 2048;

/**
 * The longest an IAM role ARN can resolve to (`arn:aws-us-gov:iam::<12 digits>:role/` plus a
 * 64-character name), used to size patterns whose role ARNs are only known once deployed.
 */
export const ROLE_ARN_MAX_LENGTH = 'arn:aws-us-gov:iam::123456789012:role/'.length + 64;

/** One alternative of the pattern's `detail.$or`. */
type Clause = EventPattern;

const clausesOf = (triggers: FastPathTriggers, maxLength: number): Clause[] => {
  const clauses: Clause[] = [];
  for (const [source, names] of triggers.sources) {
    // A source with more names than fit one pattern is split across clauses.
    let chunk: string[] = [];
    for (const name of names) {
      const next = [...chunk, name];
      if (chunk.length > 0 && JSON.stringify({ eventSource: [source], eventName: next }).length > maxLength / 2) {
        clauses.push({ eventSource: [source], eventName: chunk });
        chunk = [name];
      } else {
        chunk = next;
      }
    }
    if (chunk.length > 0) clauses.push({ eventSource: [source], eventName: chunk });
  }
  if (triggers.userIdentityTypes.length > 0) clauses.push({ userIdentity: { type: [...triggers.userIdentityTypes] } });
  return clauses;
};

/**
 * Excludes calls made by `roleArns` (as the session issuer of an assumed role). A call with no
 * session issuer (a user, root, a service) passes: EventBridge's anything-but never matches an
 * absent field, hence the `$or` with `exists: false`.
 */
const exclusion = (roleArns: readonly unknown[]): EventPattern => ({
  $or: [
    { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': [...roleArns] }] } } },
    { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } },
  ],
});

const patternOf = (clauses: readonly Clause[], roleArns: readonly unknown[] | null): EventPattern => {
  const [only] = clauses;
  const selection: Record<string, unknown> = clauses.length === 1 && only ? { ...only } : { $or: [...clauses] };
  if (roleArns && roleArns.length > 0) {
    const excluded = exclusion(roleArns);
    const identity = selection.userIdentity as EventPattern | undefined;
    // One clause on userIdentity.type (root only) merges with the exclusion: both are ANDed.
    selection.userIdentity = identity ? { ...identity, ...excluded } : excluded;
  }
  return { 'detail-type': [...CLOUDTRAIL_DETAIL_TYPES], detail: selection };
};

/** Options of fastPathPatterns. */
export interface FastPathPatternOptions {
  /**
   * Role ARNs whose calls the fast path ignores: Vigil's own roles. Tokens are fine; each is sized
   * at ROLE_ARN_MAX_LENGTH.
   * @default - none excluded
   */
  readonly excludedRoleArns?: readonly unknown[];
  /** @default EVENT_PATTERN_MAX_LENGTH */
  readonly maxLength?: number;
}

/** The pattern exceeds EventBridge's length limit however it is split. */
export class PatternTooLongError extends Error {
  override readonly name = 'PatternTooLongError';
}

/** The estimated length of a pattern once deployed: every excluded role sized at its longest. */
export const estimatedPatternLength = (clauses: readonly Clause[], roleCount: number): number => {
  const placeholders = Array.from({ length: roleCount }, () => 'x'.repeat(ROLE_ARN_MAX_LENGTH));
  return JSON.stringify(patternOf(clauses, placeholders)).length;
};

/**
 * The fast path's patterns: as few as fit the length limit, each reading the CloudTrail API calls
 * and sign-ins the triggers name, excluding `excludedRoleArns`. Empty when no detector is on the
 * fast path.
 */
export const fastPathPatterns = (triggers: FastPathTriggers, options: FastPathPatternOptions = {}): EventPattern[] => {
  const maxLength = options.maxLength ?? EVENT_PATTERN_MAX_LENGTH;
  const roles = options.excludedRoleArns ?? [];
  const groups: Clause[][] = [];
  let current: Clause[] = [];
  for (const clause of clausesOf(triggers, maxLength)) {
    if (estimatedPatternLength([clause], roles.length) > maxLength) {
      throw new PatternTooLongError(
        `fast-path trigger ${JSON.stringify(clause)} with ${roles.length} excluded roles needs more than ${maxLength} characters; expected fewer excluded roles or a raised EventBridge pattern-size quota`,
      );
    }
    if (current.length > 0 && estimatedPatternLength([...current, clause], roles.length) > maxLength) {
      groups.push(current);
      current = [];
    }
    current.push(clause);
  }
  if (current.length > 0) groups.push(current);
  return groups.map((group) => patternOf(group, roles.length > 0 ? roles : null));
};
