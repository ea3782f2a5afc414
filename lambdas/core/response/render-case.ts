/**
 * One case as the security team sees it: the notifications it received (the email text, as
 * sent), what was proposed or done, and the audit trail from the findings to the last record.
 * Text for a terminal, and an HTML fragment (every value escaped) for the demo's report.
 */
import type { Finding } from '../finding.ts';
import type { AuditEntry } from '../ports.ts';
import { escapeHtml, oneLine } from './escape.ts';
import type { CaseRecord } from './types.ts';

/** Everything shown about one case. */
export interface CaseView {
  readonly record: CaseRecord;
  /** Findings of the case as they were published, oldest first. */
  readonly findings: readonly Finding[];
  /** The email-ready notifications, in the order they were sent. */
  readonly notices: readonly {
    readonly subject: string;
    readonly text: string;
    readonly channel: string;
    readonly status: string;
  }[];
  /** The case's audit records, in the order written. */
  readonly trail: readonly AuditEntry[];
}

/** A rendered case. */
export interface RenderedCase {
  readonly caseId: string;
  /** Plain text (not escaped for HTML). */
  readonly title: string;
  readonly text: string;
  /** A self-contained HTML fragment, every value escaped. */
  readonly html: string;
}

/** The case's title: severity, subject and what opened it. */
export const caseTitle = (record: CaseRecord): string =>
  `${record.severity.toUpperCase()} ${oneLine(record.principal.name, 120)}: ${oneLine(record.openingFinding.title, 160)} (${record.caseId})`;

const iso = (ms: number): string => new Date(ms).toISOString();

/** One line per audit record: when, what, who, on what, how it ended. */
export const trailLines = (view: CaseView): string[] => {
  const rows: { at: number; line: string }[] = view.findings.map((f) => ({
    at: Date.parse(f.lastEventTime),
    line: [
      f.lastEventTime,
      'finding'.padEnd(13),
      'vigil:scorer',
      `${oneLine(f.detector, 80)} ${f.severity} risk ${f.risk}: ${oneLine(f.title, 120)}`,
    ].join('  '),
  }));
  for (const e of view.trail) {
    const parts = [iso(e.at), e.type.padEnd(13), oneLine(e.actor, 120)];
    if (e.target) parts.push(`on ${oneLine(e.target, 160)}`);
    if (e.result) parts.push(`-> ${oneLine(e.result, 60)}`);
    const description = (e.data as { description?: unknown } | undefined)?.description;
    if (typeof description === 'string') parts.push(`(${oneLine(description, 200)})`);
    const subject = (e.data as { subject?: unknown } | undefined)?.subject;
    if (e.type === 'notification' && typeof subject === 'string') parts.push(`"${oneLine(subject, 120)}"`);
    rows.push({ at: e.at, line: parts.join('  ') });
  }
  return rows.map((r) => r.line);
};

/** The case as text: each notification as the team received it, then the audit trail. */
export const renderCaseText = (view: CaseView): string => {
  const { record } = view;
  const out: string[] = [caseTitle(record)];
  out.push(
    `Status ${record.status}${record.outcome ? ` (${record.outcome})` : ''}, mode ${record.mode}, ${record.findingIds.length} finding${record.findingIds.length === 1 ? '' : 's'}`,
    '',
  );
  const emails = view.notices.filter((n) => n.text !== '');
  for (const notice of emails) {
    out.push(`--- ${notice.channel} (${notice.status}): ${notice.subject}`);
    out.push(...notice.text.trimEnd().split('\n'), '');
  }
  out.push('AUDIT TRAIL');
  for (const line of trailLines(view)) out.push(`  ${line}`);
  return `${out.join('\n')}\n`;
};

/** The case as an HTML fragment: a section with the notifications and the audit trail. */
export const renderCaseHtml = (view: CaseView): string => {
  const { record } = view;
  const notices = view.notices
    .filter((n) => n.text !== '')
    .map(
      (n) =>
        `<figure class="vigil-notice"><figcaption>${escapeHtml(n.channel)} (${escapeHtml(n.status)}): ${escapeHtml(n.subject)}</figcaption><pre>${escapeHtml(n.text)}</pre></figure>`,
    )
    .join('\n');
  const trail = trailLines(view)
    .map((line) => `<li><code>${escapeHtml(line)}</code></li>`)
    .join('\n');
  return [
    `<section class="vigil-case" id="${escapeHtml(record.caseId)}">`,
    `<h3>${escapeHtml(caseTitle(record))}</h3>`,
    `<p>Status ${escapeHtml(record.status)}${record.outcome ? ` (${escapeHtml(record.outcome)})` : ''}, mode ${escapeHtml(record.mode)}, ${record.findingIds.length} finding(s)</p>`,
    notices,
    '<h4>Audit trail</h4>',
    `<ol class="vigil-trail">\n${trail}\n</ol>`,
    '</section>',
  ].join('\n');
};

/** Renders a case every way. */
export const renderCase = (view: CaseView): RenderedCase => ({
  caseId: view.record.caseId,
  title: caseTitle(view.record),
  text: renderCaseText(view),
  html: renderCaseHtml(view),
});
