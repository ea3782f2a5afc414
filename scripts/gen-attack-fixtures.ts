/**
 * Writes test/fixtures/attacks/: CloudTrail log files (`{"Records": [...]}`, every other one
 * gzipped) with one recording per technique of issue 3, grouped by tactic, and `expected.json`
 * saying which detector must flag each technique, at what severity, for which principal, when
 * `vigil replay` reads the `logs/` folder with the default configuration. A `routine` file holds
 * near-miss activity on which no catalog detector may fire.
 *
 * Recordings come from the detectors' demonstration fixtures, each technique shifted to its own
 * two-hour slot so that no burst window or finding window spans two techniques. Deterministic:
 * `npx tsx scripts/gen-attack-fixtures.ts`; a test fails when the folder is stale.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { CloudTrailRecord } from '../lambdas/core/cloudtrail.ts';
import { DETECTORS } from '../lambdas/core/detectors/registry.ts';
import { compareSeverity, type Severity } from '../lambdas/core/finding.ts';
import { type DetectorFixture, T0 } from '../test/core/detectors/fixtures/builders.ts';
import { FIXTURES } from '../test/core/detectors/fixtures/index.ts';
import { findingsOf, scoreRecords } from '../test/core/detectors/score-fixture.ts';

/** The folder written, relative to the repository root. */
export const ATTACKS_DIR = 'test/fixtures/attacks';

const SLOT_MS = 2 * 3_600_000;
/** Recordings start a day after the fixtures' own time zero, so the slots never overlap it. */
const START = T0 + 24 * 3_600_000;

/** What `expected.json` says of one technique. */
export interface ExpectedDetection {
  readonly detector: string;
  readonly severity: Severity;
  /** `principal.name` of the finding. */
  readonly principal: string;
  /** The log file holding the recording, relative to the attacks folder. */
  readonly file: string;
  readonly firstEventTime: string;
  readonly lastEventTime: string;
}

/** The contents of `expected.json`. */
export interface ExpectedAttacks {
  readonly description: string;
  /** The folder to replay, relative to the attacks folder. */
  readonly replay: string;
  readonly techniques: Record<string, ExpectedDetection>;
  /** Routine activity on which no catalog detector may fire. */
  readonly routine: { readonly file: string; readonly records: number; readonly catalogFindings: 0 };
}

const tactic = (technique: string): string => {
  if (technique.startsWith('stratus:')) return technique.split('.')[1] ?? 'other';
  if (/UnauthorizedAccess|credentials/.test(technique)) return 'credential-access';
  if (/Stealth|disabled|PasswordPolicy/.test(technique)) return 'defense-evasion';
  if (/RootCredential|PenTest/.test(technique)) return 'initial-access';
  if (/Policy:S3/.test(technique)) return 'exfiltration';
  return 'impact';
};

const uuidOf = (seed: string): string => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const shiftTime = (iso: string | undefined, ms: number): string | undefined =>
  iso === undefined ? undefined : new Date(Date.parse(iso) + ms).toISOString().replace('.000Z', 'Z');

/** A record moved `ms` later, with fresh ids so that recordings never collide with each other. */
const shifted = (record: CloudTrailRecord, ms: number, slot: string): CloudTrailRecord => {
  const identity = record.userIdentity;
  const attributes = identity?.sessionContext?.attributes;
  return {
    ...record,
    eventTime: shiftTime(record.eventTime, ms),
    ...(identity?.sessionContext && attributes
      ? {
          userIdentity: {
            ...identity,
            sessionContext: {
              ...identity.sessionContext,
              attributes: { ...attributes, creationDate: shiftTime(attributes.creationDate, ms) },
            },
          },
        }
      : {}),
    eventID: uuidOf(`${slot}/${record.eventID}`),
    requestID: uuidOf(`${slot}/${record.requestID}`),
  };
};

/** The file a tactic's recordings go to: gzipped for every other tactic, as trails deliver them. */
const fileName = (name: string, index: number): string => `logs/${name}.json${index % 2 === 1 ? '.gz' : ''}`;

/**
 * Replays everything at once, in time order and in batches, as `vigil replay` will, and checks that
 * each technique still yields its expected finding and that routine activity yields none: state a
 * detector keeps between slots must not change the outcome.
 */
const checkTogether = async (
  slots: Map<DetectorFixture, { records: CloudTrailRecord[] }>,
  techniques: Record<string, ExpectedDetection>,
  routine: CloudTrailRecord[],
): Promise<void> => {
  const recordings = [...slots.values()].flatMap((s) => s.records);
  const all = [...recordings, ...routine].sort((a, b) => (a.eventTime ?? '').localeCompare(b.eventTime ?? ''));
  const scored = await scoreRecords(all, { batchSize: 500 });
  const routineIds = new Set(routine.map((r) => r.eventID));
  const stray = scored.findings.filter((s) => s.finding.eventIds.some((id) => routineIds.has(id)));
  if (stray.length > 0) throw new Error(`routine activity fired ${stray.map((s) => s.finding.detector).join(', ')}`);
  for (const [technique, expected] of Object.entries(techniques)) {
    const window = (s: { finding: { firstEventTime: string } }) =>
      Date.parse(s.finding.firstEventTime) >= Date.parse(expected.firstEventTime) &&
      Date.parse(s.finding.firstEventTime) <= Date.parse(expected.lastEventTime);
    const found = findingsOf(scored, expected.detector).filter(
      (s) => s.finding.principal.name === expected.principal && window(s),
    );
    const severity = found
      .map((s) => s.finding.severity)
      .sort(compareSeverity)
      .at(-1);
    if (severity !== expected.severity)
      throw new Error(`replayed together, ${technique} yields ${severity ?? 'nothing'}, not ${expected.severity}`);
  }
};

