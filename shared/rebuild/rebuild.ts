/**
 * `npm run rebuild`: replays the log into fresh tables, compares them with the
 * live projections and reports what matched and what differed; with `replace`
 * the rebuilt items become the live tables' content. The comparison covers
 * what the log determines: pods (uid, node, the whole object), every history
 * entry, nodes (boot, description, taints, allocation, reservations and hostPort claims) and
 * ReplicationControllers (uid, spec, deletion). Heartbeat times, Ready
 * conditions and an RC's in-flight bookkeeping are not compared: the
 * level-triggered sweeps recompute them from the rest on their next pass.
 */
import { BatchWriteItemCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Kafka } from 'kafkajs';
import { ensureTables } from '../adapters/dynamodb/bootstrap';
import { readAll } from '../adapters/dynamodb/client';
import { DynamoHistoryStore } from '../adapters/dynamodb/history-store';
import { DynamoNodeStore } from '../adapters/dynamodb/node-store';
import { DynamoPodStore } from '../adapters/dynamodb/pod-store';
import { DynamoRcStore } from '../adapters/dynamodb/rc-store';
import { DynamoConfigObjectStore } from '../adapters/dynamodb/config-object-store';
import { TABLES, type TableNames } from '../adapters/dynamodb/tables';
import { TOPICS } from '../events';
import { foldConfigObjects, foldHistory, foldNodes, foldNodeSpecs, foldPods, foldRcs } from './fold';
import { readTopic } from './read-topic';
import { firstDifference } from '../kube/json-diff';

export interface SectionReport {
  table: keyof TableNames;
  matched: number;
  /** Keys whose content differs, present on both sides. */
  differed: string[];
  /** Live only. */
  missing: string[];
  /** Rebuilt only. */
  extra: string[];
}

export interface RebuildReport {
  sections: SectionReport[];
  identical: boolean;
  replaced: boolean;
  records: Record<string, number>;
}

type Snapshot = Map<string, string>;

/** JSON with object keys sorted, so equal values compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** One comparable string per key, per table, read through the same stores the handlers use. */
async function snapshot(client: DynamoDBClient, tables: TableNames): Promise<Record<keyof TableNames, Snapshot>> {
  const pods = await new DynamoPodStore(client, tables.Pods).list();
  const nodes = await new DynamoNodeStore(client, tables.Nodes).list();
  const rcs = await new DynamoRcStore(client, tables.ReplicationControllers).list();
  const configStore = new DynamoConfigObjectStore(client, tables.ConfigObjects);
  const configs = [...(await configStore.list('ConfigMap')), ...(await configStore.list('Secret'))];
  const history = await readAll(client, tables.PodHistory, 'reading pod history');
  return {
    Pods: new Map(pods.map((p) => [`${p.namespace}/${p.name}`, canonical({ uid: p.uid, nodeName: p.nodeName ?? null, pod: p.pod })])),
    Nodes: new Map(
      nodes.map((n) => [n.name, canonical({ bootId: n.bootId, node: n.node, allocated: n.allocated, reservations: Object.keys(n.reservations).sort(), hostPorts: n.hostPorts ?? {}, taints: n.taints ?? [] })]),
    ),
    ReplicationControllers: new Map(rcs.map((r) => [`${r.namespace}/${r.name}`, canonical({ uid: r.uid, deleted: r.deleted, spec: r.rc.spec })])),
    ConfigObjects: new Map(
      configs.map((c) => [`${c.kind}/${c.namespace}/${c.name}`, canonical({ uid: c.uid, deleted: c.deleted, labels: c.object.metadata.labels ?? {}, data: c.object.data ?? {}, binaryData: c.object.binaryData ?? {}, type: c.object.type ?? null, immutable: c.object.immutable ?? false })]),
    ),
    PodHistory: new Map(
      history.map((h) => [`${String(h.pod)} ${String(h.seq)}`, canonical({ uid: h.uid, type: h.type, reason: h.reason, message: h.message, source: h.source })]),
    ),
  };
}

function compare(table: keyof TableNames, live: Snapshot, rebuilt: Snapshot): SectionReport {
  const report: SectionReport = { table, matched: 0, differed: [], missing: [], extra: [] };
  for (const [key, value] of live) {
    const other = rebuilt.get(key);
    if (other === undefined) report.missing.push(key);
    else if (other === value) report.matched++;
    else report.differed.push(`${key} (${firstDifference(JSON.parse(value), JSON.parse(other), { intoLists: true })})`);
  }
  for (const key of rebuilt.keys()) if (!live.has(key)) report.extra.push(key);
  return report;
}

