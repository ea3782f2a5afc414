/**
 * Turns the paths given to `vigil replay` into the inputs to read, checked before anything is
 * read so that a bad path fails the run at once (the CLI exits 2) instead of after minutes of replay.
 */
import { constants, createReadStream } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';

/** One input to read: a file, or stdin (named `-`). */
export interface InputSource {
  /** The path as given (joined under its folder for files found in one), or `-` for stdin. */
  readonly name: string;
  /** Opens the input; call once. */
  open(): Readable;
}

/** A path that does not exist or cannot be read. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Options for tests and embedders. */
export interface ResolveOptions {
  /** @default - process.stdin */
  readonly stdin?: () => Readable;
}

/** Files taken from folders; a file named explicitly is read whatever its name. */
const FOLDER_FILE = /\.(?:json|jsonl|ndjson)(?:\.gz)?$|\.gz$/i;

/**
 * The time CloudTrail writes into its file names:
 * `123456789012_CloudTrail_us-east-1_20240101T0005Z_abc.json.gz`, and digest and Insights files
 * (`_CloudTrail-Digest_..._20240101T000512Z.json.gz`).
 */
const CLOUDTRAIL_FILE_TIME = /_CloudTrail(?:-[A-Za-z]+)?_.*_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z(?:[_.]|$)/;

const READ_CHUNK_BYTES = 256 * 1024;

interface FoundFile {
  readonly path: string;
  /** Epoch ms from the CloudTrail file name, or null. */
  readonly time: number | null;
}

/**
 * Resolves paths (files, folders searched recursively, `-` for stdin) into inputs, ordered so that
 * replay starts near event-time order: stdin first, then files without a CloudTrail time in their
 * name by path, then CloudTrail files by that time (then path). A file reached twice is read once.
 * Throws InputError naming the path when a path does not exist or cannot be read.
 */
export async function resolveInputs(paths: readonly string[], options: ResolveOptions = {}): Promise<InputSource[]> {
  const found = new Map<string, FoundFile>();
  const seenFolders = new Set<string>();
  let stdin = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdin) throw new InputError(path, 'stdin (-) can be read only once; it was given twice');
      stdin = true;
      continue;
    }
    const info = await stat(path).catch((error: unknown) => {
      throw unreadable(path, error);
    });
    if (info.isDirectory()) await walk(path, found, seenFolders);
    else await addFile(path, found);
  }
  const files = [...found.values()].sort(byTimeThenPath);
  const inputs: InputSource[] = files.map(({ path }) => ({
    name: path,
    open: () => createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }),
  }));
  if (stdin) {
    const open = options.stdin ?? (() => process.stdin);
    inputs.unshift({ name: '-', open });
  }
  return inputs;
}

async function walk(folder: string, found: Map<string, FoundFile>, seenFolders: Set<string>): Promise<void> {
  const real = await realpath(folder).catch((error: unknown) => {
    throw unreadable(folder, error);
  });
  // A symbolic link back up the tree would otherwise be walked forever.
  if (seenFolders.has(real)) return;
  seenFolders.add(real);
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
    throw unreadable(folder, error);
  });
  for (const entry of entries) {
    const path = join(folder, entry.name);
    let isFolder = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch((error: unknown) => {
        throw unreadable(path, error);
      });
      isFolder = target.isDirectory();
      isFile = target.isFile();
    }
    if (isFolder) await walk(path, found, seenFolders);
    else if (isFile && FOLDER_FILE.test(entry.name)) await addFile(path, found);
  }
}

async function addFile(path: string, found: Map<string, FoundFile>): Promise<void> {
  await access(path, constants.R_OK).catch((error: unknown) => {
    throw unreadable(path, error);
  });
  const real = await realpath(path).catch((error: unknown) => {
    throw unreadable(path, error);
  });
  if (!found.has(real)) found.set(real, { path, time: cloudTrailFileTime(path) });
}

/** The delivery time CloudTrail put in a log file's name, as epoch ms, or null when the name has none. */
export function cloudTrailFileTime(path: string): number | null {
  const match = CLOUDTRAIL_FILE_TIME.exec(basename(path));
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0));
}

const byTimeThenPath = (a: FoundFile, b: FoundFile): number => {
  if (a.time !== b.time) {
    if (a.time === null) return -1;
    if (b.time === null) return 1;
    return a.time - b.time;
  }
  if (a.path === b.path) return 0;
  return a.path < b.path ? -1 : 1;
};

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
};

const unreadable = (path: string, error: unknown): InputError => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : REASONS[code];
  const reason = known ?? (error instanceof Error ? error.message : String(error));
  return new InputError(path, `cannot read ${JSON.stringify(path)}: ${reason}`);
};
