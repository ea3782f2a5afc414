/**
 * EventBridge event pattern matching, so `vigil replay` drops exactly the events the deployed
 * fast-path rule drops. It follows EventBridge's semantics (as its matching library, Event Ruler,
 * documents them) for the operators Vigil's generated patterns use, and a few more:
 *
 * - fields in a pattern are ANDed; the values in a field's array are ORed;
 * - `$or: [{...}, {...}]` ORs whole sub-patterns, at any level;
 * - a pattern field only matches when the event has it, except `{ "exists": false }`;
 * - `exists` looks at leaf values: a field holding an object does not "exist" for it;
 * - an array in the event matches when any of its elements matches (arrays of objects: any one
 *   object must match the whole sub-pattern);
 * - exact values compare type and value (`"5"` never matches `5`);
 * - `prefix`, `suffix`, `equals-ignore-case`, `wildcard` and `anything-but` with a prefix,
 *   suffix, wildcard or case-insensitive value apply to strings only; `numeric` to numbers only.
 *
 * An operator this module does not know fails loudly (UnsupportedPatternError) rather than
 * matching differently from AWS.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** An EventBridge event pattern, as JSON. */
export type EventPattern = { readonly [field: string]: unknown };

/** The pattern uses an operator or shape this matcher does not implement. */
export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

/** The template holds no fast-path rule to take the pattern from. */
export class FastPathRuleNotFoundError extends Error {
  override readonly name = 'FastPathRuleNotFoundError';
}

/**
 * The description every fast-path rule carries: how `fastPathPatternFromTemplate` tells the
 * fast-path rules apart from the other rules in the template. Part of the template's contract.
 */
export const FAST_PATH_RULE_DESCRIPTION = 'Vigil fast path: high-signal CloudTrail events to the scorer';

type Leaf = string | number | boolean | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isLeaf = (value: unknown): value is Leaf =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** Every leaf under `values`, arrays flattened; objects are not leaves. */
const leavesOf = (values: readonly unknown[]): Leaf[] => {
  const out: Leaf[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const element of value) visit(element);
    else if (isLeaf(value)) out.push(value);
  };
  for (const value of values) visit(value);
  return out;
};

/** The objects under `values`, arrays flattened. */
const objectsOf = (values: readonly unknown[]): Record<string, unknown>[] => {
  const out: Record<string, unknown>[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const element of value) visit(element);
    else if (isObject(value)) out.push(value);
  };
  for (const value of values) visit(value);
  return out;
};

const wildcardCache = new Map<string, RegExp>();

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
const wildcardRegExp = (wildcard: string): RegExp => {
  let re = wildcardCache.get(wildcard);
  if (re) return re;
  let body = '';
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i] as string;
    if (c === '\\') {
      const next = wildcard[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new UnsupportedPatternError(`wildcard ${JSON.stringify(wildcard)}: a backslash may only escape * or \\`);
      }
      body += `\\${next}`;
      i++;
    } else if (c === '*') {
      if (wildcard[i + 1] === '*') {
        throw new UnsupportedPatternError(`wildcard ${JSON.stringify(wildcard)}: consecutive * are not allowed`);
      }
      body += '[\\s\\S]*';
    } else {
      body += c.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  re = new RegExp(`^${body}$`);
  wildcardCache.set(wildcard, re);
  return re;
};

const stringOperand = (operator: string, operand: unknown): string => {
  if (typeof operand !== 'string') {
    throw new UnsupportedPatternError(`${operator} expects a string, got ${JSON.stringify(operand)}`);
  }
  return operand;
};

/** `prefix`/`suffix` operand: a string, or `{ "equals-ignore-case": string }`. */
const affixMatch = (operator: 'prefix' | 'suffix', operand: unknown, value: string): boolean => {
  const test = (affix: string, subject: string): boolean =>
    operator === 'prefix' ? subject.startsWith(affix) : subject.endsWith(affix);
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new UnsupportedPatternError(
        `${operator} ${JSON.stringify(operand)}: expected a string or {"equals-ignore-case": string}`,
      );
    }
    return test(stringOperand(operator, operand['equals-ignore-case']).toLowerCase(), value.toLowerCase());
  }
  return test(stringOperand(operator, operand), value);
};

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);

const numericMatch = (operand: unknown, value: number): boolean => {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) {
    throw new UnsupportedPatternError(
      `numeric ${JSON.stringify(operand)}: expected [op, number] or [op, number, op, number]`,
    );
  }
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op) || typeof bound !== 'number') {
      throw new UnsupportedPatternError(
        `numeric ${JSON.stringify(operand)}: expected operators =, <, <=, >, >= each followed by a number`,
      );
    }
    const ok =
      op === '='
        ? value === bound
        : op === '<'
          ? value < bound
          : op === '<='
            ? value <= bound
            : op === '>'
              ? value > bound
              : value >= bound;
    if (!ok) return false;
  }
  return true;
};

