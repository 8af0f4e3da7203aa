/**
 * The projections: one DynamoDB table per definition in
 * shared/adapters/dynamodb/tables.ts, with the same keys, indexes and TTL the
 * local store uses. On-demand billing (nothing to pay at rest but storage),
 * point-in-time recovery always on; deletion protection and retention follow
 * one setting, so a protected table is also kept when its stack is deleted.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLES } from '../../shared/adapters/dynamodb/tables';
import type { TableName } from '../catalogue';
import type { TableRef } from '../constructs/table-access';

export interface StateStackProps extends StackProps {
  deletionProtection: boolean;
}

const attribute = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

export class StateStack extends Stack {
  readonly tables: Record<TableName, TableRef>;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id, props);
    const tables: Partial<Record<TableName, TableRef>> = {};
    for (const definition of Object.values(TABLES)) {
      const table = new dynamodb.Table(this, definition.logical, {
        partitionKey: attribute(definition.partitionKey),
        sortKey: definition.sortKey ? attribute(definition.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: props.deletionProtection,
        removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        timeToLiveAttribute: definition.ttlAttribute,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
      });
      for (const index of definition.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      tables[definition.logical] = { table, definition };
    }
    this.tables = tables as Record<TableName, TableRef>;
  }
}
