/**
 * `vigil case show CASE_ID` and `vigil case export CASE_ID --out DIR`: everything the audit
 * table holds about one case (the case's own records, and the findings it was opened for with
 * the CloudTrail records behind them), as a timeline on the terminal or as an evidence bundle.
 *
 * The bundle's files:
 * - `records.jsonl`: every record, in the export's checkable form (see `export.ts`);
 * - `findings.json`: the findings as the contract defines them, each at its latest version;
 * - `cloudtrail.jsonl`: the CloudTrail records behind the findings, once each, by event time;
 * - `timeline.txt`: what `vigil case show` prints;
 * - `manifest.json`: the case, the table, when, how many records matched their hashes, and the
 *   size and SHA-256 of each file above;
 * - `SHA256SUMS`: the SHA-256 of every file, manifest included, as `sha256sum -c` reads it.
 * With an S3 target the files are also uploaded, each with its SHA-256 for S3 to check, into a
 * bucket with Object Lock so the bundle cannot be changed for its retention period.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoAuditReader } from '../../lambdas/adapters/audit-reader.ts';
import type { AuditRecord } from '../../lambdas/core/audit/record.ts';
import { hashContent } from '../../lambdas/core/audit/record.ts';
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import { UsageError } from '../errors.ts';
import { type AuditDeps, nowOf, readerOf } from './deps.ts';
import { recordLine, safeText, shortTime, tableHeader, tableRow, writeOut } from './render.ts';

/** Everything the audit table holds about a case. */
export interface CaseEvidence {
  readonly caseId: string;
  /** The case's records and its findings' records, oldest first. */
  readonly records: readonly AuditRecord[];
  /** The contract findings, each at its latest recorded version. */
  readonly findings: readonly Finding[];
  /** The CloudTrail records behind the findings, once each, by event time. */
  readonly cloudTrail: readonly CloudTrailRecord[];
  /** Ids of records whose content no longer matches their hash. */
  readonly hashMismatches: readonly string[];
}

/** Reads everything about `caseId`; throws UsageError when the table has no record of it. */
export const loadCase = async (reader: DynamoAuditReader, caseId: string, tableName: string): Promise<CaseEvidence> => {
  const byId = new Map<string, AuditRecord>();
  for await (const record of reader.query({ caseId })) byId.set(record.id, record);
  if (byId.size === 0)
    throw new UsageError(`case ${JSON.stringify(caseId)} has no audit records in table ${tableName}`);
  const findingIds = new Set([...byId.values()].flatMap((r) => (r.findingId === undefined ? [] : [r.findingId])));
  for (const findingId of findingIds) {
    for await (const record of reader.query({ findingId })) byId.set(record.id, record);
  }
  const records = [...byId.values()].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  const findings = new Map<string, Finding>();
  const cloudTrail = new Map<string, CloudTrailRecord>();
  for (const record of records) {
    const finding = record.data?.finding as Finding | undefined;
    if (finding?.id !== undefined && findingIds.has(finding.id)) findings.set(finding.id, finding);
    const trail = record.data?.records;
    if (!Array.isArray(trail)) continue;
    for (const event of trail as CloudTrailRecord[]) cloudTrail.set(event.eventID ?? JSON.stringify(event), event);
  }
  const hashMismatches = records.filter((record) => !hashMatches(record)).map((record) => record.id);
  return {
    caseId,
    records,
    findings: [...findings.values()],
    cloudTrail: [...cloudTrail.values()].sort((a, b) => (a.eventTime ?? '').localeCompare(b.eventTime ?? '')),
    hashMismatches,
  };
};

const hashMatches = (record: AuditRecord): boolean => {
  const { id: _id, hash, ...content } = record;
  return hashContent(content) === hash;
};

/** The timeline `vigil case show` prints. */
export const caseTimeline = (evidence: CaseEvidence): string => {
  const { records } = evidence;
  const opened = records.find((r) => r.type === 'case-opened');
  const closed = records.findLast((r) => r.type === 'case-closed');
  const principals = [...new Set(records.flatMap((r) => (r.principalKey === undefined ? [] : [r.principalKey])))];
  const people = records
    .filter((r) => r.type === 'approval' || r.type === 'denial')
    .map((r) => `${r.type === 'approval' ? 'approved' : 'denied'} by ${r.actor}`);
  const lines = [
    `case ${evidence.caseId}`,
    `  principal: ${principals.join(', ') || '-'}`,
    `  opened:    ${opened === undefined ? '-' : shortTime(opened.at)}`,
    `  closed:    ${closed === undefined ? 'open' : `${shortTime(closed.at)}${closed.result === undefined ? '' : ` (${closed.result})`}`}`,
    `  decisions: ${people.join('; ') || 'no approval or denial recorded'}`,
    `  findings:  ${evidence.findings.length}, behind them ${evidence.cloudTrail.length} CloudTrail record${evidence.cloudTrail.length === 1 ? '' : 's'}`,
    ...(evidence.hashMismatches.length === 0
      ? []
      : [
          `  WARNING: ${evidence.hashMismatches.length} record(s) do not match their hash: ${evidence.hashMismatches.join(', ')}`,
        ]),
    '',
  ].map(safeText);
  return `${lines.join('\n')}\n${tableHeader()}${records.map(tableRow).join('')}`;
};