/** Every file of the folder (path -> bytes) and what `expected.json` says, built in memory. */
export const buildAttackRecordings = async (): Promise<{ files: Map<string, Buffer>; expected: ExpectedAttacks }> => {
  const demonstrations: { technique: string; fixture: DetectorFixture }[] = [];
  for (const detector of DETECTORS) {
    for (const technique of detector.techniques) {
      const fixture = FIXTURES.find((f) => f.detector === detector.id && f.fires && f.techniques?.includes(technique));
      if (!fixture) throw new Error(`technique ${technique} of ${detector.id} has no demonstration fixture`);
      demonstrations.push({ technique, fixture });
    }
  }
  const byTactic = new Map<string, CloudTrailRecord[]>();
  const slotOf = new Map<DetectorFixture, { records: CloudTrailRecord[]; tactic: string }>();
  const techniques: Record<string, ExpectedDetection> = {};
  const tactics = [...new Set(demonstrations.map((d) => tactic(d.technique)))].sort();
  let slot = 0;
  for (const { technique, fixture } of demonstrations) {
    let recording = slotOf.get(fixture);
    if (!recording) {
      const offset = START - T0 + slot * SLOT_MS;
      recording = {
        records: fixture.records.map((r) => shifted(r, offset, `slot-${slot}`)),
        tactic: tactic(technique),
      };
      slot++;
      slotOf.set(fixture, recording);
      const list = byTactic.get(recording.tactic) ?? [];
      list.push(...recording.records);
      byTactic.set(recording.tactic, list);
    }
    // The default configuration is what `vigil replay` runs with unless told otherwise.
    const scored = await scoreRecords(recording.records);
    const found = findingsOf(scored, fixture.detector).sort((a, b) =>
      compareSeverity(b.finding.severity, a.finding.severity),
    )[0];
    if (!found)
      throw new Error(`the recording of ${technique} does not fire ${fixture.detector} with the default configuration`);
    // Findings write times as toISOString does; so does expected.json, for exact comparison.
    const times = recording.records.map((r) => new Date(r.eventTime ?? 0).toISOString()).sort();
    techniques[technique] = {
      detector: fixture.detector,
      severity: found.finding.severity,
      principal: found.finding.principal.name,
      file: fileName(recording.tactic, tactics.indexOf(recording.tactic)),
      firstEventTime: times[0] ?? '',
      lastEventTime: times.at(-1) ?? '',
    };
  }

  // Routine work: the near misses that need no configuration, each in its own slot.
  const routine: CloudTrailRecord[] = [];
  for (const fixture of FIXTURES.filter((f) => !f.fires && !f.config)) {
    const records = fixture.records.map((r) => shifted(r, START - T0 + slot * SLOT_MS, `slot-${slot}`));
    slot++;
    const scored = await scoreRecords(records);
    if (scored.findings.length > 0) continue;
    routine.push(...records);
  }

  await checkTogether(slotOf, techniques, routine);

  const files = new Map<string, Buffer>();
  tactics.forEach((name, index) => {
    const body = Buffer.from(`${JSON.stringify({ Records: byTactic.get(name) ?? [] }, null, 1)}\n`);
    const path = fileName(name, index);
    files.set(path, path.endsWith('.gz') ? gzipSync(body) : body);
  });
  const routineFile = 'logs/routine.json.gz';
  files.set(routineFile, gzipSync(Buffer.from(`${JSON.stringify({ Records: routine }, null, 1)}\n`)));
  const expected: ExpectedAttacks = {
    description:
      'Replay logs/ with `vigil replay` and the default configuration: each technique must yield a finding of `detector` at `severity` for `principal`; no catalog detector may fire on routine activity.',
    replay: 'logs',
    techniques,
    routine: { file: routineFile, records: routine.length, catalogFindings: 0 },
  };
  files.set('expected.json', Buffer.from(`${JSON.stringify(expected, null, 2)}\n`));
  return { files, expected };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, expected } = await buildAttackRecordings();
  rmSync(join(ATTACKS_DIR, 'logs'), { recursive: true, force: true });
  mkdirSync(join(ATTACKS_DIR, 'logs'), { recursive: true });
  for (const [path, bytes] of files) writeFileSync(join(ATTACKS_DIR, path), bytes);
  console.log(
    `wrote ${readdirSync(join(ATTACKS_DIR, 'logs')).length} log files and expected.json (${Object.keys(expected.techniques).length} techniques, ${expected.routine.records} routine records) to ${ATTACKS_DIR}`,
  );
}
