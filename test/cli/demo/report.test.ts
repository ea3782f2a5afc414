import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../cli/demo/evaluate.ts';
import { escapeHtml, formatDuration, renderReport, renderSummary } from '../../../cli/demo/report.ts';
import { finding, labels } from './fixtures.ts';

const rafael = {
  key: 'person:rafael.khan@acme.example',
  arn: null,
  type: 'IdentityCenterUser' as const,
  accountId: '739184620357',
  name: 'rafael.khan@acme.example',
};

const scored = () =>
  evaluate(
    labels,
    [
      finding({ id: 'f-root', firstEventTime: '2026-10-20T20:40:45Z', severity: 'critical' }),
      finding({
        id: 'f-night',
        detector: 'baseline.off-hours',
        title: 'Activity far outside usual hours',
        severity: 'medium',
        principal: rafael,
        firstEventTime: '2026-10-21T01:06:00Z',
        lastEventTime: '2026-10-21T01:06:00Z',
      }),
    ],
    1_094,
  );

describe('renderSummary', () => {
  it('prints attacks found and missed, hard negatives, false alarms, recall and time to detect', () => {
    // Act
    const lines = renderSummary(scored());
    // Assess
    expect(lines).toEqual([
      'Planted attacks: 1 of 3 found (recall 33%; 1 of 3 at high or above)',
      '  found   critical Root user sign-in, root access key and root API calls root:739184620357               root.credential-use after 33 s',
      '  MISSED           Stolen access key used from a new country at night    user:739184620357:oliver.grant  expected credentials.stolen-key-pattern or baseline.new-country at high+',
      '  MISSED           Enumeration from a Kali Linux machine                 person:isla.vogel@acme.example  expected useragent.pentest-tool at medium+',
      '',
      'Hard negatives (routine work that looks odd): 1 of 2 quiet',
      '  ALARM   medium   On-call engineer paged at 3 am                        person:rafael.khan@acme.example baseline.off-hours',
      '  quiet            Contractor working from New York for a week           user:739184620357:lena.fischer',
      '',
      'False alarms (medium or higher, matching no planted attack): 1, 0.9 per 1,000 principal-days (1,094 principal-days)',
      '  medium   baseline.off-hours                   person:rafael.khan@acme.example 2026-10-21T01:06:00Z  Activity far outside usual hours',
      '',
      "Median time to detect: 33 s (from each attack's first malicious event to the event that raised its finding)",
    ]);
  });
});

describe('formatDuration', () => {
  it.each([
    [400, '0 s'],
    [59_000, '59 s'],
    [240_000, '4 min'],
    [9_000_000, '2.5 h'],
    [276_480_000, '3.2 days'],
  ])('%i ms reads %s', (ms, text) => {
    // Assess
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('renderReport', () => {
  it('is one self-contained page: inline style, no scripts, no external assets', () => {
    // Act
    const html = renderReport(scored(), [], {
      seed: 7,
      days: 28,
      events: 103_013,
      principals: 59,
      generatedAt: '2026-11-01T10:00:00Z',
    });
    // Assess
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    expect(html).toContain(
      '<div class="meta">seed 7 · 28 days · 103,013 events · 59 principals · generated 2026-11-01T10:00:00Z</div>',
    );
    expect(html).toContain('<div class="v">1 / 3</div><div class="k">planted attacks found (recall 33%)</div>');
  });

  it('escapes hostile strings from findings and labels', () => {
    // Prepare
    const hostile = finding({
      id: 'f-evil',
      title: '<script>alert(1)</script>',
      detector: 'useragent.pentest-tool"><img src=x onerror=alert(2)>',
      principal: { ...rafael, key: "person:'><svg onload=alert(3)>" },
      attack: ['<b>T1078</b>'],
      firstEventTime: '2026-10-21T01:06:00Z',
      lastEventTime: '2026-10-21T01:06:00Z',
      severity: 'medium',
    });
    const evaluation = evaluate(
      [{ ...labels[0], title: 'Root & <i>friends</i>', story: '</td><script>x()</script>' } as (typeof labels)[0]],
      [hostile],
      10,
    );
    // Act
    const html = renderReport(evaluation, [hostile], { description: ['<marquee>org</marquee>'] });
    // Assess
    expect(html).not.toMatch(/<script|<img|<svg|<marquee|<b>|<i>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<code>useragent.pentest-tool&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</code>');
    expect(html).toContain('person:&#39;&gt;&lt;svg onload=alert(3)&gt;');
    expect(html).toContain('Root &amp; &lt;i&gt;friends&lt;/i&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;x()&lt;/script&gt;');
    expect(html).toContain('<li>&lt;marquee&gt;org&lt;/marquee&gt;</li>');
  });

  it('includes the playbook cases the caller renders, and says so when none ran', () => {
    // Act
    const withCases = renderReport(scored(), [], {}, [{ title: 'Case <1>', html: '<p>contained</p>' }]);
    const without = renderReport(scored(), [], {});
    // Assess
    expect(withCases).toContain('<div class="case"><h3>Case &lt;1&gt;</h3><p>contained</p></div>');
    expect(without).toContain('<p class="note">No playbook ran.</p>');
  });

  it('lists findings most severe first', () => {
    // Prepare
    const low = finding({ id: 'a', severity: 'low', title: 'low one' });
    const critical = finding({ id: 'b', severity: 'critical', title: 'critical one' });
    const medium = finding({ id: 'c', severity: 'medium', title: 'medium one' });
    // Act
    const html = renderReport(evaluate(labels, [low, critical, medium], 100), [low, critical, medium]);
    // Assess
    const table = html.slice(html.indexOf('All findings, by severity'));
    const order = ['critical one', 'medium one', 'low one'].map((t) => table.indexOf(t));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(order[0]).toBeGreaterThan(0);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    // Assess
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});
