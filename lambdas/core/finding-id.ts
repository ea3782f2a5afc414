import { createHash } from 'node:crypto';

/**
 * A finding's id: the same detector, principal, dedup key and window always give the same id,
 * so an event scored twice (both ingest paths, a replayed file) updates one finding. Windows
 * are fixed buckets of event time, so both paths agree on them whatever order events arrive in.
 */
export const findingId = (
  detector: string,
  principalKey: string,
  dedupKey: string,
  time: number,
  windowMinutes: number,
): string => {
  const windowMs = Math.max(1, windowMinutes) * 60_000;
  const windowStart = Math.floor(time / windowMs) * windowMs;
  const digest = createHash('sha256').update(`${detector}\n${principalKey}\n${dedupKey}\n${windowStart}`).digest('hex');
  return `vgl-${digest.slice(0, 32)}`;
};
