/**
 * DynamoDB grants with explicit item actions on named tables and named
 * indexes only. CDK's grantReadWriteData would also work, but it reaches every
 * index through `table/index/*`; here each index is named, so a policy says
 * exactly what a principal can touch.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { TableDefinition } from '../../shared/adapters/dynamodb/tables';
import type { TableAccess, TableName } from '../catalogue';

export const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;

export const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

export interface TableRef {
  table: dynamodb.ITable;
  definition: TableDefinition;
}

export function tableStatements(
  tables: Record<TableName, TableRef>,
  access: Partial<Record<TableName, TableAccess>>,
): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  for (const [logical, level] of Object.entries(access) as [TableName, TableAccess][]) {
    const { table, definition } = tables[logical];
    const indexArns = definition.indexes.map((i) => `${table.tableArn}/index/${i.name}`);
    statements.push(
      new iam.PolicyStatement({
        sid: `${logical}${level === 'write' ? 'ReadWrite' : 'Read'}`,
        actions: level === 'write' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : [...READ_ACTIONS],
        resources: [table.tableArn],
      }),
    );
    if (indexArns.length > 0) {
      statements.push(new iam.PolicyStatement({ sid: `${logical}Indexes`, actions: ['dynamodb:Query', 'dynamodb:Scan'], resources: indexArns }));
    }
  }
  return statements;
}

/** The TABLE_* variables of shared/config.ts for the tables a principal may use. */
export function tableEnvironment(tables: Record<TableName, TableRef>, access: Partial<Record<TableName, TableAccess>>): Record<string, string> {
  const variable: Record<TableName, string> = {
    Pods: 'TABLE_PODS',
    Nodes: 'TABLE_NODES',
    PodHistory: 'TABLE_POD_HISTORY',
    ReplicationControllers: 'TABLE_REPLICATION_CONTROLLERS',
    ConfigObjects: 'TABLE_CONFIG_OBJECTS',
  };
  return Object.fromEntries((Object.keys(access) as TableName[]).map((logical) => [variable[logical], tables[logical].table.tableName]));
}
