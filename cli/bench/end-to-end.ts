/**
 * End to end: `vigil replay` of the corpus folder into a fresh embedded DynamoDB (dynalite, its
 * store on disk), with the command's defaults (playbooks in dry-run), through the lead's
 * `openLocalEnv` and `replay`. DynamoDB units are what dynalite reported as ConsumedCapacity to
 * the adapters.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoAuditLog } from '../../lambdas/adapters/dynamo-audit-log.ts';
import type { ResponseMode, VigilConfig } from '../../lambdas/core/config.ts';
import { resolveInputs } from '../../lambdas/ingest/inputs.ts';
import { openLocalEnv } from '../local-env.ts';
import { DEFAULT_BATCH_SIZE, replay } from '../replay.ts';
import type { Corpus } from './corpus.ts';

/** DynamoDB capacity the replay consumed, per 1,000 events scored. */
export interface UnitsPerThousand {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** State and finding items read and written (audit records apart). */
  readonly itemsRead: number;
  readonly itemsWritten: number;
  readonly auditWriteUnits: number;
}

/** One replay, timed. */
export interface EndToEndResult {
  readonly events: number;
  readonly eventsScored: number;
  readonly principals: number;
  readonly findings: number;
  readonly published: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly eventsPerSecond: number;
  readonly batchSize: number;
  readonly units: UnitsPerThousand;
  /** Records the replay could not read or normalise (0 expected). */
  readonly problems: number;
}

/** The folder under a corpus that holds its log files (the manifest stays out of replay's way). */
export const logFolder = (corpus: Pick<Corpus, 'dir'>): string => join(corpus.dir, 'AWSLogs');

const per1000 = (value: number, events: number): number => (events > 0 ? Math.round((value / events) * 1e6) / 1e3 : 0);

/** How to replay, when not as `vigil replay` does by default. */
export interface EndToEndOptions {
  /** @default DEFAULT_BATCH_SIZE - replay's */
  readonly batchSize?: number;
  /** @default 'dry-run' - replay's */
  readonly response?: ResponseMode;
}

/** Replays the corpus into a fresh store at `storeDir` (removed afterwards). */
export const measureEndToEnd = async (
  corpus: Pick<Corpus, 'dir' | 'events'>,
  config: VigilConfig,
  storeDir: string,
  options: EndToEndOptions = {},
): Promise<EndToEndResult> => {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const sources = await resolveInputs([logFolder(corpus)]);
  await rm(storeDir, { recursive: true, force: true });
  const env = await openLocalEnv({
    storeDir,
    fresh: true,
    config,
    response: options.response ?? 'dry-run',
    writer: 'vigil-bench',
  });
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await replay(sources, env.deps, { batchSize });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const audit = env.deps.audit instanceof DynamoAuditLog ? env.deps.audit.metrics : null;
    const scored = summary.eventsScored;
    return {
      events: corpus.events,
      eventsScored: scored,
      principals: summary.principals,
      findings: summary.findings,
      published: summary.published,
      seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      eventsPerSecond: seconds > 0 ? summary.eventsRead / seconds : 0,
      batchSize,
      units: {
        readUnits: per1000(env.metrics.readUnits + (audit?.readUnits ?? 0), scored),
        writeUnits: per1000(env.metrics.writeUnits + (audit?.writeUnits ?? 0), scored),
        itemsRead: per1000(env.metrics.reads, scored),
        itemsWritten: per1000(env.metrics.writes, scored),
        auditWriteUnits: per1000(audit?.writeUnits ?? 0, scored),
      },
      problems: summary.skipped.unreadable + summary.skipped.invalid,
    };
  } finally {
    await env.close();
    await rm(storeDir, { recursive: true, force: true });
  }
};
