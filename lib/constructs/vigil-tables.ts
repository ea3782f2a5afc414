/**
 * Vigil's DynamoDB tables, built from the shared table definitions (`lambdas/adapters/tables.ts`)
 * that the adapters and the local store read too, so a key schema is never written twice.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { KeyAttribute, TableDefinition } from '../../lambdas/adapters/table-definition.ts';
import { ALL_TABLES, AUDIT_TABLE, STATE_TABLE } from '../../lambdas/adapters/tables.ts';

/** Props of VigilTables. */
export interface VigilTablesProps {
  /** Customer-managed key the tables are encrypted with. */
  readonly key: kms.IKey;
  /**
   * The definitions to build.
   * @default - every table Vigil keeps (`ALL_TABLES`)
   */
  readonly definitions?: readonly TableDefinition[];
}

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING,
});

/**
 * One on-demand table per definition, construct id = the definition's id: encrypted with the
 * customer-managed key, point-in-time recovery on, deletion protection on, kept when the stack is
 * deleted, TTL only where the definition names an expiry attribute.
 */
export class VigilTables extends Construct {
  /** Tables by definition id. */
  readonly tables: ReadonlyMap<string, dynamodb.TableV2>;

  constructor(scope: Construct, id: string, props: VigilTablesProps) {
    super(scope, id);
    const tables = new Map<string, dynamodb.TableV2>();
    for (const def of props.definitions ?? ALL_TABLES) {
      const table = new dynamodb.TableV2(this, def.id, {
        partitionKey: attribute(def.partitionKey),
        sortKey: def.sortKey ? attribute(def.sortKey) : undefined,
        billing: dynamodb.Billing.onDemand(),
        encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.key),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        timeToLiveAttribute: def.timeToLiveAttribute,
        globalSecondaryIndexes: def.globalIndexes.map((index) => ({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          projectionType:
            index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
        })),
      });
      tables.set(def.id, table);
    }
    this.tables = tables;
  }

  /** The state table: principal state, findings, processed log files. */
  get stateTable(): dynamodb.TableV2 {
    return this.table(STATE_TABLE.id);
  }

  /** The audit table. */
  get auditTable(): dynamodb.TableV2 {
    return this.table(AUDIT_TABLE.id);
  }

  private table(id: string): dynamodb.TableV2 {
    const table = this.tables.get(id);
    if (!table) throw new Error(`table ${id} was not built; expected it among the definitions`);
    return table;
  }
}