const cidrCache = new Map<string, BlockList>();

const cidrMatch = (operand: unknown, value: string): boolean => {
  const cidr = stringOperand('cidr', operand);
  let list = cidrCache.get(cidr);
  if (!list) {
    const [address, bits] = cidr.split('/');
    const prefix = Number(bits);
    const family = address && isIPv4(address) ? 'ipv4' : address && isIPv6(address) ? 'ipv6' : null;
    if (!address || !family || !Number.isInteger(prefix)) {
      throw new UnsupportedPatternError(`cidr ${JSON.stringify(cidr)}: expected an address/prefix-length block`);
    }
    list = new BlockList();
    list.addSubnet(address, prefix, family);
    cidrCache.set(cidr, list);
  }
  if (isIPv4(value)) return list.check(value, 'ipv4');
  if (isIPv6(value)) return list.check(value, 'ipv6');
  return false;
};

/** `anything-but` operand: a value, a list of values, or one of prefix/suffix/wildcard/equals-ignore-case. */
const anythingButMatch = (operand: unknown, value: Leaf): boolean => {
  if (Array.isArray(operand)) return !operand.some((excluded) => excluded === value);
  if (isLeaf(operand)) return operand !== value;
  if (!isObject(operand))
    throw new UnsupportedPatternError(`anything-but ${JSON.stringify(operand)}: unsupported operand`);
  const keys = Object.keys(operand);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) {
    throw new UnsupportedPatternError(`anything-but ${JSON.stringify(operand)}: expected exactly one operator`);
  }
  if (typeof value !== 'string') return false;
  const inner = operand[key];
  const list = Array.isArray(inner) ? inner : [inner];
  switch (key) {
    case 'prefix':
      return !value.startsWith(stringOperand('anything-but prefix', inner));
    case 'suffix':
      return !value.endsWith(stringOperand('anything-but suffix', inner));
    case 'equals-ignore-case':
      return !list.some(
        (s) => stringOperand('anything-but equals-ignore-case', s).toLowerCase() === value.toLowerCase(),
      );
    case 'wildcard':
      return !list.some((s) => wildcardRegExp(stringOperand('anything-but wildcard', s)).test(value));
    default:
      throw new UnsupportedPatternError(`anything-but ${JSON.stringify(operand)}: unsupported operator ${key}`);
  }
};

/** One matcher from a field's array against one leaf value. `exists` is handled by the caller. */
const matcherMatches = (matcher: unknown, value: Leaf): boolean => {
  if (isLeaf(matcher)) return matcher === value;
  if (!isObject(matcher))
    throw new UnsupportedPatternError(`matcher ${JSON.stringify(matcher)}: expected a value or an operator object`);
  const keys = Object.keys(matcher);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) {
    throw new UnsupportedPatternError(`matcher ${JSON.stringify(matcher)}: expected exactly one operator`);
  }
  const operand = matcher[key];
  switch (key) {
    case 'prefix':
    case 'suffix':
      return typeof value === 'string' && affixMatch(key, operand, value);
    case 'equals-ignore-case':
      return typeof value === 'string' && stringOperand(key, operand).toLowerCase() === value.toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcardRegExp(stringOperand(key, operand)).test(value);
    case 'anything-but':
      return anythingButMatch(operand, value);
    case 'numeric':
      return typeof value === 'number' && numericMatch(operand, value);
    case 'cidr':
      return typeof value === 'string' && cidrMatch(operand, value);
    default:
      throw new UnsupportedPatternError(`matcher ${JSON.stringify(matcher)}: unsupported operator ${key}`);
  }
};

const existsOperand = (matcher: unknown): boolean | undefined => {
  if (!isObject(matcher) || !('exists' in matcher)) return undefined;
  const operand = matcher.exists;
  if (typeof operand !== 'boolean' || Object.keys(matcher).length !== 1) {
    throw new UnsupportedPatternError(
      `exists ${JSON.stringify(matcher)}: expected {"exists": true} or {"exists": false}`,
    );
  }
  return operand;
};

/** A field's matcher array against the values the event holds at that field (empty when absent). */
const fieldMatches = (matchers: readonly unknown[], values: readonly unknown[]): boolean => {
  const leaves = leavesOf(values);
  return matchers.some((matcher) => {
    const exists = existsOperand(matcher);
    if (exists !== undefined) return exists === leaves.length > 0;
    return leaves.some((leaf) => matcherMatches(matcher, leaf));
  });
};

