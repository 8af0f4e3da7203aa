/**
 * Pure folds from the log to the projections' records: the Pods table is the
 * latest change of each pod (pod-changes), PodHistory every entry ever
 * recorded (pod-history), Nodes the latest heartbeat of each node plus the
 * requests of the pods bound to it and the hostPort claims of those not ended, ReplicationControllers the RC decider
 * replayed over rc-events with each command's own time, ConfigObjects the
 * config decider replayed over config-events.
 */
import { configEvent, nodeHeartbeatEvent, nodeSpecEvent, podChangeEvent, podHistoryEvent, rcEvent, type NodeHeartbeat, type NodeSpecUpdated } from '../events';
import { commandTarget, decideConfigCommand } from '../config-objects/decider';
import type { ConfigObjectRecord } from '../config-objects/record';
import { podRequest } from '../node/resources';
import type { HistoryEntry, PodRecord, Resources } from '../ports';
import { decideRcCommand } from '../rc/decider';
import type { RcRecord } from '../rc/record';
import { hostPortsHeld, type HostPortUse } from '../scheduling/plugins/node-ports';
import type { z } from 'zod';
import type { TopicRecord } from './read-topic';

/** The valid events of a topic, as they were written (zod checks them; its output would reorder keys). */
function parsed<T extends z.ZodTypeAny>(schema: T, records: readonly TopicRecord[]): z.infer<T>[] {
  const out: z.infer<T>[] = [];
  for (const r of records) {
    if (!r.value) continue;
    try {
      const raw: unknown = JSON.parse(r.value);
      if (schema.safeParse(raw).success) out.push(raw as z.infer<T>);
    } catch {
      // not JSON: the handlers dead-lettered it; it changed no projection
    }
  }
  return out;
}

export function foldPods(records: readonly TopicRecord[]): PodRecord[] {
  const pods = new Map<string, PodRecord>();
  for (const event of parsed(podChangeEvent, records)) {
    if (event.type !== 'PodChanged') continue;
    const { change, pod } = event.data;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const version = (pods.get(key)?.version ?? 0) + 1;
    const record: PodRecord = { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, version, pod, deleted: change === 'DELETED' };
    if (pod.spec.nodeName) record.nodeName = pod.spec.nodeName;
    pods.set(key, record);
  }
  return [...pods.values()];
}

export function foldHistory(records: readonly TopicRecord[]): HistoryEntry[] {
  const entries = new Map<string, HistoryEntry>();
  for (const event of parsed(podHistoryEvent, records)) for (const e of event.data.entries) entries.set(`${e.eventId}#${e.index}`, e);
  return [...entries.values()];
}

export interface RebuiltNode {
  heartbeat: NodeHeartbeat;
  reservations: Record<string, Resources>;
  /** The hostPorts each of those pods claims, for the pods that claim any. */
  hostPorts: Record<string, HostPortUse[]>;
}

export function foldNodes(records: readonly TopicRecord[], pods: readonly PodRecord[]): RebuiltNode[] {
  const latest = new Map<string, NodeHeartbeat>();
  for (const event of parsed(nodeHeartbeatEvent, records)) latest.set(event.data.node.name, event);
  return [...latest.values()].map((heartbeat) => {
    const bound = pods.filter((p) => !p.deleted && p.nodeName === heartbeat.data.node.name);
    return {
      heartbeat,
      reservations: Object.fromEntries(bound.map((p) => [p.uid, podRequest(p.pod.spec)])),
      // A pod that ended gave its claims back (status-projection), though its requests stay reserved.
      hostPorts: Object.fromEntries(
        bound.map((p): [string, HostPortUse[]] => [p.uid, hostPortsHeld(p.pod)]).filter(([, uses]) => uses.length > 0),
      ),
    };
  });
}

/** The latest NodeSpecUpdated of each node, by publish time as node-lifecycle records them (its taints). */
export function foldNodeSpecs(records: readonly TopicRecord[]): Map<string, NodeSpecUpdated> {
  const latest = new Map<string, NodeSpecUpdated>();
  for (const event of parsed(nodeSpecEvent, records)) {
    const held = latest.get(event.data.name);
    if (!held || Date.parse(held.time) <= Date.parse(event.time)) latest.set(event.data.name, event);
  }
  return latest;
}

export function foldRcs(records: readonly TopicRecord[]): RcRecord[] {
  const rcs = new Map<string, RcRecord>();
  let rv = 0;
  for (const cmd of parsed(rcEvent, records)) {
    const key = cmd.type === 'ReplicationControllerCreateRequested' ? `${cmd.data.rc.metadata.namespace ?? 'default'}/${cmd.data.rc.metadata.name}` : `${cmd.data.namespace}/${cmd.data.name}`;
    const decision = decideRcCommand(rcs.get(key) ?? null, cmd, { now: new Date(cmd.time), nextResourceVersion: () => String(++rv) });
    if (decision.kind === 'write') rcs.set(key, decision.record);
  }
  return [...rcs.values()];
}

/** ConfigMaps and Secrets: the config decider replayed over config-events with each command's own time. */
export function foldConfigObjects(records: readonly TopicRecord[]): ConfigObjectRecord[] {
  const objects = new Map<string, ConfigObjectRecord>();
  let rv = 0;
  for (const cmd of parsed(configEvent, records)) {
    const ref = commandTarget(cmd);
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    const decision = decideConfigCommand(objects.get(key) ?? null, cmd, { now: new Date(cmd.time), nextResourceVersion: () => String(++rv) });
    if (decision.kind === 'write') objects.set(key, decision.record);
  }
  return [...objects.values()];
}
