/** Anomaly signals: what the baseline detectors score, and small formatting helpers for their lines. */

/** An anomaly feature: one per baseline detector. */
export type Feature =
  | 'new-country'
  | 'new-asn'
  | 'new-network'
  | 'impossible-travel'
  | 'off-hours'
  | 'sensitive-api-first-use'
  | 'sensitive-bucket-first-access'
  | 'bulk-download'
  | 'discovery-burst'
  | 'access-denied-burst'
  | 'rare-api-for-peers'
  | 'new-user-agent'
  | 'sustained-growth';

/** One anomaly on an event, with its weight in the score and a line a responder reads. */
export interface Signal {
  readonly feature: Feature;
  readonly weight: number;
  readonly detail: string;
}

/** Rounds to one decimal, as evidence shows numbers. */
export const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Bytes for a human: `1.4 GB`. */
export const formatBytes = (bytes: number): string => {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
};
