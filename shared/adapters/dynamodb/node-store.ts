/**
 * The Nodes table. A bind reserves the pod's requests with one conditional
 * update that adds to the node's allocation only while the sum stays within
 * allocatable and the uid holds no reservation yet: racing schedulers can never
 * overcommit a node (invariant 3), and a replayed bind reserves nothing twice.
 */
import { TransactWriteItemsCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { NodeDescription } from '../../events/node-heartbeats';
import { ConflictError } from '../../errors';
import { nodeAllocatable } from '../../node/resources';
import type { NodeTaint } from '../../node/taints';
import type { NodeReady, NodeRecord, NodeStore, PodCidrOutcome, ReserveOutcome, Resources } from '../../ports';
import { decodeClaim, encodeClaim } from '../../scheduling/host-port-claims';
import type { HostPortUse } from '../../scheduling/plugins/node-ports';
import { getItem, isConditionFailure, mapDynamoError, readAll } from './client';
import { claimParts, releaseParts } from './host-port-claims';

interface NodeItem {
  name: string;
  node: string;
  bootId: string;
  lastHeartbeat: number;
  agentReady: boolean;
  ready: NodeReady;
  readyTransition: number;
  capCpu: number;
  capMem: number;
  capPods: number;
  allocCpu: number;
  allocMem: number;
  allocPods: number;
  /** Per uid; `hostPorts` (encoded claims) only for a pod that holds any. */
  reservations: Record<string, Resources & { hostPorts?: string[] }>;
  podCIDR?: string;
  podCIDRError?: string;
  /** JSON of spec.taints, and the publish time of the NodeSpecUpdated that set them. */
  taints?: string;
  taintsAt?: number;
  version: number;
}

function fromItem(raw: Record<string, unknown>): NodeRecord {
  const item = raw as unknown as NodeItem;
  const reservations: Record<string, Resources> = {};
  const hostPorts: Record<string, HostPortUse[]> = {};
  for (const [uid, r] of Object.entries(item.reservations ?? {})) {
    reservations[uid] = { cpu: Number(r.cpu), memory: Number(r.memory), pods: Number(r.pods) };
    const claims = (r.hostPorts ?? []).flatMap((c) => decodeClaim(c) ?? []);
    if (claims.length > 0) hostPorts[uid] = claims;
  }
  return {
    name: item.name,
    node: JSON.parse(item.node),
    bootId: item.bootId,
    lastHeartbeat: Number(item.lastHeartbeat),
    agentReady: Boolean(item.agentReady),
    ready: item.ready,
    readyTransition: Number(item.readyTransition),
    allocatable: { cpu: Number(item.capCpu), memory: Number(item.capMem), pods: Number(item.capPods) },
    allocated: { cpu: Number(item.allocCpu ?? 0), memory: Number(item.allocMem ?? 0), pods: Number(item.allocPods ?? 0) },
    reservations,
    ...(Object.keys(hostPorts).length > 0 ? { hostPorts } : {}),
    ...(item.podCIDR ? { podCIDR: item.podCIDR } : item.podCIDRError ? { podCIDRError: item.podCIDRError } : {}),
    ...(item.taints ? { taints: JSON.parse(item.taints) } : {}),
    version: Number(item.version),
  };
}

/**
 * The reservation as a conditional update of the node's item: add `request` to
 * the allocation only while the node exists, the uid holds no reservation and
 * the sum stays within `allocatable`, and claims `hostPorts` only while no other
 * pod holds an overlapping one (./host-port-claims.ts). `reserve` sends it
 * alone; the bind sends it in a transaction with the pod's write.
 */
export function reservationUpdate(table: string, nodeName: string, uid: string, request: Resources, allocatable: Resources, hostPorts: readonly HostPortUse[] = []) {
  const claims = claimParts(hostPorts);
  const reservation = hostPorts.length > 0 ? { ...request, hostPorts: hostPorts.map(encodeClaim) } : request;
  return {
    TableName: table,
    Key: marshall({ name: nodeName }),
    UpdateExpression:
      'SET allocCpu = allocCpu + :c, allocMem = allocMem + :m, allocPods = allocPods + :p, reservations.#uid = :r' + (claims.setActions.length ? ` ADD ${claims.setActions.join(', ')}` : ''),
    ConditionExpression: ['attribute_exists(#n) AND attribute_not_exists(reservations.#uid) AND allocCpu <= :cmax AND allocMem <= :mmax AND allocPods <= :pmax', ...claims.conditions].join(' AND '),
    ExpressionAttributeNames: { '#n': 'name', '#uid': uid, ...claims.names },
    ExpressionAttributeValues: marshall({
      ...claims.values,
      ':c': request.cpu,
      ':m': request.memory,
      ':p': request.pods,
      ':r': reservation,
      ':cmax': allocatable.cpu - request.cpu,
      ':mmax': allocatable.memory - request.memory,
      ':pmax': allocatable.pods - request.pods,
    }),
  };
}

/**
 * A pod range's claim: an item of its own in the Nodes table, keyed by a name no
 * node can have (node names are DNS subdomains, without ':'), so a conditional
 * put on it makes the range unique across nodes.
 */
const POD_CIDR_CLAIM = 'podcidr:';

export class DynamoNodeStore implements NodeStore {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  async get(name: string): Promise<NodeRecord | null> {
    const item = await getItem(this.client, this.table, { name }, `node ${name}`);
    return item ? fromItem(item) : null;
  }

  async list(): Promise<NodeRecord[]> {
    const nodes = (await readAll(this.client, this.table, 'listing nodes')).filter((item) => !String(item.name).startsWith(POD_CIDR_CLAIM)).map(fromItem);
    return nodes.sort((a, b) => a.name.localeCompare(b.name));
  }

  async recordHeartbeat(node: NodeDescription, bootId: string, agentReady: boolean, at: number): Promise<NodeRecord> {
    const allocatable = nodeAllocatable(node);
    const ready: NodeReady = agentReady ? 'True' : 'False';
    // The common case in one write: a known node whose Ready condition does not change, and a
    // heartbeat not older than the stored one of the same boot (a replay must not revive a node).
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall({ name: node.name }),
          UpdateExpression: 'SET #node = :node, bootId = :boot, lastHeartbeat = :hb, agentReady = :ar, capCpu = :cc, capMem = :cm, capPods = :cp, version = version + :one',
          ConditionExpression: 'attribute_exists(#n) AND ready = :ready AND (lastHeartbeat <= :hb OR bootId <> :boot)',
          ExpressionAttributeNames: { '#node': 'node', '#n': 'name' },
          ExpressionAttributeValues: marshall({
            ':node': JSON.stringify(node),
            ':boot': bootId,
            ':hb': at,
            ':ar': agentReady,
            ':ready': ready,
            ':cc': allocatable.cpu,
            ':cm': allocatable.memory,
            ':cp': allocatable.pods,
            ':one': 1,
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(unmarshall(out.Attributes!));
    } catch (err) {
      if (!isConditionFailure(err)) mapDynamoError(err, `recording heartbeat of ${node.name}`);
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(node.name);
      if (current && current.lastHeartbeat > at && current.bootId === bootId) return current; // a replayed, older heartbeat
      const changed = !current || current.ready !== ready;
      const values: Record<string, unknown> = {
        ':node': JSON.stringify(node),
        ':boot': bootId,
        ':hb': at,
        ':ar': agentReady,
        ':ready': ready,
        ':rt': changed ? at : current!.readyTransition,
        ':cc': allocatable.cpu,
        ':cm': allocatable.memory,
        ':cp': allocatable.pods,
        ':zero': 0,
        ':empty': {},
        ':one': 1,
      };
      if (current) values[':v'] = current.version;
      try {
        const out = await this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: marshall({ name: node.name }),
            UpdateExpression:
              'SET #node = :node, bootId = :boot, lastHeartbeat = :hb, agentReady = :ar, ready = :ready, readyTransition = :rt, ' +
              'capCpu = :cc, capMem = :cm, capPods = :cp, allocCpu = if_not_exists(allocCpu, :zero), allocMem = if_not_exists(allocMem, :zero), ' +
              'allocPods = if_not_exists(allocPods, :zero), reservations = if_not_exists(reservations, :empty), version = if_not_exists(version, :zero) + :one',
            ConditionExpression: current ? 'version = :v' : 'attribute_not_exists(#n)',
            ExpressionAttributeNames: current ? { '#node': 'node' } : { '#node': 'node', '#n': 'name' },
            ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return fromItem(unmarshall(out.Attributes!));
      } catch (err) {
        if (isConditionFailure(err)) continue;
        mapDynamoError(err, `recording heartbeat of ${node.name}`);
      }
    }
    throw new ConflictError(`heartbeat of ${node.name} kept racing another writer`);
  }

  async reserve(nodeName: string, uid: string, request: Resources, known?: NodeRecord, hostPorts: readonly HostPortUse[] = []): Promise<ReserveOutcome> {
    const node = known ?? (await this.get(nodeName));
    if (!node) return 'no-such-node';
    if (node.reservations[uid]) return 'already-reserved';
    try {
      await this.client.send(new UpdateItemCommand(reservationUpdate(this.table, nodeName, uid, request, node.allocatable, hostPorts)));
      return 'reserved';
    } catch (err) {
      if (!isConditionFailure(err)) mapDynamoError(err, `reserving on ${nodeName}`);
      const now = await this.get(nodeName);
      if (!now) return 'no-such-node';
      return now.reservations[uid] ? 'already-reserved' : 'insufficient';
    }
  }

  async release(nodeName: string, uid: string, only?: 'hostPorts'): Promise<void> {
    const node = await this.get(nodeName);
    const reservation = node?.reservations[uid];
    if (!reservation) return;
    if (only === 'hostPorts') return this.releaseHostPorts(nodeName, uid, node?.hostPorts?.[uid] ?? []);
    // The claims go with the reservation, in the write conditional on it: only their holder frees them, once.
    const claims = releaseParts(node?.hostPorts?.[uid] ?? []);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall({ name: nodeName }),
          UpdateExpression:
            'SET allocCpu = allocCpu - :c, allocMem = allocMem - :m, allocPods = allocPods - :p REMOVE reservations.#uid' + (claims.setActions.length ? ` DELETE ${claims.setActions.join(', ')}` : ''),
          ConditionExpression: 'attribute_exists(reservations.#uid)',
          ExpressionAttributeNames: { '#uid': uid, ...claims.names },
          ExpressionAttributeValues: marshall({ ...claims.values, ':c': reservation.cpu, ':m': reservation.memory, ':p': reservation.pods }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) mapDynamoError(err, `releasing ${uid} on ${nodeName}`);
    }
  }

  /** The claims alone, conditional on the reservation still listing them: once, and only by their holder. */
  private async releaseHostPorts(nodeName: string, uid: string, held: readonly HostPortUse[]): Promise<void> {
    if (held.length === 0) return;
    const claims = releaseParts(held);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall({ name: nodeName }),
          UpdateExpression: `REMOVE reservations.#uid.hostPorts DELETE ${claims.setActions.join(', ')}`,
          ConditionExpression: 'attribute_exists(reservations.#uid.hostPorts)',
          ExpressionAttributeNames: { '#uid': uid, ...claims.names },
          ExpressionAttributeValues: marshall(claims.values),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) mapDynamoError(err, `releasing the hostPorts of ${uid} on ${nodeName}`);
    }
  }

  async assignPodCidr(nodeName: string, cidr: string): Promise<PodCidrOutcome> {
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: marshall({ name: `${POD_CIDR_CLAIM}${cidr}`, node: nodeName }),
                ConditionExpression: 'attribute_not_exists(#n)',
                ExpressionAttributeNames: { '#n': 'name' },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: marshall({ name: nodeName }),
                UpdateExpression: 'SET podCIDR = :c, version = version + :one REMOVE podCIDRError',
                ConditionExpression: 'attribute_exists(#n) AND attribute_not_exists(podCIDR)',
                ExpressionAttributeNames: { '#n': 'name' },
                ExpressionAttributeValues: marshall({ ':c': cidr, ':one': 1 }),
              },
            },
          ],
        }),
      );
      return 'assigned';
    } catch (err) {
      if (!isConditionFailure(err)) mapDynamoError(err, `assigning pod CIDR ${cidr} to ${nodeName}`);
      const node = await this.get(nodeName);
      if (!node) return 'no-such-node';
      return node.podCIDR ? 'already-assigned' : 'range-taken';
    }
  }

  async notePodCidrShortage(nodeName: string, message: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall({ name: nodeName }),
          UpdateExpression: 'SET podCIDRError = :m, version = version + :one',
          ConditionExpression: 'attribute_exists(#n) AND attribute_not_exists(podCIDR) AND (attribute_not_exists(podCIDRError) OR podCIDRError <> :m)',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: marshall({ ':m': message, ':one': 1 }),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) mapDynamoError(err, `recording the pod CIDR shortage of ${nodeName}`);
    }
  }

  async setReady(nodeName: string, ready: NodeReady, at: number, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall({ name: nodeName }),
          UpdateExpression: 'SET ready = :r, readyTransition = :t, version = version + :one',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: marshall({ ':r': ready, ':t': at, ':one': 1, ':v': expectedVersion }),
        }),
      );
    } catch (err) {
      mapDynamoError(err, `setting ${nodeName} Ready=${ready}`);
    }
  }

  /** Taints live beside what heartbeats write, so neither overwrites the other; the newest publish time wins. */
  async setTaints(nodeName: string, taints: readonly NodeTaint[], at: number): Promise<'set' | 'stale' | 'no-such-node'> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall({ name: nodeName }),
          UpdateExpression: 'SET taints = :t, taintsAt = :at, version = version + :one',
          ConditionExpression: 'attribute_exists(#n) AND (attribute_not_exists(taintsAt) OR taintsAt <= :at)',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: marshall({ ':t': JSON.stringify(taints), ':at': at, ':one': 1 }),
        }),
      );
      return 'set';
    } catch (err) {
      if (!isConditionFailure(err)) mapDynamoError(err, `setting the taints of ${nodeName}`);
      return (await this.get(nodeName)) ? 'stale' : 'no-such-node';
    }
  }
}
