/** The machine a benchmark ran on, as `nproc`, `free -h` and `node --version` describe it. */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** What the figures depend on. */
export interface Machine {
  /** Processors available (`nproc`). */
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  /** `free -h`, as printed, when the command exists. */
  readonly free: string | null;
  readonly node: string;
  readonly platform: string;
  /** One-minute load average when the run started: other work on the machine slows wall-clock figures. */
  readonly loadAverage: number;
}

const freeH = (): string | null => {
  try {
    return execFileSync('free', ['-h'], { encoding: 'utf8', timeout: 5_000 }).trimEnd();
  } catch {
    return null;
  }
};

/** Describes this machine now. */
export const describeMachine = (): Machine => ({
  nproc: availableParallelism(),
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  free: freeH(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
});

/** The one-minute load average now. */
export const loadAverageNow = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;
