/**
 * End-to-end: `vigil replay` on the folder of attack recordings flags each technique at the
 * severity a security lead expects, and no catalog detector fires on the routine activity.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTORS } from '../../lambdas/core/detectors/registry.ts';
import type { Finding } from '../../lambdas/core/finding.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ATTACKS = join(ROOT, 'test/fixtures/attacks');

interface Expected {
  readonly detector: string;
  readonly severity: string;
  readonly principal: string;
  readonly firstEventTime: string;
  readonly lastEventTime: string;
}

const expected = JSON.parse(readFileSync(join(ATTACKS, 'expected.json'), 'utf8')) as {
  techniques: Record<string, Expected>;
};
let dir: string;
let findings: Finding[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-attacks-'));
  const out = join(dir, 'findings.jsonl');
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin/vigil.js'),
      'replay',
      join(ATTACKS, 'logs'),
      '--store',
      join(dir, 'store'),
      '--findings',
      out,
      '--response',
      'off',
      '--format',
      'json',
    ],
    { encoding: 'utf8', timeout: 180_000 },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  findings = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Finding);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil replay on attack recordings', () => {
  it.each(Object.entries(expected.techniques))('flags %s', (_technique, want) => {
    const inWindow = findings.filter(
      (f) =>
        f.detector === want.detector &&
        f.principal.name === want.principal &&
        f.lastEventTime >= want.firstEventTime &&
        f.firstEventTime <= want.lastEventTime,
    );
    expect(inWindow.map((f) => f.severity)).toContain(want.severity);
  });

  it('raises no catalog finding on routine activity', () => {
    const routine = JSON.parse(gunzipSync(readFileSync(join(ATTACKS, 'logs/routine.json.gz'))).toString('utf8')) as {
      Records: { eventID: string }[];
    };
    const routineIds = new Set(routine.Records.map((r) => r.eventID));
    const catalog = new Set(DETECTORS.map((d) => d.id));
    const noisy = findings.filter((f) => catalog.has(f.detector) && f.eventIds.some((id) => routineIds.has(id)));
    expect(noisy.map((f) => `${f.detector} ${f.principal.name}`)).toEqual([]);
  });
});
