/** An in-memory dynalite with the state table, as the DynamoDB adapter tests use it. */
import { ensureTables, type LocalDynamo, startLocalDynamo } from '../../lambdas/adapters/local-dynamo.ts';
import { STATE_TABLE } from '../../lambdas/adapters/state-table.ts';

/** The state table's name in the local store. */
export const STATE = STATE_TABLE.localName;

/** Starts an in-memory dynalite and creates the state table in it. */
export const openStateTable = async (): Promise<LocalDynamo> => {
  const local = await startLocalDynamo({ dir: null });
  await ensureTables(local.client, [STATE_TABLE]);
  return local;
};
