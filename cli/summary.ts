/** The text summary printed at the end of a replay. */
import { SEVERITIES } from '../lambdas/core/finding.ts';
import type { ReplaySummary } from './replay.ts';

const n = (value: number): string => value.toLocaleString('en-US');

/** Lines of the human summary. */
export const summaryLines = (
  summary: ReplaySummary,
  extra: { readonly store: string; readonly findingsFile?: string; readonly response: string },
): string[] => {
  const rate = summary.eventsRead / Math.max(summary.seconds, 0.001);
  const lines = [
    `Vigil replay: ${n(summary.eventsRead)} records read in ${summary.seconds.toFixed(1)} s (${n(Math.round(rate))} records/s)`,
    `  events scored     ${n(summary.eventsScored)}${summary.firstEventTime ? `  (${summary.firstEventTime} to ${summary.lastEventTime})` : ''}`,
    `  AWS service       ${n(summary.serviceEvents)}  (counted, not scored: AWS acting for itself)`,
    `  duplicates        ${n(summary.duplicates + summary.alreadyCounted)}  (same eventID, or already in the store's baselines)`,
    `  late              ${n(summary.lateEvents)}  (beyond the ${summary.reorderWindowMinutes}-minute reordering window: judged by rules, kept out of baselines)`,
    `  unreadable        ${n(summary.skipped.unreadable)}`,
    `  invalid records   ${n(summary.skipped.invalid)}`,
  ];
  for (const [reason, count] of Object.entries(summary.skipped.other))
    lines.push(`  skipped           ${n(count)}  (${reason})`);
  for (const p of summary.problems) lines.push(`    ${p.file} ${p.position}: ${p.message}`);
  const skippedTotal = summary.skipped.unreadable + summary.skipped.invalid;
  if (skippedTotal > summary.problems.length)
    lines.push(`    ... and ${n(skippedTotal - summary.problems.length)} more`);
  const bySeverity = [...SEVERITIES]
    .reverse()
    .map((s) => `${s} ${n(summary.findingsBySeverity[s])}`)
    .join(', ');
  if (summary.fastPath) {
    const share = summary.eventsScored > 0 ? (100 * summary.fastPath.events) / summary.eventsScored : 0;
    lines.push(
      `  fast path         ${n(summary.fastPath.events)} events (${share.toFixed(1)}%) match the deployed rule: ${n(summary.fastPath.findings)} findings in seconds, ${n(summary.fastPath.bulkFindings)} from log files within minutes`,
    );
  }
  lines.push(
    `  principals        ${n(summary.principals)}`,
    `  findings          ${n(summary.findings)}: ${bySeverity}${summary.suppressed ? ` (+${n(summary.suppressed)} suppressed)` : ''}`,
    `  playbooks         ${extra.response === 'off' ? 'off' : `${n(summary.published)} alerting findings sent to playbooks (${extra.response})`}`,
    `  store             ${extra.store}`,
  );
  if (extra.findingsFile)
    lines.push(`  findings written  ${extra.findingsFile === '-' ? 'stdout' : extra.findingsFile}`);
  return lines;
};
