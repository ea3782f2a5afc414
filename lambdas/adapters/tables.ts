/**
 * Every table Vigil keeps, in one list: the CDK stacks create them in AWS and `ensureTables`
 * creates them in the local store, from the same definitions.
 */
import { AUDIT_TABLE } from './audit-table.ts';
import { STATE_TABLE } from './state-table.ts';
import type { TableDefinition } from './table-definition.ts';

export { AUDIT_TABLE, STATE_TABLE };

/** All of Vigil's tables. */
export const ALL_TABLES: readonly TableDefinition[] = [STATE_TABLE, AUDIT_TABLE];
