/**
 * The benchmark's corpus: the demo organisation's CloudTrail records (`generateStream`), written
 * once to disk as gzipped `{"Records":[...]}` log files of a few hundred records each, as
 * CloudTrail delivers them, so the floor, the core run and replay all read the same bytes.
 *
 * Files hold consecutive records of the whole organisation in eventTime order and are named as
 * CloudTrail names them (account, region and time of their first record), so `vigil replay` on
 * the folder reads them in time order. Real files are per account and region and so hold fewer
 * principals each: per-batch principal counts measured here are an upper bound.
 *
 * A corpus is kept under its options (and a hash of the generator's sources) and reused by later
 * runs. While writing, the events the fast-path rule takes are counted with the pattern CDK deploys.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { CloudTrailRecord } from '../../lambdas/core/cloudtrail.ts';
import { resolvePrincipal } from '../../lambdas/core/normalise.ts';
import { generateStream } from '../demo/generate.ts';
import { ACCOUNTS, EMAIL_DOMAIN } from '../demo/organisation.ts';
import { type FastPathMatcher, fastPathMatcher } from './fast-path.ts';

/** What corpus to build. */
export interface CorpusOptions {
  /** Records in the corpus. */
  readonly events: number;
  /** People in the organisation (about 29 machine and service principals come on top). */
  readonly people: number;
  readonly days: number;
  readonly seed: number;
  /**
   * Copies of the organisation the records are spread over, round robin (each copy its own
   * account ids and e-mail domain): multiplies the principals active in a window without adding
   * events. Up to MAX_TENANTS.
   * @default 1
   */
  readonly tenants?: number;
  /** @default 500 */
  readonly recordsPerFile?: number;
}

/** A corpus on disk, with what was counted while writing it. */
export interface Corpus {
  readonly dir: string;
  readonly options: Required<CorpusOptions>;
  /** Log files in write (time) order, absolute paths. */
  readonly files: readonly string[];
  readonly events: number;
  /** Bytes of JSON (uncompressed) and of the gzipped files. */
  readonly jsonBytes: number;
  readonly gzipBytes: number;
  /** Events the fast-path rule takes, and the size of their EventBridge events. */
  readonly fastEvents: number;
  readonly fastEventBytes: number;
  /** Data events (S3 object-level calls). */
  readonly dataEvents: number;
  /** AWS service events (no principal). */
  readonly serviceEvents: number;
  /** Distinct principals. */
  readonly principals: number;
  readonly firstEventTime: string | null;
  readonly lastEventTime: string | null;
  /** Seconds spent generating and writing, 0 when reused. */
  readonly writeSeconds: number;
  readonly reused: boolean;
}

const MANIFEST = 'corpus.json';
/** The folder names `corpusDir` gives, with the fingerprint captured. */
const CORPUS_NAME = /^e\d+-p\d+-d\d+-s\d+-t\d+-f\d+-([0-9a-f]{12})$/;
const MANIFEST_VERSION = 1;
const DEFAULT_RECORDS_PER_FILE = 500;
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Raised when this writer changes the bytes it writes, so older corpora are written again. */
const WRITER_FORMAT = 'vigil-bench-corpus/2';

/** A fingerprint of what decides the corpus' bytes: the generator's sources and this writer's format. */
const sourceHash = async (): Promise<string> => {
  const hash = createHash('sha256').update(WRITER_FORMAT);
  const demo = join(REPO_ROOT, 'cli', 'demo');
  const files = (await readdir(demo)).filter((f) => f.endsWith('.ts')).sort();
  for (const file of files) hash.update(file).update(await readFile(join(demo, file)));
  return hash.digest('hex').slice(0, 12);
};

const withDefaults = (opts: CorpusOptions): Required<CorpusOptions> => ({
  ...opts,
  tenants: opts.tenants ?? 1,
  recordsPerFile: opts.recordsPerFile ?? DEFAULT_RECORDS_PER_FILE,
});

