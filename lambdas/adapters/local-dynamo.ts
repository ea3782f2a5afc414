/**
 * The embedded DynamoDB `vigil replay` and `vigil demo` run on: dynalite, started in-process on a
 * loopback port, its LevelDB data in a store folder, reached through the same AWS SDK v3 clients
 * the Lambda adapters use. A real DynamoDB API, not a mock.
 *
 * A store folder holds `vigil-store.json` (a marker with the store's format) and `dynamodb/` (the
 * LevelDB files). The marker is how `emptyStore` knows a folder is safe to empty.
 */
import { mkdir, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  type TableStatus,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createDocumentClient } from './document-client.ts';
import type { TableDefinition } from './table-definition.ts';

/** An embedded DynamoDB, running. */
export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Document client over `client`, marshalling as in Lambda. */
  readonly doc: DynamoDBDocumentClient;
  /** Stops the server and releases the store, so it can be opened again, here or elsewhere. */
  close(): Promise<void>;
}

/** Options of startLocalDynamo. */
export interface LocalDynamoOptions {
  /** Store folder, created if missing; null keeps everything in memory. */
  readonly dir: string | null;
}

/** Name of the marker file that makes a folder a Vigil store. */
export const STORE_MARKER = 'vigil-store.json';
/** Format of the stores this code writes and reads; raised when table layouts change. */
export const STORE_FORMAT = 1;
const DATABASE_FOLDER = 'dynamodb';
const TABLE_ACTIVE_TIMEOUT_MS = 30_000;

/** The store is open in another process, or already open in this one. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
  constructor(readonly dir: string) {
    super(
      `store ${dir} is in use by another Vigil run (its database lock ${join(dir, DATABASE_FOLDER, 'LOCK')} is held); wait for that run to finish or use another store folder`,
    );
  }
}

/** The folder holds files but is not a Vigil store: Vigil neither writes into it nor empties it. */
export class NotAStoreError extends Error {
  override readonly name = 'NotAStoreError';
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`${dir} is not a Vigil store: ${reason}; expected an empty folder or one holding ${STORE_MARKER}`);
  }
}

/** The store exists but cannot be opened. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`cannot open store ${dir}: ${reason}`);
  }
}

/** A table did not become ACTIVE in time. */
export class TableNotActiveError extends Error {
  override readonly name = 'TableNotActiveError';
  constructor(
    readonly tableName: string,
    readonly status: string,
  ) {
    super(`table ${tableName} is ${status} after ${TABLE_ACTIVE_TIMEOUT_MS} ms; expected ACTIVE`);
  }
}

/** Stores open in this process, by real path. LevelDB's own lock cannot be probed from here (below). */
const openStores = new Set<string>();

/**
 * Starts dynalite on 127.0.0.1 on a free port, with its data in `dir` (or in memory), tables
 * ACTIVE as soon as created. Throws StoreBusyError when another run holds the store,
 * NotAStoreError for a folder with other files in it, StoreOpenError for an unreadable store.
 */
export const startLocalDynamo = async (opts: LocalDynamoOptions): Promise<LocalDynamo> => {
  if (opts.dir === null) return serve(undefined, () => {});
  const root = await prepareStore(opts.dir);
  if (openStores.has(root)) throw new StoreBusyError(root);
  // Taken before the first await, so two opens racing in this process cannot both probe.
  openStores.add(root);
  try {
    await assertUnlocked(root);
    return await serve(join(root, DATABASE_FOLDER), () => openStores.delete(root));
  } catch (error) {
    openStores.delete(root);
    throw error;
  }
};

const serve = async (path: string | undefined, onClosed: () => void): Promise<LocalDynamo> => {
  const server = dynalite({
    ...(path === undefined ? {} : { path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'vigil-local', secretAccessKey: 'vigil-local' },
    maxAttempts: 3,
  });
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    client,
    doc: createDocumentClient(client),
    close: () => {
      closing ??= (async () => {
        client.destroy();
        server.closeAllConnections();
        // dynalite's close waits for pending LevelDB operations, then closes the database (its lock).
        await new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
        onClosed();
      })();
      return closing;
    },
  };
};

/** Creates the store folder and marker if new; checks the marker otherwise. Returns the real path. */
const prepareStore = async (dir: string): Promise<string> => {
  const path = resolve(dir);
  await mkdir(path, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EEXIST' || error.code === 'ENOTDIR' ? new NotAStoreError(path, 'it is not a folder') : error;
  });
  const root = await realpath(path);
  const entries = await readdir(root);
  if (entries.length === 0) {
    const marker = { format: STORE_FORMAT, createdAt: new Date().toISOString(), about: "Vigil's embedded DynamoDB" };
    await writeFile(join(root, STORE_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    return root;
  }
  if (!entries.includes(STORE_MARKER)) throw new NotAStoreError(root, `it holds files but no ${STORE_MARKER}`);
  const format = await readFormat(root);
  if (format > STORE_FORMAT) {
    throw new StoreOpenError(
      root,
      `it has format ${format}, written by a newer Vigil; this one reads format ${STORE_FORMAT}`,
    );
  }
  return root;
};

const readFormat = async (root: string): Promise<number> => {
  const file = join(root, STORE_MARKER);
  let marker: unknown;
  try {
    marker = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new StoreOpenError(root, `${file} is not readable JSON (${(error as Error).message})`);
  }
  const format = (marker as { format?: unknown } | null)?.format;
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new StoreOpenError(root, `${file} has format ${JSON.stringify(format)}; expected a whole number from 1`);
  }
  return format;
};

