/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and says where the time went: self time by function
 * and by source file, and the time under chosen functions (inclusive). What the benchmark's notes
 * on missed budgets are based on.
 *
 * Run: `npx tsx cli/bench/profile.ts PROFILE.cpuprofile [FUNCTION ...]`
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Time spent, in milliseconds and as a share of the profile. */
export interface Spent {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

/** Where a profile's time went. */
export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by function (`name file:line`), largest first. */
  readonly functions: readonly Spent[];
  /** Self time by source file, largest first. */
  readonly files: readonly Spent[];
  /** Time with each asked-for function on the stack. */
  readonly inclusive: readonly Spent[];
}

const shortUrl = (url: string): string => {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

const top = (totals: Map<string, number>, totalMs: number, limit: number): Spent[] =>
  [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({
      name,
      ms: Math.round(ms),
      share: totalMs > 0 ? Math.round((ms / totalMs) * 1000) / 1000 : 0,
    }));

/** Summarises `profile`; `inclusiveOf` names functions whose total (self and callees) time to report. */
export const summariseProfile = (
  profile: CpuProfile,
  inclusiveOf: readonly string[] = [],
  limit = 25,
): ProfileSummary => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
  });
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>(inclusiveOf.map((name) => [name, 0]));
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortUrl(url);
    functions.set(
      `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`,
      (functions.get(`${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`) ?? 0) + ms,
    );
    files.set(file, (files.get(file) ?? 0) + ms);
    if (inclusiveOf.length === 0) continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)?.callFrame.functionName;
      if (name && inclusive.has(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
    }
  }
  return {
    totalMs: Math.round(totalMs),
    functions: top(functions, totalMs, limit),
    files: top(files, totalMs, limit),
    inclusive: top(inclusive, totalMs, inclusiveOf.length),
  };
};

/** Reads and summarises a `.cpuprofile` file. */
export const summariseProfileFile = async (
  path: string,
  inclusiveOf: readonly string[] = [],
  limit = 25,
): Promise<ProfileSummary> =>
  summariseProfile(JSON.parse(await readFile(path, 'utf8')) as CpuProfile, inclusiveOf, limit);

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'));
if (isMain) {
  const [path, ...names] = process.argv.slice(2);
  if (!path) {
    process.stderr.write('usage: npx tsx cli/bench/profile.ts PROFILE.cpuprofile [FUNCTION ...]\n');
    process.exitCode = 2;
  } else {
    const summary = await summariseProfileFile(path, names);
    const show = (title: string, rows: readonly Spent[]): void => {
      process.stdout.write(`\n${title}\n`);
      for (const row of rows) {
        process.stdout.write(
          `${String(row.ms).padStart(8)} ms ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}\n`,
        );
      }
    };
    process.stdout.write(`total ${summary.totalMs} ms\n`);
    show('self time by file', summary.files);
    show('self time by function', summary.functions);
    if (names.length > 0) show('inclusive time', summary.inclusive);
  }
}