/** Prints the case's timeline; throws UsageError for a case with no records. */
export const caseShow = async (caseId: string, deps: AuditDeps, out: NodeJS.WritableStream): Promise<CaseEvidence> => {
  const evidence = await loadCase(readerOf(deps), caseId, deps.tableName);
  await writeOut(out, caseTimeline(evidence));
  return evidence;
};

/** Where to upload an evidence bundle in AWS. */
export interface BundleBucket {
  readonly client: S3Client;
  /** The evidence bucket (Object Lock on) the CDK app creates. */
  readonly bucket: string;
  /** @default 'cases/' - the bundle goes under `<prefix><caseId>/` */
  readonly prefix?: string;
}

/** A file of the bundle. */
export interface BundleFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What `caseExport` wrote. */
export interface CaseExportResult {
  readonly dir: string;
  readonly files: readonly BundleFile[];
  readonly records: number;
  readonly findings: number;
  readonly cloudTrailRecords: number;
  /** `s3://bucket/key` of each uploaded file, when uploaded. */
  readonly uploaded: readonly string[];
}

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');

/**
 * Writes the evidence bundle of `caseId` into `outDir` (created; must be empty if it exists),
 * uploads it when `bucket` is given, and tells `out` what it wrote.
 */
export const caseExport = async (
  caseId: string,
  outDir: string,
  deps: AuditDeps,
  out: NodeJS.WritableStream,
  bucket?: BundleBucket,
): Promise<CaseExportResult> => {
  const existing = await readdir(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    if (error.code === 'ENOTDIR') throw new UsageError(`--out ${outDir} is a file; expected a folder for the bundle`);
    throw error;
  });
  if (existing.length > 0)
    throw new UsageError(`--out ${outDir} is not empty; expected a new or empty folder for the bundle`);
  const evidence = await loadCase(readerOf(deps), caseId, deps.tableName);

  const contents: [string, string][] = [
    ['records.jsonl', evidence.records.map(recordLine).join('')],
    ['findings.json', `${JSON.stringify(evidence.findings, null, 2)}\n`],
    ['cloudtrail.jsonl', evidence.cloudTrail.map((event) => `${JSON.stringify(event)}\n`).join('')],
    ['timeline.txt', caseTimeline(evidence)],
  ];
  const described = (entries: [string, string][]): BundleFile[] =>
    entries.map(([path, text]) => ({ path, bytes: Buffer.byteLength(text), sha256: sha256(text) }));
  const manifest = {
    format: 'vigil-evidence-bundle/1',
    caseId,
    table: deps.tableName,
    generatedAt: new Date(nowOf(deps)).toISOString(),
    records: evidence.records.length,
    recordsMatchingTheirHash: evidence.records.length - evidence.hashMismatches.length,
    recordsNotMatchingTheirHash: evidence.hashMismatches,
    byType: Object.fromEntries(
      [...new Set(evidence.records.map((r) => r.type))].map((type) => [
        type,
        evidence.records.filter((r) => r.type === type).length,
      ]),
    ),
    findings: evidence.findings.map((f) => f.id),
    cloudTrailRecords: evidence.cloudTrail.length,
    files: described(contents),
  };
  contents.push(['manifest.json', `${JSON.stringify(manifest, null, 2)}\n`]);
  const files = described(contents);
  contents.push(['SHA256SUMS', files.map((f) => `${f.sha256}  ${f.path}\n`).join('')]);

  await mkdir(outDir, { recursive: true });
  for (const [path, text] of contents) await writeFile(join(outDir, path), text, { flag: 'wx' });

  const uploaded: string[] = [];
  if (bucket !== undefined) {
    const prefix = `${bucket.prefix ?? 'cases/'}${caseId}/`;
    for (const [path, text] of contents) {
      await bucket.client.send(
        new PutObjectCommand({
          Bucket: bucket.bucket,
          Key: `${prefix}${path}`,
          Body: text,
          ContentType: path.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8',
          ChecksumSHA256: createHash('sha256').update(text).digest('base64'),
        }),
      );
      uploaded.push(`s3://${bucket.bucket}/${prefix}${path}`);
    }
  }

  const summary = [
    `case ${caseId}: ${evidence.records.length} records, ${evidence.findings.length} finding${evidence.findings.length === 1 ? '' : 's'}, ${evidence.cloudTrail.length} CloudTrail record${evidence.cloudTrail.length === 1 ? '' : 's'}`,
    ...contents.map(([path]) => `  ${join(outDir, path)}`),
    ...(evidence.hashMismatches.length === 0
      ? []
      : [`WARNING: ${evidence.hashMismatches.length} record(s) do not match their hash`]),
    ...(uploaded.length === 0 ? [] : [`uploaded to s3://${bucket?.bucket}/${bucket?.prefix ?? 'cases/'}${caseId}/`]),
    `check it with: (cd ${outDir} && sha256sum -c SHA256SUMS)`,
  ];
  await writeOut(out, `${summary.map(safeText).join('\n')}\n`);
  return {
    dir: outDir,
    files: [
      ...files,
      {
        path: 'SHA256SUMS',
        bytes: Buffer.byteLength(contents.at(-1)?.[1] ?? ''),
        sha256: sha256(contents.at(-1)?.[1] ?? ''),
      },
    ],
    records: evidence.records.length,
    findings: evidence.findings.length,
    cloudTrailRecords: evidence.cloudTrail.length,
    uploaded,
  };
};
