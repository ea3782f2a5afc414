/**
 * The file ledger port: which CloudTrail log files the bulk path has scored, so a file delivered
 * twice (S3 events are at least once, SQS redelivers) is read once. The ingest handlers use it, not
 * the core, so it lives beside its adapters.
 */

/** Records which log files have been processed. */
export interface FileLedger {
  /**
   * Claims `fileKey` (`<bucket>/<object key>`) at `etag` for processing, for `ttlDays`. True if
   * this caller should process it; false if it was already claimed at the same etag and the claim
   * has not expired. A file rewritten with new content (a new etag) can be claimed again.
   */
  claim(fileKey: string, etag: string, ttlDays: number): Promise<boolean>;
  /** Gives up a claim, so a file whose processing failed is processed when it is delivered again. */
  release(fileKey: string): Promise<void>;
}

/** A claim's lifetime was not a positive whole number of days. */
export class InvalidTtlError extends Error {
  override readonly name = 'InvalidTtlError';
  constructor(readonly ttlDays: number) {
    super(`ttlDays ${ttlDays} is not valid; expected a positive whole number of days`);
  }
}

/** Seconds in a day: claims expire in epoch seconds, as DynamoDB TTL counts. */
export const DAY_SECONDS = 86_400;

/** Throws InvalidTtlError unless `ttlDays` is a positive whole number. */
export const checkTtlDays = (ttlDays: number): void => {
  if (!Number.isInteger(ttlDays) || ttlDays <= 0) throw new InvalidTtlError(ttlDays);
};
