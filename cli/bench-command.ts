/** `vigil bench`: wiring of the command line to the benchmark in cli/bench. */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

const count =
  (name: string, min: number) =>
  (value: string): number => {
    const parsed = Number(value.replaceAll('_', '').replaceAll(',', ''));
    if (!Number.isInteger(parsed) || parsed < min)
      throw new UsageError(`${name} expects a whole number of at least ${min}, got ${JSON.stringify(value)}`);
    return parsed;
  };

/** Adds `bench` to the program. */
export const registerBench = (program: Command): void => {
  program
    .command('bench')
    .description(
      'Measure speed, memory and cost on a generated organisation-shaped corpus: the JSON.parse floor, core scoring in memory, replay end to end, requests and dollars per million events, memory growth',
    )
    .option('--events <n>', 'events in the corpus', count('--events', 1_000), 200_000)
    .option(
      '--principals <n>',
      'principals of the organisation (default: scales with --events)',
      count('--principals', 10),
    )
    .option('--quick', 'a tiny run, as npm test smoke-runs it', false)
    .option('--memory', 'also measure memory growth with principals and events in child processes (slow)', false)
    .option('--out <file>', 'where the JSON results go', 'bench-results/latest.json')
    .option('--docs <file>', 'where the figures are written as Markdown (default: docs/performance.md for a full run)')
    .action(
      async (flags: {
        events: number;
        principals?: number;
        quick: boolean;
        memory: boolean;
        out: string;
        docs?: string;
      }) => {
        const { runBench } = await import('./bench/index.ts');
        await runBench(
          {
            events: flags.events,
            out: flags.out,
            quick: flags.quick,
            memory: flags.memory,
            ...(flags.principals === undefined ? {} : { principals: flags.principals }),
            ...(flags.docs === undefined ? {} : { docs: flags.docs }),
          },
          { stdout: process.stdout },
        );
      },
    );
};
