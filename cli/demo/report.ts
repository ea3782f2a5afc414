/**
 * What `vigil demo` shows: the terminal summary, and a self-contained HTML report (inline CSS, no
 * scripts, no external assets) a newcomer can open from disk and forward. Every value that comes
 * from data is HTML-escaped: findings carry attacker-controlled strings (user agents, role names).
 */
import { compareSeverity, type Finding, SEVERITIES, type Severity } from '../../lambdas/core/finding.ts';
import type { AttackResult, BenignResult, Evaluation } from './evaluate.ts';

/** Facts about the run, shown in the report's header. Every field is optional. */
export interface ReportMeta {
  readonly title?: string;
  readonly seed?: number;
  readonly days?: number;
  readonly people?: number;
  /** Events scored. */
  readonly events?: number;
  readonly principals?: number;
  /** ISO-8601 time the report was made. */
  readonly generatedAt?: string;
  /** Lines describing the organisation (`Generated.description`). */
  readonly description?: readonly string[];
  readonly seconds?: number;
}

/** A playbook case the lead renders; `html` is trusted markup produced by Vigil itself. */
export interface ReportCase {
  readonly title: string;
  readonly html: string;
}

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

/** `12 s`, `4 min`, `2.5 h`, `3.2 days`. */
export const formatDuration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
};

const percent = (x: number): string => `${Math.round(x * 100)}%`;
const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
const column = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
const MAX_LISTED_FALSE_ALARMS = 10;
/** The blank severity column of a line with no finding. */
const NO_SEVERITY = ' '.repeat(8);

/** The lines `vigil demo` prints: attacks found and missed, hard negatives, false alarms, recall, time to detect. */
export const renderSummary = (evaluation: Evaluation): string[] => {
  const lines: string[] = [];
  const attacks = evaluation.attacks.length;
  const titleWidth = Math.min(
    56,
    Math.max(10, ...[...evaluation.attacks, ...evaluation.benign].map((r) => r.label.title.length)),
  );
  const keyWidth = Math.min(
    44,
    Math.max(10, ...[...evaluation.attacks, ...evaluation.benign].map((r) => r.label.principalKey.length)),
  );
  lines.push(
    `Planted attacks: ${evaluation.found} of ${attacks} found (recall ${percent(evaluation.recall)}; ${evaluation.foundAtHigh} of ${attacks} at high or above)`,
  );
  for (const a of evaluation.attacks) lines.push(attackLine(a, titleWidth, keyWidth));
  const quiet = evaluation.benign.filter((b) => b.quiet).length;
  lines.push('');
  lines.push(`Hard negatives (routine work that looks odd): ${quiet} of ${evaluation.benign.length} quiet`);
  for (const b of evaluation.benign) lines.push(benignLine(b, titleWidth, keyWidth));
  lines.push('');
  const rate = evaluation.falseAlarmsPerThousandPrincipalDays.toFixed(1);
  lines.push(
    `False alarms (medium or higher, matching no planted attack): ${evaluation.falseAlarms.length}, ${rate} per 1,000 principal-days (${plural(evaluation.principalDays, 'principal-day')})`,
  );
  for (const f of evaluation.falseAlarms.slice(0, MAX_LISTED_FALSE_ALARMS)) {
    lines.push(
      `  ${f.severity.padEnd(8)} ${column(f.detector, 36)} ${column(f.principal.key, keyWidth)} ${f.firstEventTime}  ${f.title}`,
    );
  }
  const more = evaluation.falseAlarms.length - MAX_LISTED_FALSE_ALARMS;
  if (more > 0) lines.push(`  ... and ${more} more (see the HTML report)`);
  lines.push('');
  lines.push(
    evaluation.medianTimeToDetectMs === null
      ? 'Median time to detect: none found'
      : `Median time to detect: ${formatDuration(evaluation.medianTimeToDetectMs)} (from each attack's first malicious event to the event that raised its finding)`,
  );
  return lines;
};

