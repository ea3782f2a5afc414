/** `vigil replay [PATH ...]`: wiring of the command line to `replay`. */
import { type Command, Option } from 'commander';
import { RESPONSE_MODES, type ResponseMode } from '../lambdas/core/config.ts';
import { resolveInputs } from '../lambdas/ingest/inputs.ts';
import { loadConfigFile } from './config-file.ts';
import { UsageError } from './errors.ts';

/** Default reordering window, minutes (see lambdas/ingest/reorder.ts). */
const DEFAULT_REORDER_WINDOW_MINUTES = 60;

/** The default store folder. */
export const DEFAULT_STORE = '.vigil/';

interface ReplayFlags {
  store: string;
  fresh: boolean;
  findings?: string;
  config?: string;
  response: ResponseMode;
  format: 'text' | 'json';
  reorderWindow: number;
  fastPath: boolean;
}

const positiveNumber =
  (name: string) =>
  (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new UsageError(`${name} expects a number of minutes, got ${JSON.stringify(value)}`);
    return parsed;
  };

/** Adds `replay` to the program. */
export const registerReplay = (program: Command): void => {
  program
    .command('replay')
    .description(
      'Run CloudTrail events through the same scoring and response code that runs in Lambda, on an embedded DynamoDB.',
    )
    .argument(
      '[paths...]',
      'CloudTrail log files (.json, .json.gz), JSON arrays, JSON Lines, EventBridge events, folders, or - for stdin',
      ['-'],
    )
    .option('--store <dir>', 'folder of the embedded DynamoDB; state persists there between runs', DEFAULT_STORE)
    .option('--fresh', 'empty the store first', false)
    .option('--findings <file>', 'write every finding as JSON Lines (-: stdout)')
    .option('--config <file>', 'configuration file (JSON)')
    .addOption(new Option('--response <mode>', 'how playbooks run locally').choices(RESPONSE_MODES).default('dry-run'))
    .addOption(
      new Option('--format <format>', 'the summary printed at the end').choices(['text', 'json']).default('text'),
    )
    .option(
      '--reorder-window <minutes>',
      'events this far apart in eventTime are put in order before scoring',
      positiveNumber('--reorder-window'),
      DEFAULT_REORDER_WINDOW_MINUTES,
    )
    .option(
      '--fast-path',
      'synthesize the CDK app and apply its fast-path rule pattern: report which events and findings the deployed rule carries in seconds',
      false,
    )
    .action(async (paths: string[], flags: ReplayFlags) => {
      const config = await loadConfigFile(flags.config);
      const sources = await resolveInputs(paths);
      if (sources.length === 0) {
        throw new UsageError(
          `no CloudTrail files (.json, .json.gz, .jsonl, .ndjson, .gz) found in ${paths.join(', ')}`,
        );
      }
      if (flags.findings === '-' && flags.format === 'json') {
        throw new UsageError('--findings - and --format json both write to stdout; write findings to a file instead');
      }
      // The scorer, the store and the playbooks load only once the arguments are known good.
      const [{ openLocalEnv }, { terminalProgress }, { FindingsCollector, replay }, { summaryLines }] =
        await Promise.all([
          import('./local-env.ts'),
          import('./progress.ts'),
          import('./replay.ts'),
          import('./summary.ts'),
        ]);
      const fastPath = flags.fastPath
        ? await (await import('./fast-path.ts')).deployedFastPathPattern(config)
        : undefined;
      const env = await openLocalEnv({ storeDir: flags.store, fresh: flags.fresh, config, response: flags.response });
      const progress = terminalProgress();
      const collector = new FindingsCollector();
      try {
        const summary = await replay(sources, env.deps, {
          reorderWindowMinutes: flags.reorderWindow,
          progress,
          onFindings: collector.add,
          fastPath,
        });
        progress.stop();
        if (flags.findings) await collector.write(flags.findings);
        const extra = { store: flags.store, findingsFile: flags.findings, response: flags.response };
        if (flags.format === 'json') {
          process.stdout.write(`${JSON.stringify({ ...summary, ...extra })}\n`);
        } else {
          const out = flags.findings === '-' ? process.stderr : process.stdout;
          out.write(`${summaryLines(summary, extra).join('\n')}\n`);
        }
      } finally {
        progress.stop();
        await env.close();
      }
    });
};
