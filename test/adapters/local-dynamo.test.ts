import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateTableCommand, DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoPrincipalStateStore } from '../../lambdas/adapters/dynamo-principal-state-store.ts';
import {
  emptyStore,
  ensureTables,
  NotAStoreError,
  StoreBusyError,
  StoreOpenError,
  startLocalDynamo,
} from '../../lambdas/adapters/local-dynamo.ts';
import { STATE_TABLE } from '../../lambdas/adapters/state-table.ts';
import type { TableDefinition } from '../../lambdas/adapters/table-definition.ts';
import { ALL_TABLES } from '../../lambdas/adapters/tables.ts';
import { realisticPrincipalState } from './realistic-state.ts';

const run = promisify(execFile);
const openStoreScript = fileURLToPath(new URL('./fixtures/open-store.ts', import.meta.url));

/** Opens `dir` from a second Node process and reports what it saw. */
const openFromAnotherProcess = async (dir: string): Promise<Record<string, unknown>> => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', openStoreScript, dir], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  return JSON.parse(stdout) as Record<string, unknown>;
};

const INDEXED: TableDefinition = {
  id: 'Indexed',
  localName: 'vigil-test-indexed',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'seq', type: 'N' },
  globalIndexes: [
    { indexName: 'byOwner', partitionKey: { name: 'owner', type: 'S' }, sortKey: { name: 'at', type: 'N' } },
    { indexName: 'byDay', partitionKey: { name: 'day', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
};

describe('ensureTables', () => {
  it('creates the missing tables with their keys and indexes, ACTIVE, and leaves them be on a second call', async () => {
    // Prepare
    const local = await startLocalDynamo({ dir: null });

    // Act
    const first = await ensureTables(local.client, [STATE_TABLE, INDEXED]);
    const second = await ensureTables(local.client, [STATE_TABLE, INDEXED]);
    const { Table: table } = await local.client.send(new DescribeTableCommand({ TableName: 'vigil-test-indexed' }));
    await local.close();

    // Assess
    expect(first).toEqual(['vigil-state', 'vigil-test-indexed']);
    expect(second).toEqual([]);
    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'seq', KeyType: 'RANGE' },
    ]);
    expect(
      table?.GlobalSecondaryIndexes?.map((index) => ({
        name: index.IndexName,
        keys: index.KeySchema?.map((key) => `${key.AttributeName}:${key.KeyType}`),
        projection: index.Projection?.ProjectionType,
        status: index.IndexStatus,
      })),
    ).toEqual([
      { name: 'byOwner', keys: ['owner:HASH', 'at:RANGE'], projection: 'ALL', status: 'ACTIVE' },
      { name: 'byDay', keys: ['day:HASH'], projection: 'KEYS_ONLY', status: 'ACTIVE' },
    ]);
  });

  it("creates every one of Vigil's tables", async () => {
    // Prepare
    const local = await startLocalDynamo({ dir: null });

    // Act
    const created = await ensureTables(local.client, ALL_TABLES);
    const { TableNames: names } = await local.client.send(new ListTablesCommand({}));
    await local.close();

    // Assess
    expect(created).toEqual(ALL_TABLES.map((def) => def.localName));
    expect(names?.sort()).toEqual(ALL_TABLES.map((def) => def.localName).sort());
  });

  it('leaves a table that exists as it is', async () => {
    // Prepare
    const local = await startLocalDynamo({ dir: null });
    await local.client.send(
      new CreateTableCommand({
        TableName: 'vigil-state',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );

    // Act
    const created = await ensureTables(local.client, [STATE_TABLE]);
    const { Table: table } = await local.client.send(new DescribeTableCommand({ TableName: 'vigil-state' }));
    await local.close();

    // Assess
    expect(created).toEqual([]);
    expect(table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
  });
});

describe('startLocalDynamo with a store folder', () => {
  let parent: string;
  let dir: string;
  beforeEach(async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'vigil-store-test-')));
    dir = join(parent, 'store');
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('creates the folder with a marker, and keeps state across close and reopen', async () => {
    // Prepare
    const state = realisticPrincipalState();
    const first = await startLocalDynamo({ dir });
    await ensureTables(first.client, [STATE_TABLE]);
    await new DynamoPrincipalStateStore(first.doc, STATE_TABLE.localName).put(state);
    await first.close();

    // Act
    const second = await startLocalDynamo({ dir });
    const created = await ensureTables(second.client, [STATE_TABLE]);
    const found = await new DynamoPrincipalStateStore(second.doc, STATE_TABLE.localName).getMany([state.key]);
    await second.close();

    // Assess
    expect(created).toEqual([]);
    expect(found.get(state.key)).toEqual({ ...realisticPrincipalState(), version: 1 });
    expect((await readdir(dir)).sort()).toEqual(['dynamodb', 'vigil-store.json']);
    expect(JSON.parse(await readFile(join(dir, 'vigil-store.json'), 'utf8'))).toMatchObject({ format: 1 });
  });

  it('refuses to open a store already open in this process, and the first stays usable', async () => {
    // Prepare
    const first = await startLocalDynamo({ dir });

    // Act
    const second = startLocalDynamo({ dir });

    // Assess
    await expect(second).rejects.toThrow(new StoreBusyError(dir));
    await expect(second).rejects.toThrow(
      `store ${dir} is in use by another Vigil run (its database lock ${dir}/dynamodb/LOCK is held); wait for that run to finish or use another store folder`,
    );
    expect(await ensureTables(first.client, [STATE_TABLE])).toEqual(['vigil-state']);
    expect(await openFromAnotherProcess(dir)).toMatchObject({ name: 'StoreBusyError' });
    await first.close();
  });

  it('tells another process the store is busy while open, and lets it in once closed', async () => {
    // Prepare
    const local = await startLocalDynamo({ dir });
    await ensureTables(local.client, [STATE_TABLE]);

    // Act
    const whileOpen = await openFromAnotherProcess(dir);
    await new DynamoPrincipalStateStore(local.doc, STATE_TABLE.localName).put(realisticPrincipalState());
    await local.close();
    const afterClose = await openFromAnotherProcess(dir);

    // Assess
    expect(whileOpen).toEqual({
      name: 'StoreBusyError',
      message: `store ${dir} is in use by another Vigil run (its database lock ${dir}/dynamodb/LOCK is held); wait for that run to finish or use another store folder`,
    });
    expect(afterClose).toEqual({ opened: true });
  });

  it('refuses a folder that holds other files, and writes nothing into it', async () => {
    // Prepare
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');

    // Act
    const opening = startLocalDynamo({ dir });

    // Assess
    await expect(opening).rejects.toThrow(new NotAStoreError(dir, 'it holds files but no vigil-store.json'));
    await expect(opening).rejects.toThrow(
      `${dir} is not a Vigil store: it holds files but no vigil-store.json; expected an empty folder or one holding vigil-store.json`,
    );
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('refuses a store written by a newer Vigil', async () => {
    // Prepare
    await mkdir(dir);
    await writeFile(join(dir, 'vigil-store.json'), '{"format": 2}');

    // Act
    const opening = startLocalDynamo({ dir });

    // Assess
    await expect(opening).rejects.toThrow(
      new StoreOpenError(dir, 'it has format 2, written by a newer Vigil; this one reads format 1'),
    );
  });

  it('closes once however often close is called', async () => {
    // Prepare
    const local = await startLocalDynamo({ dir });

    // Act
    await Promise.all([local.close(), local.close()]);
    await local.close();
    const again = await startLocalDynamo({ dir });
    await again.close();

    // Assess
    expect(await readdir(dir)).toContain('vigil-store.json');
  });
});

describe('emptyStore', () => {
  let parent: string;
  let dir: string;
  beforeEach(async () => {
    parent = await realpath(await mkdtemp(join(tmpdir(), 'vigil-store-test-')));
    dir = join(parent, 'store');
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('empties a store so it reopens with no tables and no state', async () => {
    // Prepare
    const local = await startLocalDynamo({ dir });
    await ensureTables(local.client, [STATE_TABLE]);
    await new DynamoPrincipalStateStore(local.doc, STATE_TABLE.localName).put(realisticPrincipalState());
    await local.close();

    // Act
    await emptyStore(dir);
    const entriesAfterEmpty = await readdir(dir);
    const fresh = await startLocalDynamo({ dir });
    const { TableNames: tables } = await fresh.client.send(new ListTablesCommand({}));
    await fresh.close();

    // Assess
    expect(entriesAfterEmpty).toEqual([]);
    expect(tables).toEqual([]);
  });

  it('does nothing to a folder that does not exist or is empty', async () => {
    // Act
    await emptyStore(dir);
    await mkdir(dir);
    await emptyStore(dir);

    // Assess
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a folder with files but no marker, and deletes nothing', async () => {
    // Prepare
    await mkdir(dir);
    await writeFile(join(dir, 'thesis.tex'), 'years of work');

    // Act
    const emptying = emptyStore(dir);

    // Assess
    await expect(emptying).rejects.toThrow(new NotAStoreError(dir, 'it holds files but no vigil-store.json'));
    expect(await readdir(dir)).toEqual(['thesis.tex']);
  });

  it('refuses a store that is open, and deletes nothing', async () => {
    // Prepare
    const local = await startLocalDynamo({ dir });

    // Act
    const emptying = emptyStore(dir);

    // Assess
    await expect(emptying).rejects.toThrow(new StoreBusyError(dir));
    expect((await readdir(dir)).sort()).toEqual(['dynamodb', 'vigil-store.json']);
    await local.close();
  });
});
