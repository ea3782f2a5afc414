/**
 * Structured logs and metrics for the scorer, written as JSON lines straight to stdout: Lambda
 * stores each line as one log event, and CloudWatch turns lines in the Embedded Metric Format into
 * metrics without an API call. Writing to stdout directly, not through `console`, keeps Lambda's
 * JSON log format from wrapping the line, which would hide the metrics from CloudWatch.
 */

/** Log levels, least severe first. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Writes one line. */
export type LineWriter = (line: string) => void;

/** The default writer: stdout. */
export const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/** A logger of JSON lines: `{"level","message","timestamp","service",...fields}`. */
export class Logger {
  private readonly threshold: number;
  private context: Record<string, unknown> = {};

  constructor(
    private readonly service: string,
    level: string | undefined,
    private readonly write: LineWriter = stdoutWriter,
    private readonly clock: () => number = Date.now,
  ) {
    const index = LOG_LEVELS.indexOf((level ?? 'INFO').toUpperCase() as LogLevel);
    this.threshold = index === -1 ? 1 : index;
  }

  /** Fields added to every line until the next call (the request id of the invocation). */
  setContext(context: Record<string, unknown>): void {
    this.context = context;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log('DEBUG', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.log('INFO', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.log('WARN', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.log('ERROR', message, fields);
  }

  private log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (LOG_LEVELS.indexOf(level) < this.threshold) return;
    this.write(
      JSON.stringify({
        level,
        message,
        timestamp: new Date(this.clock()).toISOString(),
        service: this.service,
        ...this.context,
        ...fields,
      }),
    );
  }
}

/** An error as log fields: name, message and stack, never the whole object. */
export const errorFields = (error: unknown): Record<string, unknown> =>
  error instanceof Error
    ? { error: { name: error.name, message: error.message, stack: error.stack } }
    : { error: String(error) };

/** CloudWatch units the scorer's metrics use. */
export type MetricUnit = 'Count' | 'Milliseconds';

/** Counters gathered over one invocation, written as one Embedded Metric Format line. */
export class Metrics {
  private readonly values = new Map<string, { value: number; unit: MetricUnit }>();

  constructor(
    private readonly namespace: string,
    private readonly dimensions: Record<string, string>,
    private readonly write: LineWriter = stdoutWriter,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Adds `value` to the metric `name`. */
  add(name: string, value: number, unit: MetricUnit = 'Count'): void {
    const current = this.values.get(name);
    this.values.set(name, { value: (current?.value ?? 0) + value, unit });
  }

  /** Writes the metrics gathered so far as one EMF line and starts again; nothing when empty. */
  flush(): void {
    if (this.values.size === 0) return;
    const metrics = [...this.values].map(([name, { unit }]) => ({ Name: name, Unit: unit }));
    const values = Object.fromEntries([...this.values].map(([name, { value }]) => [name, value]));
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: this.clock(),
          CloudWatchMetrics: [
            { Namespace: this.namespace, Dimensions: [Object.keys(this.dimensions)], Metrics: metrics },
          ],
        },
        ...this.dimensions,
        ...values,
      }),
    );
    this.values.clear();
  }
}