/** The folder a corpus with these options lives in, under `root`. */
export const corpusDir = (root: string, opts: CorpusOptions, hash: string): string => {
  const o = withDefaults(opts);
  return join(root, `e${o.events}-p${o.people}-d${o.days}-s${o.seed}-t${o.tenants}-f${o.recordsPerFile}-${hash}`);
};

const ACCOUNT_IDS = Object.values(ACCOUNTS) as string[];
/** Copies of the organisation a corpus can hold: a copy's account ids start with its number. */
export const MAX_TENANTS = 10_000;

/** Account `account` of the organisation in copy `tenant` (copy 0 is the original). */
export const tenantAccount = (account: string, tenant: number): string =>
  tenant === 0 ? account : `${String(tenant).padStart(4, '0')}${account.slice(4)}`;

/** Rewrites a record's JSON into copy `tenant` of the organisation: its accounts and people's e-mail domain. */
export const toTenant = (json: string, tenant: number): string => {
  if (tenant === 0) return json;
  let out = json;
  for (const account of ACCOUNT_IDS) out = out.replaceAll(account, tenantAccount(account, tenant));
  return out.replaceAll(`@${EMAIL_DOMAIN}`, `@t${tenant}.${EMAIL_DOMAIN}`);
};

/** Configuration accounts (organisation, production) as lists of the accounts of every copy. */
export const tenantConfig = <
  T extends { organisationAccounts: readonly string[]; productionAccounts: readonly string[] },
>(
  config: T,
  tenants: number,
): T => {
  const spread = (accounts: readonly string[]): string[] =>
    Array.from({ length: tenants }, (_, tenant) => accounts.map((a) => tenantAccount(a, tenant))).flat();
  return {
    ...config,
    organisationAccounts: spread(config.organisationAccounts),
    productionAccounts: spread(config.productionAccounts),
  };
};

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The path CloudTrail would give a log file whose first record is `first`. */
export const logFilePath = (first: CloudTrailRecord, sequence: number): string => {
  const account = first.recipientAccountId ?? '000000000000';
  const region = first.awsRegion ?? 'us-east-1';
  const time = first.eventTime ?? '1970-01-01T00:00:00Z';
  const [date = '1970-01-01'] = time.split('T');
  const [year, month, day] = date.split('-');
  const stamp = `${date.replaceAll('-', '')}T${time.slice(11, 13)}${time.slice(14, 16)}Z`;
  return join(
    'AWSLogs',
    account,
    'CloudTrail',
    region,
    year ?? '1970',
    month ?? '01',
    day ?? '01',
    `${account}_CloudTrail_${region}_${stamp}_bench${pad(sequence, 7)}.json.gz`,
  );
};

interface Counts {
  events: number;
  jsonBytes: number;
  gzipBytes: number;
  fastEvents: number;
  fastEventBytes: number;
  dataEvents: number;
  serviceEvents: number;
  first: string | null;
  last: string | null;
}