const attackLine = (a: AttackResult, titleWidth: number, keyWidth: number): string => {
  const title = column(a.label.title, titleWidth);
  const key = column(a.label.principalKey, keyWidth);
  if (a.detection) {
    const ttd = a.timeToDetectMs === null ? '' : `after ${formatDuration(a.timeToDetectMs)}`;
    return `  found   ${a.detection.severity.padEnd(8)} ${title} ${key} ${a.detection.detector} ${ttd}`.trimEnd();
  }
  const expected = a.label.expect;
  const want = expected ? `expected ${expected.detectors.join(' or ')} at ${expected.minSeverity}+` : 'no expectation';
  const seen =
    a.findings.length > 0 ? `; saw ${a.findings.map((f) => `${f.detector} (${f.severity})`).join(', ')}` : '';
  return `  MISSED  ${NO_SEVERITY} ${title} ${key} ${want}${seen}`;
};

const benignLine = (b: BenignResult, titleWidth: number, keyWidth: number): string => {
  const title = column(b.label.title, titleWidth);
  const key = column(b.label.principalKey, keyWidth);
  if (b.quiet) return `  quiet   ${NO_SEVERITY} ${title} ${key}`.trimEnd();
  const worst = [...b.alarms].sort((x, y) => compareSeverity(y.severity, x.severity))[0];
  const detectors = [...new Set(b.alarms.map((f) => f.detector))].join(', ');
  return `  ALARM   ${(worst?.severity ?? '').padEnd(8)} ${title} ${key} ${detectors}`;
};

const STYLE = `
body{font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:32px 24px 64px}
h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:40px 0 12px;border-bottom:1px solid #dde1e7;padding-bottom:6px}
h3{font-size:16px;margin:18px 0 6px}
p.lead{font-size:16px;color:#3a4354;max-width:860px}
.meta{color:#5b6576;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;margin:20px 0}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:14px 16px}
.card .v{font-size:28px;font-weight:600}.card .k{color:#5b6576;font-size:13px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e7;border-radius:8px;font-size:13.5px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid #eceff3;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f5;padding:1px 4px;border-radius:3px;word-break:break-all}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.sev-critical{background:#8b1a1a}.sev-high{background:#d0481f}.sev-medium{background:#c98a00}.sev-low{background:#5b7896}
.ok{color:#1d7a3a;font-weight:600}.bad{color:#b3261e;font-weight:600}
.story{color:#3a4354;font-size:13px}
ul.f{margin:4px 0 0;padding-left:18px;font-size:12.5px}
.case{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 16px;margin:12px 0}
.note{color:#5b6576;font-size:13px}
`;

const sev = (severity: Severity): string =>
  `<span class="sev sev-${escapeHtml(severity)}">${escapeHtml(severity)}</span>`;

const findingItem = (f: Finding): string =>
  `<li>${sev(f.severity)} <code>${escapeHtml(f.detector)}</code> ${escapeHtml(f.title)} <span class="note">(${escapeHtml(f.firstEventTime)}, risk ${escapeHtml(f.risk)})</span></li>`;

const findingList = (findings: readonly Finding[], limit = 12): string => {
  if (findings.length === 0) return '';
  const shown = findings.slice(0, limit).map(findingItem).join('');
  const more = findings.length > limit ? `<li class="note">and ${findings.length - limit} more</li>` : '';
  return `<ul class="f">${shown}${more}</ul>`;
};

