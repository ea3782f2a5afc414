/**
 * `vigil demo`: a synthetic organisation with planted insider scenarios, replayed into a fresh
 * store with the playbooks in dry-run, then what was found against what was planted.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Command } from 'commander';
import type { CloudTrailRecord } from '../lambdas/core/cloudtrail.ts';
import { compareSeverity, type Finding } from '../lambdas/core/finding.ts';
import { resolveInputs } from '../lambdas/ingest/inputs.ts';
import { loadConfigFile } from './config-file.ts';
import { UsageError } from './errors.ts';
import type { replay } from './replay.ts';

interface DemoFlags {
  out: string;
  seed: number;
  days: number;
  people: number;
  config?: string;
}

const integer =
  (name: string, min: number, max: number) =>
  (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new UsageError(`${name} expects a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };

/** Writes records as CloudTrail delivers them: one gzipped `{"Records": [...]}` file per account and day. */
const writeCloudTrailFiles = async (records: readonly CloudTrailRecord[], dir: string): Promise<number> => {
  const files = new Map<string, CloudTrailRecord[]>();
  for (const record of records) {
    const account = record.recipientAccountId ?? 'unknown';
    const day = (record.eventTime ?? '').slice(0, 10);
    const key = `${account}/${day}`;
    const list = files.get(key);
    if (list) list.push(record);
    else files.set(key, [record]);
  }
  for (const [key, list] of files) {
    const [account = 'unknown', day = 'unknown'] = key.split('/');
    const region = 'us-east-1';
    const folder = join(dir, 'AWSLogs', account, 'CloudTrail', region, ...day.split('-'));
    await mkdir(folder, { recursive: true });
    const stamp = `${day.replaceAll('-', '')}T0000Z`;
    const name = `${account}_CloudTrail_${region}_${stamp}_demo.json.gz`;
    await pipeline(
      Readable.from([JSON.stringify({ Records: list })]),
      createGzip(),
      createWriteStream(join(folder, name)),
    );
  }
  return files.size;
};

/** Adds `demo` to the program. */
export const registerDemo = (program: Command): void => {
  program
    .command('demo')
    .description(
      'Generate a synthetic organisation with planted insider scenarios, replay it into a fresh store with playbooks in dry-run, and show what was found against what was planted.',
    )
    .option('--out <dir>', 'where the demo writes its CloudTrail files, store, findings and HTML report', 'vigil-demo')
    .option('--seed <n>', 'seed of the synthetic organisation', integer('--seed', 0, 2 ** 31 - 1), 7)
    .option('--days <n>', 'days of activity', integer('--days', 7, 120), 28)
    .option(
      '--people <n>',
      'people who sign in through Identity Center (service users and roles come on top)',
      integer('--people', 10, 2000),
      30,
    )
    .option('--config <file>', 'configuration file (JSON); the demo adds its sensitive buckets and automation roles')
    .action(async (flags: DemoFlags) => {
      const [
        { evaluate },
        { generateOrganisation },
        { renderReport, renderSummary },
        { openLocalEnv },
        { terminalProgress },
        { FindingsCollector, replay },
      ] = await Promise.all([
        import('./demo/evaluate.ts'),
        import('./demo/generate.ts'),
        import('./demo/report.ts'),
        import('./local-env.ts'),
        import('./progress.ts'),
        import('./replay.ts'),
      ]);
      const out = resolve(flags.out);
      const say = (line = '') => process.stdout.write(`${line}\n`);
      const started = performance.now();
      const org = generateOrganisation({ seed: flags.seed, days: flags.days, people: flags.people });
      const base = await loadConfigFile(flags.config);
      const config = {
        ...base,
        ...org.config,
        sensitiveBuckets: [...base.sensitiveBuckets, ...(org.config?.sensitiveBuckets ?? [])],
        trustedAutomation: [...base.trustedAutomation, ...(org.config?.trustedAutomation ?? [])],
      };
      say('Vigil demo: a synthetic AWS organisation, with insiders planted in it.');
      for (const line of org.description) say(`  ${line}`);
      say();

      const trailDir = join(out, 'cloudtrail');
      await rm(trailDir, { recursive: true, force: true });
      const fileCount = await writeCloudTrailFiles(org.records, trailDir);
      say(
        `Wrote ${org.records.length.toLocaleString('en-US')} CloudTrail events as ${fileCount} log files in ${trailDir}`,
      );
      say('Replaying them through the scorer on an embedded DynamoDB, playbooks in dry-run ...');

      const { deployedFastPathPattern } = await import('./fast-path.ts');
      const fastPath = await deployedFastPathPattern(config);
      const env = await openLocalEnv({
        storeDir: join(out, 'store'),
        fresh: true,
        config,
        response: 'dry-run',
        writer: 'vigil-demo',
      });
      const progress = terminalProgress();
      const collector = new FindingsCollector();
      let summary: Awaited<ReturnType<typeof replay>>;
      let cases: { title: string; text: string; html: string }[] = [];
      try {
        summary = await replay(await resolveInputs([trailDir]), env.deps, {
          progress,
          onFindings: collector.add,
          fastPath,
        });
        progress.stop();
        cases = env.playbooks ? await env.playbooks.renderCases() : [];
      } finally {
        progress.stop();
        await env.close();
      }
      const findings: Finding[] = collector.all();
      const evaluation = evaluate(org.labels, findings, org.principalDays);
      say(
        `Scored ${summary.eventsScored.toLocaleString('en-US')} events of ${summary.principals} principals in ${summary.seconds.toFixed(1)} s; ${findings.length} findings.`,
      );
      if (summary.fastPath) {
        say(
          `The deployed fast-path rule would carry ${summary.fastPath.events.toLocaleString('en-US')} of these events to the scorer within seconds; ${summary.fastPath.findings} findings come that way, ${summary.fastPath.bulkFindings} from the log files within minutes.`,
        );
      }
      say();
      for (const line of renderSummary(evaluation)) say(line);

      const serious = cases[0];
      if (serious) {
        say();
        say('The most serious case, as the security team sees it:');
        for (const line of serious.text.split('\n')) say(`  ${line}`);
      }

      await mkdir(out, { recursive: true });
      const findingsFile = join(out, 'findings.jsonl');
      await collector.write(findingsFile);
      const reportFile = join(out, 'report.html');
      await writeFile(
        reportFile,
        renderReport(
          evaluation,
          findings,
          {
            seed: flags.seed,
            days: flags.days,
            events: summary.eventsScored,
            principals: summary.principals,
            generatedAt: new Date().toISOString(),
          },
          cases.map((c) => ({ title: c.title, html: c.html })),
        ),
      );
      const alerting = findings.filter((f) => compareSeverity(f.severity, config.alertSeverity) >= 0).length;
      say();
      say(`Findings (${findings.length}, ${alerting} at ${config.alertSeverity} or above): ${findingsFile}`);
      say(`HTML report: ${reportFile}`);
      say(`Store (query it with: vigil audit query --store ${join(out, 'store')}): ${join(out, 'store')}`);
      say(`Replay the same files yourself: vigil replay ${trailDir} --fresh --findings out.jsonl`);
      say(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    });
};
