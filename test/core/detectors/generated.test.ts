import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildAttackRecordings } from '../../../scripts/gen-attack-fixtures.ts';
import { renderDetectionsDoc } from '../../../scripts/gen-detections-doc.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const text = (bytes: Buffer, path: string): string =>
  (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');

describe('generated files are up to date', () => {
  it('docs/detections.md matches the registry and fixtures (regenerate: npx tsx scripts/gen-detections-doc.ts)', () => {
    expect(readFileSync(`${root}docs/detections.md`, 'utf8')).toBe(renderDetectionsDoc());
  });

  it('test/fixtures/attacks matches the fixtures (regenerate: npx tsx scripts/gen-attack-fixtures.ts)', async () => {
    // Act
    const { files } = await buildAttackRecordings();
    // Assess
    const dir = `${root}test/fixtures/attacks/`;
    expect(
      readdirSync(`${dir}logs`)
        .map((name) => `logs/${name}`)
        .sort(),
    ).toEqual([...files.keys()].filter((p) => p.startsWith('logs/')).sort());
    for (const [path, bytes] of files) expect(text(readFileSync(`${dir}${path}`), path), path).toBe(text(bytes, path));
  });

  it('covers every technique of the catalog in the attack recordings', async () => {
    const { expected } = await buildAttackRecordings();
    expect(Object.keys(expected.techniques).length).toBe(66);
    expect(expected.routine.records).toBeGreaterThan(100);
  });
});