/** Generates and writes the corpus into `dir` (emptied first). */
const writeCorpus = (
  dir: string,
  o: Required<CorpusOptions>,
  fast: FastPathMatcher,
): { files: string[]; counts: Counts; principals: number } => {
  const files: string[] = [];
  const principals = new Set<string>();
  const counts: Counts = {
    events: 0,
    jsonBytes: 0,
    gzipBytes: 0,
    fastEvents: 0,
    fastEventBytes: 0,
    dataEvents: 0,
    serviceEvents: 0,
    first: null,
    last: null,
  };
  let texts: string[] = [];
  let first: CloudTrailRecord | null = null;
  const flush = (): void => {
    if (!first || texts.length === 0) return;
    const path = join(dir, logFilePath(first, files.length));
    mkdirSync(dirname(path), { recursive: true });
    const body = Buffer.from(`{"Records":[${texts.join(',')}]}`);
    const gz = gzipSync(body);
    writeFileSync(path, gz);
    counts.jsonBytes += body.length;
    counts.gzipBytes += gz.length;
    files.push(path);
    texts = [];
    first = null;
  };
  for (const generated of generateStream({ seed: o.seed, days: o.days, people: o.people, eventsTarget: o.events })) {
    const tenant = counts.events % o.tenants;
    const text = toTenant(JSON.stringify(generated), tenant);
    const record = tenant === 0 ? generated : (JSON.parse(text) as CloudTrailRecord);
    counts.events++;
    counts.first ??= record.eventTime ?? null;
    counts.last = record.eventTime ?? counts.last;
    const resolved = resolvePrincipal(record);
    if (resolved.ok) principals.add(resolved.principal.key);
    else if (resolved.service) counts.serviceEvents++;
    if (record.eventCategory === 'Data') counts.dataEvents++;
    const envelope = fast.envelopeBytes(record, text);
    if (envelope !== null) {
      counts.fastEvents++;
      counts.fastEventBytes += envelope;
    }
    first ??= record;
    texts.push(text);
    if (texts.length >= o.recordsPerFile) flush();
  }
  flush();
  return { files, counts, principals: principals.size };
};

interface Manifest {
  readonly version: number;
  readonly corpus: Omit<Corpus, 'dir' | 'files' | 'reused'>;
  readonly files: string[];
}

/** Reads the corpus written in `dir`, or null when there is none (or an older or unfinished one). */
export const readCorpus = async (dir: string): Promise<Corpus | null> => {
  const manifest = await readFile(join(dir, MANIFEST), 'utf8').then(
    (text) => JSON.parse(text) as Manifest,
    () => null,
  );
  if (manifest?.version !== MANIFEST_VERSION) return null;
  return { ...manifest.corpus, dir, files: manifest.files.map((f) => join(dir, f)), writeSeconds: 0, reused: true };
};

/**
 * The corpus for `opts` under `root`: reused when a complete one with the same options and
 * generator is there, else generated and written. `log` hears what is going on.
 */
export const prepareCorpus = async (
  root: string,
  opts: CorpusOptions,
  log: (line: string) => void = () => {},
): Promise<Corpus> => {
  const o = withDefaults(opts);
  if (!Number.isInteger(o.tenants) || o.tenants < 1 || o.tenants > MAX_TENANTS) {
    throw new RangeError(`tenants is ${o.tenants}; expected a whole number from 1 to ${MAX_TENANTS}`);
  }
  const hash = await sourceHash();
  const dir = corpusDir(root, o, hash);
  const existing = await readCorpus(dir);
  if (existing) return existing;
  // Corpora of an older generator or writer are stale: make room.
  for (const entry of await readdir(root).catch(() => [] as string[])) {
    const match = CORPUS_NAME.exec(entry);
    if (match && match[1] !== hash) await rm(join(root, entry), { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  log(
    `writing the corpus: ${o.events.toLocaleString('en-US')} events of ${o.people} people, to ${relative(process.cwd(), dir) || dir}`,
  );
  const started = performance.now();
  const { files, counts, principals } = writeCorpus(dir, o, fastPathMatcher());
  const corpus: Omit<Corpus, 'dir' | 'files' | 'reused'> = {
    options: o,
    events: counts.events,
    jsonBytes: counts.jsonBytes,
    gzipBytes: counts.gzipBytes,
    fastEvents: counts.fastEvents,
    fastEventBytes: counts.fastEventBytes,
    dataEvents: counts.dataEvents,
    serviceEvents: counts.serviceEvents,
    principals,
    firstEventTime: counts.first,
    lastEventTime: counts.last,
    writeSeconds: (performance.now() - started) / 1000,
  };
  // The manifest is written last: a corpus without one was interrupted and is written again.
  const manifest: Manifest = { version: MANIFEST_VERSION, corpus, files: files.map((f) => relative(dir, f)) };
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest)}\n`);
  return { ...corpus, dir, files, reused: false };
};