/** The part of a LevelDB handle the lock probe uses. */
interface LevelDatabase {
  open(options: { createIfMissing: boolean }): Promise<void>;
  close(): Promise<void>;
}

let levelConstructor: (new (location: string) => LevelDatabase) | undefined;

/** LevelDB as dynalite loads it: the same binding, so the probe sees exactly the lock dynalite takes. */
const loadLevel = (): (new (location: string) => LevelDatabase) => {
  if (levelConstructor === undefined) {
    const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
    levelConstructor = (fromDynalite('level') as { Level: new (location: string) => LevelDatabase }).Level;
  }
  return levelConstructor;
};

/**
 * Throws StoreBusyError if another process holds the store's LevelDB lock. Opening the database
 * and closing it again is the only portable test of that lock. Never called for a store this
 * process holds: LevelDB's lock is a POSIX record lock, which a process drops on closing any of
 * its descriptors for the file, so a probe there would silently release dynalite's lock.
 */
const assertUnlocked = async (root: string): Promise<void> => {
  const location = join(root, DATABASE_FOLDER);
  const exists = await stat(location).then(
    () => true,
    () => false,
  );
  if (!exists) return;
  const Level = loadLevel();
  const probe = new Level(location);
  try {
    await probe.open({ createIfMissing: false });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    if (code === 'LEVEL_LOCKED') throw new StoreBusyError(root);
    const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new StoreOpenError(
      root,
      `its database in ${location} does not open (${reason}); empty the store to start over`,
    );
  }
  await probe.close();
};

/**
 * Empties a store folder for a fresh start, keeping the folder. A missing or empty folder is left
 * as it is. Refuses (NotAStoreError) a folder with files but no store marker, and (StoreBusyError)
 * a store another run has open.
 */
export const emptyStore = async (dir: string): Promise<void> => {
  const path = resolve(dir);
  let entries: string[];
  try {
    entries = await readdir(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new NotAStoreError(path, 'it is not a folder');
    throw error;
  }
  if (entries.length === 0) return;
  if (!entries.includes(STORE_MARKER)) throw new NotAStoreError(path, `it holds files but no ${STORE_MARKER}`);
  const root = await realpath(path);
  if (openStores.has(root)) throw new StoreBusyError(root);
  await assertUnlocked(root).catch((error: unknown) => {
    // A store whose database is damaged is exactly what emptying is for.
    if (!(error instanceof StoreOpenError)) throw error;
  });
  await Promise.all(entries.map((entry) => rm(join(root, entry), { recursive: true, force: true })));
};

/**
 * Creates each table in `defs` that does not exist yet (on-demand billing, indexes as defined) and
 * waits until all are ACTIVE. Tables that exist are left as they are. Returns the names created.
 * Time to live is not set: dynalite does not implement it, and in AWS the CDK stack sets it.
 */
export const ensureTables = async (client: DynamoDBClient, defs: readonly TableDefinition[]): Promise<string[]> => {
  const created: string[] = [];
  for (const def of defs) {
    const status = await tableStatus(client, def.localName);
    if (status !== undefined) continue;
    try {
      await client.send(new CreateTableCommand(createTableInput(def)));
      created.push(def.localName);
    } catch (error) {
      // Another caller created it between our look and our create.
      if ((error as Error).name !== 'ResourceInUseException') throw error;
    }
  }
  await Promise.all(defs.map((def) => waitUntilActive(client, def.localName)));
  return created;
};

const tableStatus = async (client: DynamoDBClient, tableName: string): Promise<TableStatus | undefined> => {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
};

const waitUntilActive = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 500)) {
    const status = await tableStatus(client, tableName);
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline) throw new TableNotActiveError(tableName, status ?? 'missing');
    await new Promise((done) => setTimeout(done, delay));
  }
};

/** The CreateTable request for a definition, under its local name. */
export const createTableInput = (def: TableDefinition): CreateTableCommandInput => {
  const keyOf = (partition: TableDefinition['partitionKey'], sort: TableDefinition['sortKey']) => [
    { AttributeName: partition.name, KeyType: 'HASH' as const },
    ...(sort === undefined ? [] : [{ AttributeName: sort.name, KeyType: 'RANGE' as const }]),
  ];
  const attributes = new Map<string, 'S' | 'N'>();
  for (const key of [def.partitionKey, def.sortKey, ...def.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    if (key !== undefined) attributes.set(key.name, key.type);
  }
  return {
    TableName: def.localName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keyOf(def.partitionKey, def.sortKey),
    ...(def.globalIndexes.length === 0
      ? {}
      : {
          GlobalSecondaryIndexes: def.globalIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: keyOf(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: index.projection ?? 'ALL' },
          })),
        }),
  };
};
