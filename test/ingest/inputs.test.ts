import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudTrailFileTime, InputError, resolveInputs } from '../../lambdas/ingest/inputs.ts';
import { readRecords } from '../../lambdas/ingest/read-records.ts';
import { logFile, sampleRecord } from './sample-records.ts';

let base: string;
let root: string;
let outside: string;

const trailFile = (region: string, stamp: string, id: string): string =>
  `123456789012_CloudTrail_${region}_${stamp}_${id}.json.gz`;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'vigil-inputs-'));
  root = join(base, 'logs');
  outside = join(base, 'elsewhere');
  await mkdir(outside, { recursive: true });
  const files: Record<string, string | Buffer> = {
    [join('a', trailFile('us-east-1', '20240101T0010Z', 'late'))]: gzipSync(logFile([sampleRecord(3)])),
    [join('a', 'deeper', 'deepest', trailFile('eu-west-1', '20240101T0005Z', 'middle'))]: gzipSync(
      logFile([sampleRecord(2)]),
    ),
    [join('b', '123456789012_CloudTrail_us-east-1_20240101T0000Z_first.json')]: gzipSync(logFile([sampleRecord(1)])),
    [join('b', '123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20240101T000730Z.json.gz')]: gzipSync(
      JSON.stringify({
        awsAccountId: '123456789012',
        digestStartTime: '2024-01-01T00:00:00Z',
        digestEndTime: '2024-01-01T00:07:30Z',
      }),
    ),
    [join('b', 'events.jsonl')]: JSON.stringify(sampleRecord(4)),
    [join('b', 'more.ndjson')]: JSON.stringify(sampleRecord(5)),
    [join('b', 'raw.gz')]: gzipSync(JSON.stringify(sampleRecord(6))),
    [join('b', 'export.jsonl.gz')]: gzipSync(JSON.stringify(sampleRecord(7))),
    [join('b', 'notes.txt')]: 'not read',
    [join('b', 'README.md')]: '# not read',
    'z-manual.JSON': JSON.stringify(sampleRecord(8)),
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await writeFile(join(outside, 'extra.txt'), JSON.stringify(sampleRecord(9)));
  // A link back up the tree must not be walked forever, nor make files count twice.
  await symlink(root, join(root, 'a', 'deeper', 'loop'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveInputs', () => {
  it('finds log files in nested folders and orders them: stdin, other files by path, CloudTrail files by time', async () => {
    // Prepare
    const stdin = new PassThrough();

    // Act
    const inputs = await resolveInputs([root, join(outside, 'extra.txt'), '-'], { stdin: () => stdin });

    // Assess
    expect(inputs.map((input) => input.name)).toEqual([
      '-',
      join(outside, 'extra.txt'),
      join(root, 'b', 'events.jsonl'),
      join(root, 'b', 'export.jsonl.gz'),
      join(root, 'b', 'more.ndjson'),
      join(root, 'b', 'raw.gz'),
      join(root, 'z-manual.JSON'),
      join(root, 'b', '123456789012_CloudTrail_us-east-1_20240101T0000Z_first.json'),
      join(root, 'a', 'deeper', 'deepest', trailFile('eu-west-1', '20240101T0005Z', 'middle')),
      join(root, 'b', '123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20240101T000730Z.json.gz'),
      join(root, 'a', trailFile('us-east-1', '20240101T0010Z', 'late')),
    ]);
    expect(inputs[0]?.open()).toBe(stdin);
  });

  it('opens files that readRecords reads, gzip or not, whatever their extension', async () => {
    // Prepare
    const inputs = await resolveInputs([join(root, 'b'), join(outside, 'extra.txt')]);

    // Act
    const eventNames: Record<string, unknown[]> = {};
    for (const input of inputs) {
      const names: unknown[] = [];
      for await (const item of readRecords(input.open(), input.name)) {
        names.push(item.kind === 'record' ? item.record.eventID : item.kind);
      }
      eventNames[input.name.slice(input.name.lastIndexOf('/') + 1)] = names;
    }

    // Assess
    expect(eventNames).toEqual({
      'extra.txt': [sampleRecord(9).eventID],
      'events.jsonl': [sampleRecord(4).eventID],
      'export.jsonl.gz': [sampleRecord(7).eventID],
      'more.ndjson': [sampleRecord(5).eventID],
      'raw.gz': [sampleRecord(6).eventID],
      '123456789012_CloudTrail_us-east-1_20240101T0000Z_first.json': [sampleRecord(1).eventID],
      '123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20240101T000730Z.json.gz': ['skipped'],
    });
  });

  it('reads a file once when it is reached twice', async () => {
    // Act
    const inputs = await resolveInputs([
      join(root, 'b', 'events.jsonl'),
      join(root, 'b'),
      join(root, 'b', 'events.jsonl'),
    ]);

    // Assess
    expect(inputs.filter((input) => input.name.endsWith('events.jsonl')).map((input) => input.name)).toEqual([
      join(root, 'b', 'events.jsonl'),
    ]);
    expect(inputs).toHaveLength(6);
  });

  it('returns nothing for an empty folder', async () => {
    // Prepare
    const empty = await mkdtemp(join(tmpdir(), 'vigil-inputs-empty-'));

    // Act
    const inputs = await resolveInputs([empty]);

    // Assess
    expect(inputs).toEqual([]);
    await rm(empty, { recursive: true });
  });

  it.each([
    ['a path that does not exist', ['missing.json'], 'no such file or folder'],
    ['a path through a file', ['z-manual.JSON/child.json'], 'a part of the path is not a folder'],
  ])('refuses %s before reading anything, naming the path', async (_name, relative, reason) => {
    // Prepare
    const path = join(root, ...relative);

    // Act
    const result = resolveInputs([root, path]);

    // Assess
    await expect(result).rejects.toThrow(new InputError(path, `cannot read ${JSON.stringify(path)}: ${reason}`));
    await expect(result).rejects.toMatchObject({ name: 'InputError', path });
  });

  it('refuses a broken symbolic link inside a folder', async () => {
    // Prepare
    const folder = await mkdtemp(join(tmpdir(), 'vigil-inputs-broken-'));
    await symlink(join(folder, 'gone.json'), join(folder, 'link.json'));

    // Act
    const result = resolveInputs([folder]);

    // Assess
    const link = join(folder, 'link.json');
    await expect(result).rejects.toThrow(`cannot read ${JSON.stringify(link)}: no such file or folder`);
    await rm(folder, { recursive: true });
  });

  it('refuses stdin given twice', async () => {
    // Act
    const result = resolveInputs(['-', '-']);

    // Assess
    await expect(result).rejects.toThrow(new InputError('-', 'stdin (-) can be read only once; it was given twice'));
  });
});

describe('cloudTrailFileTime', () => {
  it.each([
    ['123456789012_CloudTrail_us-east-1_20240101T0005Z_Mu0KsOhtH1ar15ZZ.json.gz', Date.UTC(2024, 0, 1, 0, 5)],
    [
      'AWSLogs/o-abc/123456789012/CloudTrail/eu-west-1/2023/12/31/123456789012_CloudTrail_eu-west-1_20231231T2355Z_a.json.gz',
      Date.UTC(2023, 11, 31, 23, 55),
    ],
    [
      '123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20171106T222320Z.json.gz',
      Date.UTC(2017, 10, 6, 22, 23, 20),
    ],
    ['123456789012_CloudTrail-Insight_us-east-1_20190304T2305Z_x.json.gz', Date.UTC(2019, 2, 4, 23, 5)],
    ['export-20240101T0005Z.json', null],
    ['events.jsonl', null],
  ])('reads %s', (path, expected) => {
    // Act and Assess
    expect(cloudTrailFileTime(path)).toBe(expected);
  });
});