const attackRow = (a: AttackResult): string => {
  const status = a.found ? '<span class="ok">found</span>' : '<span class="bad">missed</span>';
  const expected = a.label.expect
    ? `${a.label.expect.detectors.map((d) => `<code>${escapeHtml(d)}</code>`).join(' or ')} at ${escapeHtml(a.label.expect.minSeverity)}+`
    : '';
  const detection = a.detection
    ? `${sev(a.detection.severity)} <code>${escapeHtml(a.detection.detector)}</code><br>after ${escapeHtml(formatDuration(a.timeToDetectMs ?? 0))}`
    : '';
  return `<tr><td>${status}</td><td><strong>${escapeHtml(a.label.title)}</strong><div class="story">${escapeHtml(a.label.story)}</div>${findingList(a.findings)}</td><td><code>${escapeHtml(a.label.principalKey)}</code><div class="note">${escapeHtml(a.label.start)}<br>to ${escapeHtml(a.label.end)}</div></td><td>${expected}</td><td>${detection}</td></tr>`;
};

const benignRow = (b: BenignResult): string => {
  const status = b.quiet
    ? '<span class="ok">quiet</span>'
    : `<span class="bad">${plural(b.alarms.length, 'alarm')}</span>`;
  return `<tr><td>${status}</td><td><strong>${escapeHtml(b.label.title)}</strong><div class="story">${escapeHtml(b.label.story)}</div>${findingList(b.alarms)}</td><td><code>${escapeHtml(b.label.principalKey)}</code><div class="note">${escapeHtml(b.label.start)}<br>to ${escapeHtml(b.label.end)}</div></td></tr>`;
};

const findingRow = (f: Finding): string =>
  `<tr><td>${sev(f.severity)}</td><td>${escapeHtml(f.firstEventTime)}</td><td><code>${escapeHtml(f.detector)}</code></td><td>${escapeHtml(f.title)}</td><td><code>${escapeHtml(f.principal.key)}</code></td><td>${escapeHtml(f.risk)}</td><td>${escapeHtml(f.eventIds.length)}</td><td>${f.attack.map((t) => escapeHtml(t)).join(', ')}</td><td>${f.response ? `${escapeHtml(f.response.playbook)} (${escapeHtml(f.response.mode)})` : ''}</td></tr>`;

const MAX_FINDING_ROWS = 2000;

/**
 * The demo's HTML report: what Vigil does, the planted attacks found and missed with their
 * findings, the hard negatives, false alarms, the playbook cases, and every finding by severity.
 */
