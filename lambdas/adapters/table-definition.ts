/**
 * The shape of a table definition. Each table's key schema and indexes are written once, as a
 * `TableDefinition`, and read by the CDK stacks, the DynamoDB adapters and the local store alike.
 */

/** A key attribute. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** A global secondary index. */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** @default 'ALL' */
  readonly projection?: 'ALL' | 'KEYS_ONLY';
}

/** One DynamoDB table. */
export interface TableDefinition {
  /** Id used for the CDK construct and the environment variable (`<ID>_TABLE_NAME`). */
  readonly id: string;
  /** Table name in the local store. In AWS, CloudFormation names the table. */
  readonly localName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly IndexDefinition[];
  /** Attribute holding an expiry (epoch seconds) on transient items only. @default - no TTL */
  readonly timeToLiveAttribute?: string;
}
