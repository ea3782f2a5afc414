/**
 * The canonical JSON form audit hashes are computed over: object keys sorted by UTF-16 code
 * units (as RFC 8785 does), no whitespace, and JSON.stringify's rules for everything else
 * (`toJSON` honoured, `undefined` members dropped, `undefined` in arrays and non-finite numbers
 * written as `null`). Parsing the output and serialising it again gives the same text, so a
 * record can be stored as text, read back and hashed again.
 */

/** A value that has no JSON form (a bigint, a cycle) was given to be hashed. */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

/** Serialises `value` canonically. Throws CanonicalJsonError for a bigint, a cycle or a top-level `undefined`. */
export const canonicalJson = (value: unknown): string => {
  const text = write(value, new Set(), '$');
  if (text === undefined) throw new CanonicalJsonError(`cannot serialise ${typeof value} at $; expected a JSON value`);
  return text;
};

const write = (input: unknown, open: Set<object>, path: string): string | undefined => {
  const value = hasToJson(input) ? input.toJSON() : input;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new CanonicalJsonError(`bigint ${value} at ${path} has no JSON form; expected a number or a string`);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (open.has(object)) throw new CanonicalJsonError(`cycle at ${path}; expected a tree`);
  open.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = `[${object.map((element, i) => write(element, open, `${path}[${i}]`) ?? 'null').join(',')}]`;
  } else {
    const members: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const member = write((object as Record<string, unknown>)[key], open, `${path}.${key}`);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    text = `{${members.join(',')}}`;
  }
  open.delete(object);
  return text;
};

const hasToJson = (value: unknown): value is { toJSON(): unknown } =>
  typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
