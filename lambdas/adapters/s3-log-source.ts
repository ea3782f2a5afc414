/**
 * Opens CloudTrail log files in S3 as byte streams, for the ingest reader to gunzip and split as
 * they arrive: a log file is never held whole in memory.
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** A log file named by an S3 "Object Created" event. */
export interface LogFile {
  readonly bucket: string;
  readonly key: string;
}

/** The object had no body to read. */
export class EmptyObjectError extends Error {
  override readonly name = 'EmptyObjectError';
}

/** Opens log files in S3. */
export class S3LogSource {
  constructor(private readonly client: S3Client) {}

  /** The object's bytes as a stream. Throws the SDK's error when it cannot be read (NoSuchKey, AccessDenied). */
  async open(file: LogFile): Promise<Readable> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key }));
    if (!out.Body)
      throw new EmptyObjectError(`s3://${file.bucket}/${file.key} has no body; expected a CloudTrail log file`);
    return out.Body as Readable;
  }
}

/** `s3://bucket/key`: how a log file is named in origins and logs. */
export const logFileUri = (file: LogFile): string => `s3://${file.bucket}/${file.key}`;
