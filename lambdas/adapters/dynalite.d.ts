/** Types for dynalite 4, which ships none: the parts the local store uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** Options of dynalite(); see node_modules/dynalite/index.js. */
  interface DynaliteOptions {
    /** LevelDB folder; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
    verbose?: boolean;
    debug?: boolean;
  }

  /** A DynamoDB-compatible HTTP server; close() also closes its LevelDB store. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
