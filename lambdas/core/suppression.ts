/**
 * Suppressions: configured rules, each with a reason, an owner and an expiry, that keep matching
 * findings out of alerts and playbooks. A suppressed finding is still stored and audited.
 */
import type { Suppression } from './config.ts';
import type { VigilEvent } from './event.ts';
import { ipInCidr, principalMatches, wildcardMatch } from './patterns.ts';

/** The first unexpired suppression matching a detector's hit on an event, or null. */
export const matchSuppression = (
  suppressions: readonly Suppression[],
  detectorId: string,
  event: VigilEvent,
  now: number,
): Suppression | null => {
  for (const rule of suppressions) {
    const expires = Date.parse(rule.expires.length === 10 ? `${rule.expires}T23:59:59.999Z` : rule.expires);
    if (!(expires > now)) continue;
    if (rule.detector !== undefined && !wildcardMatch(rule.detector, detectorId)) continue;
    if (rule.principal !== undefined && !principalMatches(rule.principal, event.principal)) continue;
    if (rule.account !== undefined && rule.account !== event.accountId) continue;
    if (rule.cidr !== undefined && (event.sourceIp === null || !ipInCidr(event.sourceIp, rule.cidr))) continue;
    return rule;
  }
  return null;
};
