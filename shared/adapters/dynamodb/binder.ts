/**
 * The bind as one DynamoDB transaction: add the pod's requests to the node's
 * allocation (conditional on allocatable and on the uid holding no reservation)
 * and write the bound pod (conditional on its version). Both or neither, so a
 * node never holds a reservation for a pod that is not bound to it, and racing
 * schedulers can never overcommit a node (invariant 3). The same update claims
 * the pod's hostPorts on the node, so racing schedulers never put two pods on
 * one port either: a refusal that another pod's claim explains is 'ports-taken'.
 */
import { TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { BindOutcome, Binder, PodRecord, Resources } from '../../ports';
import { conflictingClaims } from '../../scheduling/host-port-claims';
import { hostPortsOf, type HostPortUse } from '../../scheduling/plugins/node-ports';
import { mapDynamoError } from './client';
import { DynamoNodeStore, reservationUpdate } from './node-store';
import { toItem } from './pod-store';

interface CancellationReason {
  Code?: string;
}

export class DynamoBinder implements Binder {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { Pods: string; Nodes: string },
  ) {}

  async bind(nodeName: string, record: PodRecord, expectedVersion: number, request: Resources, allocatable: Resources): Promise<BindOutcome> {
    const hostPorts = hostPortsOf(record.pod);
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Update: reservationUpdate(this.tables.Nodes, nodeName, record.uid, request, allocatable, hostPorts) },
            {
              Put: {
                TableName: this.tables.Pods,
                Item: marshall(toItem(record), { removeUndefinedValues: true }),
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: marshall({ ':v': expectedVersion }),
              },
            },
          ],
        }),
      );
      return 'bound';
    } catch (err) {
      const reasons = (err as { name?: string; CancellationReasons?: CancellationReason[] }).CancellationReasons;
      if ((err as { name?: string }).name !== 'TransactionCanceledException' || !reasons) return mapDynamoError(err, `binding ${record.namespace}/${record.name} to ${nodeName}`);
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'pod-changed';
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return this.refusal(nodeName, record.uid, hostPorts);
      // TransactionConflict (another transaction on the same items) and the like: retryable.
      return mapDynamoError(err, `binding ${record.namespace}/${record.name} to ${nodeName} (${reasons.map((r) => r.Code).join(', ')})`);
    }
  }

  /** Why the node's update was refused: another pod's overlapping hostPort claim, else resources (or the node). */
  private async refusal(nodeName: string, uid: string, hostPorts: readonly HostPortUse[]): Promise<BindOutcome> {
    if (hostPorts.length === 0) return 'insufficient';
    const node = await new DynamoNodeStore(this.client, this.tables.Nodes).get(nodeName);
    return node && conflictingClaims(hostPorts, node.hostPorts ?? {}, uid).length > 0 ? 'ports-taken' : 'insufficient';
  }
}
