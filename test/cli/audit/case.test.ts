import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { caseExport, caseShow } from '../../../cli/audit/case.ts';
import { UsageError } from '../../../cli/errors.ts';
import { cloudTrailRecord, finding, HOUR, JUNE_1 } from '../../adapters/audit-fixtures.ts';
import { Capture, openScenario, type Scenario } from './fixtures.ts';

const HEADER = 'TIME                  TYPE                PRINCIPAL                       CASE                  WHAT';
const TIMELINE = [
  'case case-1',
  '  principal: user:123456789012:alice',
  '  opened:    2026-06-01T09:05:00Z',
  '  closed:    2026-06-01T10:05:00Z (contained)',
  '  decisions: approved by arn:aws:iam::123456789012:user/security-lead',
  '  findings:  1, behind them 1 CloudTrail record',
  '',
  HEADER,
  '2026-06-01T09:00:00Z  finding             user:123456789012:alice         -                     high iam.access-key-created-for-other-user: alice created an access key for another user (1 CloudTrail record)',
  '2026-06-01T09:05:00Z  case-opened         user:123456789012:alice         case-1                case opened for finding f-a1 (high, mode approval)',
  '2026-06-01T09:05:01Z  decision            user:123456789012:alice         case-1                decided approval: waiting for one of security-lead to approve (0 of 5 containments this hour)',
  '2026-06-01T09:06:00Z  approval            user:123456789012:alice         case-1                approved by arn:aws:iam::123456789012:user/security-lead',
  '2026-06-01T09:06:01Z  action              user:123456789012:alice         case-1                deactivate-access-key on AKIAEXAMPLEKEY000002: done ({"status":"Active"} -> {"status":"Inactive"})',
  '2026-06-01T09:06:02Z  notification        user:123456789012:alice         case-1                notified slack: sent (Vigil contained user alice)',
  '2026-06-01T10:05:00Z  case-closed         user:123456789012:alice         case-1                case closed: contained',
];

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('caseShow and caseExport', () => {
  let scenario: Scenario;
  let dir: string;
  beforeAll(async () => {
    scenario = await openScenario();
  });
  afterAll(async () => {
    await scenario.local.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-case-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows who the case is about, who approved what, and its timeline with the finding behind it', async () => {
    // Prepare
    const out = new Capture();

    // Act
    await caseShow('case-1', scenario.deps, out);

    // Assess
    expect(out.lines()).toEqual(TIMELINE);
  });

  it('refuses a case the table has no record of', async () => {
    // Act
    const act = caseShow('case-404', scenario.deps, new Capture());

    // Assess
    await expect(act).rejects.toThrow(new UsageError('case "case-404" has no audit records in table vigil-audit'));
  });

  it('writes an evidence bundle with a SHA-256 manifest', async () => {
    // Prepare
    const out = join(dir, 'case-1');
    const log = new Capture();

    // Act
    const result = await caseExport('case-1', out, scenario.deps, log);

    // Assess
    expect((await readdir(out)).sort()).toEqual([
      'SHA256SUMS',
      'cloudtrail.jsonl',
      'findings.json',
      'manifest.json',
      'records.jsonl',
      'timeline.txt',
    ]);
    const read = (name: string) => readFile(join(out, name), 'utf8');
    const records = (await read('records.jsonl'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(records.map((r) => r.type)).toEqual([
      'finding',
      'case-opened',
      'decision',
      'approval',
      'action',
      'notification',
      'case-closed',
    ]);
    expect(JSON.parse(await read('findings.json'))).toEqual([finding('f-a1', 'alice', JUNE_1 + 9 * HOUR)]);
    expect(
      (await read('cloudtrail.jsonl'))
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([cloudTrailRecord('evt-f-a1', 'alice', 'carol', JUNE_1 + 9 * HOUR)]);
    expect((await read('timeline.txt')).trimEnd().split('\n')).toEqual(TIMELINE);
    const manifest = JSON.parse(await read('manifest.json'));
    const fileEntry = async (path: string) => {
      const text = await read(path);
      return { path, bytes: Buffer.byteLength(text), sha256: sha256(text) };
    };
    expect(manifest).toEqual({
      format: 'vigil-evidence-bundle/1',
      caseId: 'case-1',
      table: 'vigil-audit',
      generatedAt: '2026-06-04T00:00:00.000Z',
      records: 7,
      recordsMatchingTheirHash: 7,
      recordsNotMatchingTheirHash: [],
      byType: { finding: 1, 'case-opened': 1, decision: 1, approval: 1, action: 1, notification: 1, 'case-closed': 1 },
      findings: ['f-a1'],
      cloudTrailRecords: 1,
      files: [
        await fileEntry('records.jsonl'),
        await fileEntry('findings.json'),
        await fileEntry('cloudtrail.jsonl'),
        await fileEntry('timeline.txt'),
      ],
    });
    const sums = (await read('SHA256SUMS')).trimEnd().split('\n');
    expect(sums).toEqual(
      await Promise.all(
        ['records.jsonl', 'findings.json', 'cloudtrail.jsonl', 'timeline.txt', 'manifest.json'].map(
          async (path) => `${sha256(await read(path))}  ${path}`,
        ),
      ),
    );
    expect(result).toMatchObject({ dir: out, records: 7, findings: 1, cloudTrailRecords: 1, uploaded: [] });
    expect(log.lines()).toEqual([
      'case case-1: 7 records, 1 finding, 1 CloudTrail record',
      ...['records.jsonl', 'findings.json', 'cloudtrail.jsonl', 'timeline.txt', 'manifest.json', 'SHA256SUMS'].map(
        (f) => `  ${join(out, f)}`,
      ),
      `check it with: (cd ${out} && sha256sum -c SHA256SUMS)`,
    ]);
  });

  it('refuses to write into a folder that holds files', async () => {
    // Prepare
    const out = join(dir, 'busy');
    await mkdir(out);
    await writeFile(join(out, 'notes.txt'), 'mine');

    // Act
    const act = caseExport('case-1', out, scenario.deps, new Capture());

    // Assess
    await expect(act).rejects.toThrow(
      new UsageError(`--out ${out} is not empty; expected a new or empty folder for the bundle`),
    );
    expect(await readdir(out)).toEqual(['notes.txt']);
  });

  it('uploads the bundle to the evidence bucket, each file with its SHA-256 for S3 to check', async () => {
    // Prepare
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const out = join(dir, 'case-1');

    // Act
    const result = await caseExport('case-1', out, scenario.deps, new Capture(), {
      client: new S3Client({ region: 'eu-west-1' }),
      bucket: 'vigil-evidence',
    });

    // Assess
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    const names = ['records.jsonl', 'findings.json', 'cloudtrail.jsonl', 'timeline.txt', 'manifest.json', 'SHA256SUMS'];
    expect(puts.map((p) => [p.Bucket, p.Key, p.ChecksumSHA256])).toEqual(
      await Promise.all(
        names.map(async (name) => [
          'vigil-evidence',
          `cases/case-1/${name}`,
          createHash('sha256')
            .update(await readFile(join(out, name)))
            .digest('base64'),
        ]),
      ),
    );
    expect(result.uploaded).toEqual(names.map((name) => `s3://vigil-evidence/cases/case-1/${name}`));
    s3.restore();
  });
});