/** The values found at `field` in `scopes` (objects; arrays of objects are searched element-wise). */
const valuesAt = (scopes: readonly unknown[], field: string): unknown[] => {
  const found: unknown[] = [];
  for (const scope of objectsOf(scopes)) if (Object.hasOwn(scope, field)) found.push(scope[field]);
  return found;
};

/** True when one of the objects in `scopes` matches the whole (sub-)pattern. */
const objectMatches = (pattern: EventPattern, scopes: readonly unknown[]): boolean => {
  const candidates = objectsOf(scopes);
  // A sub-pattern made only of `exists: false` leaves matches even where the parent is absent.
  if (candidates.length === 0) return matchesAbsent(pattern);
  return candidates.some((candidate) => matchesOne(pattern, candidate));
};

const matchesAbsent = (pattern: EventPattern): boolean =>
  Object.entries(pattern).every(([field, sub]) => {
    if (field === '$or' && Array.isArray(sub)) return sub.some((branch) => isObject(branch) && matchesAbsent(branch));
    if (Array.isArray(sub)) return sub.some((matcher) => existsOperand(matcher) === false);
    return isObject(sub) && matchesAbsent(sub);
  });

const matchesOne = (pattern: EventPattern, event: Record<string, unknown>): boolean => {
  for (const [field, sub] of Object.entries(pattern)) {
    if (field === '$or') {
      if (!Array.isArray(sub) || sub.length < 2 || !sub.every(isObject)) {
        throw new UnsupportedPatternError(`$or ${JSON.stringify(sub)}: expected an array of at least two patterns`);
      }
      if (!sub.some((branch) => matchesOne(branch as EventPattern, event))) return false;
      continue;
    }
    const values = valuesAt([event], field);
    if (Array.isArray(sub)) {
      if (!fieldMatches(sub, values)) return false;
    } else if (isObject(sub)) {
      if (!objectMatches(sub, values)) return false;
    } else {
      throw new UnsupportedPatternError(
        `field ${field}: expected an array of matchers or a nested pattern, got ${JSON.stringify(sub)}`,
      );
    }
  }
  return true;
};

/** True when `event` matches `pattern` as EventBridge would decide (see the module comment). */
export const matchesPattern = (pattern: EventPattern, event: unknown): boolean => {
  if (!isObject(pattern))
    throw new UnsupportedPatternError(`pattern ${JSON.stringify(pattern)}: expected a JSON object`);
  return isObject(event) && matchesOne(pattern, event);
};

/** Renders a CloudFormation intrinsic as `${...}` text: the value is only known once deployed. */
const renderIntrinsics = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(renderIntrinsics);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const only = keys[0];
  if (keys.length === 1 && only !== undefined && (only === 'Ref' || only.startsWith('Fn::'))) {
    const operand = value[only];
    if (only === 'Ref' && typeof operand === 'string') return `\${${operand}}`;
    if (only === 'Fn::GetAtt' && Array.isArray(operand)) return `\${${operand.join('.')}}`;
    return `\${${only} ${JSON.stringify(operand)}}`;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderIntrinsics(v)]));
};

/**
 * The fast path's event pattern in a synthesized template: the `EventPattern` of every
 * `AWS::Events::Rule` on the default bus whose description is FAST_PATH_RULE_DESCRIPTION, one
 * pattern as is, several as `{ "$or": [...] }` (an event goes to the fast path if any rule takes
 * it). Values only known once deployed (Vigil's own role ARNs) come out as `${LogicalId.Arn}` text,
 * which no CloudTrail event carries. Throws FastPathRuleNotFoundError when there is none.
 */
export const fastPathPatternFromTemplate = (template: object): EventPattern => {
  const resources = (template as { Resources?: unknown }).Resources;
  const patterns: EventPattern[] = [];
  if (isObject(resources)) {
    for (const resource of Object.values(resources)) {
      if (!isObject(resource) || resource.Type !== 'AWS::Events::Rule') continue;
      const props = resource.Properties;
      if (!isObject(props) || props.Description !== FAST_PATH_RULE_DESCRIPTION || props.EventBusName !== undefined)
        continue;
      const pattern = props.EventPattern;
      const parsed = typeof pattern === 'string' ? (JSON.parse(pattern) as unknown) : pattern;
      if (!isObject(parsed)) {
        throw new UnsupportedPatternError(`fast-path rule pattern ${JSON.stringify(pattern)}: expected a JSON object`);
      }
      patterns.push(renderIntrinsics(parsed) as EventPattern);
    }
  }
  const [first] = patterns;
  if (!first) {
    throw new FastPathRuleNotFoundError(
      `no AWS::Events::Rule described ${JSON.stringify(FAST_PATH_RULE_DESCRIPTION)} on the default bus in the template; expected the Vigil stack's template`,
    );
  }
  return patterns.length === 1 ? first : { $or: patterns };
};
