import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig } from '../../lambdas/core/config.ts';
import { CONFIG_FILE_CONTEXT, loadVigilConfig } from '../../lib/load-config.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadVigilConfig', () => {
  it('falls back to the built-in defaults when the file does not exist', () => {
    expect(loadVigilConfig(join(dir, 'absent.json'))).toEqual(defaultConfig());
  });

  it('reads and validates the file', () => {
    const path = file('good.json', JSON.stringify({ sensitiveBuckets: ['payroll', 'prod-*'], alertSeverity: 'high' }));

    const config = loadVigilConfig(path);

    expect([config.sensitiveBuckets, config.alertSeverity]).toEqual([['payroll', 'prod-*'], 'high']);
  });

  it.each([
    ['a value of the wrong kind', 'bad-1.json', { alertSeverity: 'urgent' }, /^.*\/bad-1\.json: alertSeverity: /],
    [
      'a field that does not exist',
      'bad-2.json',
      { sensitiveBucket: ['x'] },
      /^.*\/bad-2\.json: \(root\): Unrecognized key: "sensitiveBucket"$/,
    ],
    [
      'an existing trail without its bucket',
      'bad-3.json',
      { trail: { existingTrailName: 'org-trail' } },
      /^.*\/bad-3\.json: trail\.existingTrailBucketName: existingTrailBucketName is required with existingTrailName$/,
    ],
    [
      'a sensitive bucket a created trail cannot select',
      'bad-4.json',
      { sensitiveBuckets: ['payroll', '*-secrets'] },
      /^.*\/bad-4\.json: sensitiveBuckets\.1: "\*-secrets" cannot select CloudTrail data events; expected a bucket name, or the start of one followed by a single \* at the end/,
    ],
  ])('fails on %s, naming the file and the field', (_name, name, json, message) => {
    const path = file(name, JSON.stringify(json));

    const act = () => loadVigilConfig(path);

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });

  it('accepts any bucket pattern for an existing trail, whose selectors Vigil does not manage', () => {
    const path = file(
      'existing.json',
      JSON.stringify({
        sensitiveBuckets: ['*-secrets'],
        trail: { existingTrailName: 't', existingTrailBucketName: 'b' },
      }),
    );

    expect(loadVigilConfig(path).sensitiveBuckets).toEqual(['*-secrets']);
  });

  it('fails on a file that is not JSON', () => {
    const path = file('broken.json', '{ "alertSeverity": ');

    expect(() => loadVigilConfig(path)).toThrow(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON: `),
    );
  });
});

describe('the CDK app', () => {
  it('fails synthesis on bad configuration, naming the file and the field', () => {
    // Prepare
    const path = file('synth.json', JSON.stringify({ response: { modes: { high: 'nuke' } } }));

    // Act
    const run = spawnSync(join(REPO, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: REPO,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ [CONFIG_FILE_CONTEXT]: path }),
        CDK_OUTDIR: join(dir, 'cdk.out'),
      },
      encoding: 'utf8',
      timeout: 120_000,
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^Vigil: bad configuration: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: response\\.modes\\.high: `,
        'm',
      ),
    );
  });
});
