/**
 * End-to-end: spawn `vigil replay` on fixture files, as a user would, and check what it prints,
 * what it writes and how it exits.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const VIGIL = resolve(import.meta.dirname, '../../bin/vigil.js');
const ACCOUNT = '111122223333';

const run = (args: string[], input?: string) => {
  const result = spawnSync(process.execPath, [VIGIL, ...args], { encoding: 'utf8', input, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** The finding format of ../shared/CONTRACT.md, strictly. */
const contractFinding = z.strictObject({
  id: z.string().min(1),
  detector: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/),
  title: z.string().min(1),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  risk: z.number().int().min(0).max(100),
  principal: z.strictObject({
    key: z.string().min(1),
    arn: z.string().nullable(),
    type: z.string().min(1),
    accountId: z.string(),
    name: z.string().min(1),
  }),
  eventIds: z.array(z.string()).min(1).max(100),
  firstEventTime: z.iso.datetime(),
  lastEventTime: z.iso.datetime(),
  attack: z.array(z.string()),
  evidence: z.record(z.string(), z.unknown()),
  response: z.strictObject({ playbook: z.string(), mode: z.string(), executionId: z.string() }).nullable(),
});

const record = (id: string, time: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAALICE',
    arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    accountId: ACCOUNT,
    userName: 'alice',
  },
  eventTime: time,
  eventSource: 'iam.amazonaws.com',
  eventName: 'ListUsers',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.10',
  userAgent: 'aws-cli/2.15.0',
  eventID: id,
  readOnly: true,
  eventType: 'AwsApiCall',
  recipientAccountId: ACCOUNT,
  ...extra,
});

const backdoorKey = (id: string, time: string) =>
  record(id, time, {
    eventName: 'CreateAccessKey',
    readOnly: false,
    requestParameters: { userName: 'bob' },
    responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLEBOB', status: 'Active', userName: 'bob' } },
  });

const rootCall = (id: string, time: string) =>
  record(id, time, {
    userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
  });

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
  const trail = join(dir, 'trail', 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2026', '10', '05');
  mkdirSync(trail, { recursive: true });
  // Files hold events out of order, and the later file name holds the earlier events.
  writeFileSync(
    join(trail, `${ACCOUNT}_CloudTrail_us-east-1_20261005T1000Z_b.json.gz`),
    gzipSync(
      JSON.stringify({ Records: [record('e-3', '2026-10-05T10:02:00Z'), backdoorKey('e-4', '2026-10-05T10:01:00Z')] }),
    ),
  );
  writeFileSync(
    join(trail, `${ACCOUNT}_CloudTrail_us-east-1_20261005T0900Z_a.json`),
    JSON.stringify({ Records: [record('e-1', '2026-10-05T09:00:00Z'), record('e-2', '2026-10-05T09:05:00Z')] }),
  );
  writeFileSync(
    join(dir, 'lines.jsonl'),
    [
      JSON.stringify(rootCall('e-5', '2026-10-05T11:00:00Z')),
      '{not json',
      '',
      JSON.stringify(record('e-6', '2026-10-05T11:01:00Z')),
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'eventbridge.json'),
    JSON.stringify([
      {
        version: '0',
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.iam',
        detail: backdoorKey('e-7', '2026-10-05T12:00:00Z'),
      },
    ]),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil replay', () => {
  it('reads every input form, writes contract findings, and summarises as JSON', () => {
    // Act
    const store = join(dir, 'store-a');
    const out = join(dir, 'findings.jsonl');
    const { code, stdout, stderr } = run([
      'replay',
      join(dir, 'trail'),
      join(dir, 'lines.jsonl'),
      join(dir, 'eventbridge.json'),
      '--store',
      store,
      '--findings',
      out,
      '--format',
      'json',
      '--response',
      'off',
    ]);
    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect([summary.eventsRead, summary.eventsScored, summary.skipped.unreadable]).toEqual([7, 7, 1]);
    expect(summary.problems).toEqual([
      { file: join(dir, 'lines.jsonl'), position: 'line 2', message: expect.any(String) },
    ]);
    const findings = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => contractFinding.parse(JSON.parse(line)));
    expect(findings.map((f) => [f.detector, f.principal.key, f.eventIds])).toEqual([
      ['iam.access-key-created-for-other-user', `user:${ACCOUNT}:alice`, ['e-4']],
      ['root.credential-use', `root:${ACCOUNT}`, ['e-5']],
      ['iam.access-key-created-for-other-user', `user:${ACCOUNT}:alice`, ['e-7']],
    ]);
  });

  it('scores nothing twice when the same files are replayed into the same store', () => {
    const store = join(dir, 'store-b');
    const first = run(['replay', join(dir, 'trail'), '--store', store, '--format', 'json', '--response', 'off']);
    const again = run(['replay', join(dir, 'trail'), '--store', store, '--format', 'json', '--response', 'off']);
    expect([first.code, again.code]).toEqual([0, 0]);
    expect(JSON.parse(first.stdout).findings).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ findings: 0, alreadyCounted: 4 });
  });

  it('with --fast-path, applies the rule pattern of the synthesized template', () => {
    const store = join(dir, 'store-fast');
    const { code, stdout } = run([
      'replay',
      join(dir, 'trail'),
      join(dir, 'lines.jsonl'),
      '--store',
      store,
      '--format',
      'json',
      '--response',
      'off',
      '--fast-path',
    ]);
    expect(code).toBe(0);
    // CreateAccessKey and the root call match the deployed rule; alice's ListUsers calls do not.
    expect(JSON.parse(stdout).fastPath).toEqual({ events: 2, findings: 2, bulkFindings: 0 });
  });

  it('reads stdin for -', () => {
    const store = join(dir, 'store-c');
    const input = `${JSON.stringify(rootCall('s-1', '2026-10-06T00:00:00Z'))}\n`;
    const { code, stdout } = run(['replay', '-', '--store', store, '--findings', '-', '--response', 'off'], input);
    expect(code).toBe(0);
    expect(contractFinding.parse(JSON.parse(stdout.trim())).detector).toBe('root.credential-use');
  });

  it.each([
    [['replay', '/no/such/path'], /\/no\/such\/path/],
    [['replay', '-', '--response', 'nuke'], /nuke/],
    [['replay', '-', '--bogus'], /--bogus/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const { code, stderr } = run(args, '');
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('exits 2 naming the file and field of bad configuration', () => {
    const config = join(dir, 'bad-config.json');
    writeFileSync(config, JSON.stringify({ response: { modes: { high: 'nuke' } } }));
    const { code, stderr } = run(['replay', '-', '--config', config], '');
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      `vigil: ${config}: response.modes.high: Invalid option: expected one of "off"|"dry-run"|"approval"|"auto"`,
    );
  });
});
