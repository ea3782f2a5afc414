/**
 * The state table: everything the scorer and the playbooks keep between batches, one item per
 * thing, told apart by a prefix on the partition key.
 *
 * | item                     | pk                        | sk        | expiresAt |
 * |--------------------------|---------------------------|-----------|-----------|
 * | principal state          | `P#<principalKey>`        | `STATE`   | no        |
 * | finding                  | `F#<findingId>`           | `FINDING` | no        |
 * | processed log file       | `FILE#<bucket>/<key>`     | `FILE`    | yes       |
 * | case (reserved)          | `C#<caseId>`              | `CASE`    | no        |
 * | containment budget (res.)| `BUDGET#<hour>`           | `BUDGET`  | yes       |
 *
 * Every item is read and written by its full key, so the sort key is a constant per kind today;
 * it is there so a kind can later keep several items under one partition (a case and its actions,
 * `C#<caseId>` / `ACTION#<n>`) without a new table.
 *
 * Principal state is stored as native attributes, the baseline as a native map. Measured on a
 * realistic principal (a 2.6 KB JSON baseline, `test/adapters/realistic-state.ts`) the item is
 * 2,868 bytes with the baseline as a map against 3,458 with it as a JSON string: three write
 * units a write instead of four, and the write is the cost that dominates. Numbers cost DynamoDB fewer
 * bytes than their decimal text, and a map stays readable in the console.
 *
 * Only transient items carry `expiresAt` (epoch seconds): DynamoDB deletes them some time after,
 * so readers also treat an item past its `expiresAt` as absent.
 */
import type { TableDefinition } from './table-definition.ts';

/** The state table: principal state, findings, processed log files. */
export const STATE_TABLE: TableDefinition = {
  id: 'State',
  localName: 'vigil-state',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: 'expiresAt',
};

/** The full key of an item in the state table. */
export interface StateItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** Partition key prefixes, one per item kind. */
export const STATE_PREFIX = {
  principal: 'P#',
  finding: 'F#',
  file: 'FILE#',
  case: 'C#',
  budget: 'BUDGET#',
} as const;

/** The key of a principal's state item. */
export const principalStateKey = (principalKey: string): StateItemKey => ({
  pk: `${STATE_PREFIX.principal}${principalKey}`,
  sk: 'STATE',
});

/** The key of a finding item. */
export const findingKey = (findingId: string): StateItemKey => ({
  pk: `${STATE_PREFIX.finding}${findingId}`,
  sk: 'FINDING',
});

/** The key of a processed log file marker; `fileKey` is `<bucket>/<object key>`. */
export const fileMarkerKey = (fileKey: string): StateItemKey => ({ pk: `${STATE_PREFIX.file}${fileKey}`, sk: 'FILE' });

/**
 * The size DynamoDB bills an item at, in bytes, from its native (unmarshalled) value, by the rules
 * AWS documents: attribute names count, strings by UTF-8 length, numbers about one byte per two
 * significant digits, maps and lists 3 bytes plus 1 per element. Agrees with dynalite's count. For keeping items compact, and
 * for the benchmark's units estimate.
 */
export const itemSizeBytes = (item: Readonly<Record<string, unknown>>): number => {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += Buffer.byteLength(name) + valueSize(value);
  }
  return size;
};

const valueSize = (value: unknown): number => {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + valueSize(element), 0);
  if (value instanceof Set) return [...value].reduce<number>((sum, element) => sum + valueSize(element), 0);
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, element] of Object.entries(value)) {
      if (element !== undefined) size += 1 + Buffer.byteLength(name) + valueSize(element);
    }
    return size;
  }
  return 0;
};

/** DynamoDB stores a number as base-100 digit pairs aligned on even powers of ten, plus a byte. */
const numberSize = (value: number | bigint): number => {
  const [mantissa = '0', exponent = '0'] = (
    typeof value === 'bigint'
      ? `${value < 0n ? -value : value}e${String(value).replace('-', '').length - 1}`
      : Math.abs(value).toExponential()
  ).split('e');
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (digits.length === 0) return 1;
  const pairs = Math.ceil(digits.length / 2) + (digits.length % 2 === 0 && Number(exponent) % 2 === 0 ? 1 : 0);
  return 1 + pairs + (value < 0 ? 1 : 0);
};