export const renderReport = (
  evaluation: Evaluation,
  findings: readonly Finding[],
  meta: ReportMeta = {},
  cases: readonly ReportCase[] = [],
): string => {
  const title = meta.title ?? 'Vigil demo report';
  const facts = [
    meta.seed !== undefined ? `seed ${meta.seed}` : null,
    meta.days !== undefined ? plural(meta.days, 'day') : null,
    meta.people !== undefined ? plural(meta.people, 'person', 'people') : null,
    meta.events !== undefined ? plural(meta.events, 'event') : null,
    meta.principals !== undefined ? plural(meta.principals, 'principal') : null,
    meta.seconds !== undefined ? `scored in ${meta.seconds.toFixed(1)} s` : null,
    meta.generatedAt !== undefined ? `generated ${meta.generatedAt}` : null,
  ].filter((x): x is string => x !== null);
  const sorted = [...findings].sort(
    (a, b) =>
      compareSeverity(b.severity, a.severity) ||
      a.firstEventTime.localeCompare(b.firstEventTime) ||
      a.id.localeCompare(b.id),
  );
  const counts = SEVERITIES.slice()
    .reverse()
    .map((s) => `${sev(s)} ${escapeHtml(evaluation.findingsBySeverity[s])}`)
    .join(' ');
  const ttd = evaluation.medianTimeToDetectMs === null ? 'n/a' : formatDuration(evaluation.medianTimeToDetectMs);
  const quiet = evaluation.benign.filter((b) => b.quiet).length;
  const parts = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<div class="meta">${facts.map(escapeHtml).join(' · ')}</div>`,
    '<p class="lead">Vigil reads CloudTrail, learns how every person and role in an AWS organisation normally works (when, from where, with which tools, which APIs and how much data) and flags what breaks policy or departs from that normal: the insider with legitimate access using it at the wrong hours, from the wrong places, at the wrong volumes, and the outsider holding stolen credentials. Findings raise a risk score per principal and start response playbooks (here in dry-run: they say what they would do).</p>',
    '<p class="lead">This report replays a synthetic organisation with attacks and hard negatives planted in it, and scores what Vigil found against what was planted.</p>',
    meta.description && meta.description.length > 0
      ? `<ul>${meta.description.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
      : '',
    '<div class="cards">',
    `<div class="card"><div class="v">${escapeHtml(evaluation.found)} / ${escapeHtml(evaluation.attacks.length)}</div><div class="k">planted attacks found (recall ${escapeHtml(percent(evaluation.recall))})</div></div>`,
    `<div class="card"><div class="v">${escapeHtml(percent(evaluation.recallAtHigh))}</div><div class="k">found at high severity or above</div></div>`,
    `<div class="card"><div class="v">${escapeHtml(evaluation.falseAlarmsPerThousandPrincipalDays.toFixed(1))}</div><div class="k">false alarms per 1,000 principal-days (${escapeHtml(evaluation.falseAlarms.length)} over ${escapeHtml(evaluation.principalDays.toLocaleString('en-GB'))})</div></div>`,
    `<div class="card"><div class="v">${escapeHtml(ttd)}</div><div class="k">median time to detect</div></div>`,
    `<div class="card"><div class="v">${escapeHtml(quiet)} / ${escapeHtml(evaluation.benign.length)}</div><div class="k">hard negatives quiet</div></div>`,
    '</div>',
    `<p>${escapeHtml(plural(evaluation.findingCount, 'finding'))}: ${counts}</p>`,
    '<h2>Planted attacks</h2>',
    '<table><thead><tr><th>Result</th><th>Scenario and the findings it raised</th><th>Principal and window</th><th>Counts as found</th><th>First detection</th></tr></thead><tbody>',
    ...evaluation.attacks.map(attackRow),
    '</tbody></table>',
    '<h2>Hard negatives</h2>',
    '<p class="note">Routine work that looks odd. Vigil must raise nothing of medium severity or above on these.</p>',
    '<table><thead><tr><th>Result</th><th>Scenario</th><th>Principal and window</th></tr></thead><tbody>',
    ...evaluation.benign.map(benignRow),
    '</tbody></table>',
    '<h2>False alarms</h2>',
    evaluation.falseAlarms.length === 0
      ? '<p>None: every finding of medium severity or above belongs to a planted attack.</p>'
      : `<p class="note">Findings of medium severity or above that match no planted attack.</p><table><thead><tr><th>Severity</th><th>First event</th><th>Detector</th><th>Title</th><th>Principal</th><th>Risk</th><th>Events</th><th>ATT&amp;CK</th><th>Response</th></tr></thead><tbody>${evaluation.falseAlarms.map(findingRow).join('')}</tbody></table>`,
    '<h2>Playbooks</h2>',
    cases.length === 0
      ? '<p class="note">No playbook ran.</p>'
      : cases.map((c) => `<div class="case"><h3>${escapeHtml(c.title)}</h3>${c.html}</div>`).join(''),
    '<h2>All findings, by severity</h2>',
    sorted.length === 0
      ? '<p>No findings.</p>'
      : `<table><thead><tr><th>Severity</th><th>First event</th><th>Detector</th><th>Title</th><th>Principal</th><th>Risk</th><th>Events</th><th>ATT&amp;CK</th><th>Response</th></tr></thead><tbody>${sorted
          .slice(0, MAX_FINDING_ROWS)
          .map(findingRow)
          .join(
            '',
          )}</tbody></table>${sorted.length > MAX_FINDING_ROWS ? `<p class="note">${escapeHtml(sorted.length - MAX_FINDING_ROWS)} more in findings.jsonl.</p>` : ''}`,
    '</main></body></html>',
  ];
  return parts.join('\n');
};
