/**
 * Progress for long runs: a live line on a terminal (stderr), nothing when piped, so scripts
 * reading stdout or a log never see control characters.
 */
import { basename } from 'node:path';
import cliProgress from 'cli-progress';

/** What the replay reports as it goes. */
export interface Progress {
  /** A new input file is being read. */
  file(name: string): void;
  /** `scored` more events were scored; `read` records have been read so far. */
  advance(scored: number, read: number): void;
  stop(): void;
}

/** Reports nothing. */
export const silentProgress: Progress = { file: () => {}, advance: () => {}, stop: () => {} };

/** A live progress line on stderr when it is a terminal, else silence. */
export const terminalProgress = (stream: NodeJS.WriteStream = process.stderr): Progress => {
  if (!stream.isTTY) return silentProgress;
  const started = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'scoring | {scored} events scored | {read} read | {rate} events/s | {file}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let scored = 0;
  let read = 0;
  let file = '';
  let running = false;
  const payload = () => ({
    scored: scored.toLocaleString('en-US'),
    read: read.toLocaleString('en-US'),
    rate: Math.round(scored / Math.max(0.001, (performance.now() - started) / 1000)).toLocaleString('en-US'),
    file,
  });
  return {
    file(name) {
      file = name === '-' ? 'stdin' : basename(name);
      if (!running) {
        bar.start(0, 0, payload());
        running = true;
      } else {
        bar.update(payload());
      }
    },
    advance(count, total) {
      scored += count;
      read = total;
      if (running) bar.update(payload());
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
};