/** Makes `to` hold exactly the items of `from` (the rebuilt table swapped in). */
async function replaceItems(client: DynamoDBClient, from: string, to: string, keyOf: (item: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const old = await readAll(client, to, `reading ${to}`);
  const fresh = await readAll(client, from, `reading ${from}`);
  const requests = [
    ...old.map((item) => ({ DeleteRequest: { Key: marshall(keyOf(item)) } })),
    ...fresh.map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) } })),
  ];
  // Deletes first, then puts: a key present on both sides ends up with the rebuilt item.
  for (let i = 0; i < requests.length; i += 25) {
    let pending: typeof requests | undefined = requests.slice(i, i + 25);
    for (let attempt = 0; pending && pending.length > 0 && attempt < 10; attempt++) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [to]: pending } }));
      pending = out.UnprocessedItems?.[to] as typeof requests | undefined;
    }
  }
}

export async function rebuildProjections(o: { kafka: Kafka; client: DynamoDBClient; live: TableNames; replace?: boolean; keep?: boolean }): Promise<RebuildReport> {
  const [changes, history, heartbeats, rcEvents, configEvents, nodeEvents] = await Promise.all(
    [TOPICS.podChanges, TOPICS.podHistory, TOPICS.nodeHeartbeats, TOPICS.rcEvents, TOPICS.configEvents, TOPICS.nodeEvents].map((t) => readTopic(o.kafka, t)),
  );
  const stamp = `rebuild-${Date.now().toString(36)}-`;
  const fresh: TableNames = { Pods: `${stamp}Pods`, Nodes: `${stamp}Nodes`, PodHistory: `${stamp}PodHistory`, ReplicationControllers: `${stamp}ReplicationControllers`, ConfigObjects: `${stamp}ConfigObjects` };
  await ensureTables(o.client, fresh);
  try {
    const pods = foldPods(changes);
    const podStore = new DynamoPodStore(o.client, fresh.Pods);
    for (const p of pods) await podStore.put(p, null);
    await new DynamoHistoryStore(o.client, fresh.PodHistory).append(foldHistory(history));
    const nodeStore = new DynamoNodeStore(o.client, fresh.Nodes);
    const specs = foldNodeSpecs(nodeEvents);
    for (const { heartbeat, reservations, hostPorts } of foldNodes(heartbeats, pods)) {
      const { node, bootId, ready } = heartbeat.data;
      await nodeStore.recordHeartbeat(node, bootId, ready, Date.parse(heartbeat.time));
      const spec = specs.get(node.name);
      if (spec) await nodeStore.setTaints(node.name, spec.data.spec.taints, Date.parse(spec.time));
      for (const [uid, request] of Object.entries(reservations)) await nodeStore.reserve(node.name, uid, request, undefined, hostPorts[uid]);
    }
    const rcStore = new DynamoRcStore(o.client, fresh.ReplicationControllers);
    for (const rc of foldRcs(rcEvents)) await rcStore.put(rc, null);
    const configStore = new DynamoConfigObjectStore(o.client, fresh.ConfigObjects);
    for (const c of foldConfigObjects(configEvents)) await configStore.put(c, null);

    const [live, rebuilt] = await Promise.all([snapshot(o.client, o.live), snapshot(o.client, fresh)]);
    const sections = (Object.keys(live) as (keyof TableNames)[]).map((t) => compare(t, live[t], rebuilt[t]));
    const identical = sections.every((s) => s.differed.length + s.missing.length + s.extra.length === 0);
    if (o.replace) {
      for (const def of Object.values(TABLES)) {
        const keyOf = (item: Record<string, unknown>) => ({ [def.partitionKey]: item[def.partitionKey], ...(def.sortKey ? { [def.sortKey]: item[def.sortKey] } : {}) });
        await replaceItems(o.client, fresh[def.logical], o.live[def.logical], keyOf);
      }
    }
    return {
      sections,
      identical,
      replaced: Boolean(o.replace),
      records: { [TOPICS.podChanges]: changes.length, [TOPICS.podHistory]: history.length, [TOPICS.nodeHeartbeats]: heartbeats.length, [TOPICS.rcEvents]: rcEvents.length, [TOPICS.configEvents]: configEvents.length, [TOPICS.nodeEvents]: nodeEvents.length },
    };
  } finally {
    if (!o.keep) for (const table of Object.values(fresh)) await o.client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  }
}

/** The report as the command prints it. */
export function formatReport(r: RebuildReport): string {
  const lines = [`read ${Object.entries(r.records).map(([t, n]) => `${n} records of ${t}`).join(', ')}`];
  for (const s of r.sections) {
    const problems = [
      ...s.differed.map((k) => `differs: ${k}`),
      ...s.missing.map((k) => `only live: ${k}`),
      ...s.extra.map((k) => `only rebuilt: ${k}`),
    ];
    lines.push(`${s.table.padEnd(24)} ${s.matched} matched, ${s.differed.length} differed, ${s.missing.length} only live, ${s.extra.length} only rebuilt`);
    for (const p of problems.slice(0, 20)) lines.push(`  ${p}`);
    if (problems.length > 20) lines.push(`  ... ${problems.length - 20} more`);
  }
  lines.push(r.identical ? 'the projections are identical to what the log rebuilds' : 'the projections differ from what the log rebuilds');
  if (r.replaced) lines.push('the rebuilt items replaced the live tables');
  return lines.join('\n');
}
