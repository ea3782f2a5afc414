/** Small helpers shared by detectors. */
import type { DetectorContext } from '../detector.ts';
import type { VigilEvent } from '../event.ts';
import { SEVERITIES, type Severity } from '../finding.ts';

/** One severity higher, capped at critical. */
export const raise = (severity: Severity): Severity =>
  SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(severity) + 1)] ?? 'critical';

/** The severity, one higher when the event happened in a configured production account. */
export const inProduction = (severity: Severity, event: VigilEvent, ctx: DetectorContext): Severity =>
  ctx.isProductionAccount(event.accountId) ? raise(severity) : severity;

/** True when the call succeeded (no error code). Most rule detectors ignore failed calls. */
export const succeeded = (event: VigilEvent): boolean => event.errorCode === null;

/** A string field of the request parameters, or undefined. */
export const param = (event: VigilEvent, name: string): string | undefined => {
  const value = event.request[name];
  return typeof value === 'string' ? value : undefined;
};

/** The principal's ARN or key, for evidence. */
export const actor = (event: VigilEvent): string => event.principal.arn ?? event.principal.key;
