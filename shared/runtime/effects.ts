/**
 * One handler shape: a decision is a value, `Effects`, and one executor applies
 * it. The `write` is the commit: a conditional write (a versioned put, the
 * bind transaction, a Ready change) that either happens or reports why not.
 * Only after it happened do the follow-ups run (history, a reservation given
 * back, outbound events), side by side: each is idempotent, and a crash
 * part-way is healed by redelivery, which decides again from the stored state
 * and repeats them (the outbox rule). A decision without a write only has
 * follow-ups (re-publishing what an earlier delivery stored).
 */
import { ConflictError } from '../errors';
import type { Envelope, TopicName } from '../events';
import type { Outbound } from '../pod/decider';
import type { Binder, HistoryEntry, HistoryStore, NodeReady, NodeStore, PodRecord, PodStore, Publisher, Resources } from '../ports';
import type { RcRecord, RcStore } from '../rc/record';
import type { ConfigObjectRecord, ConfigObjectStore } from '../config-objects/record';

export type { Outbound };

export type Write =
  | { kind: 'putPod'; record: PodRecord; expectedVersion: number | null }
  | { kind: 'bindPod'; nodeName: string; record: PodRecord; expectedVersion: number; request: Resources; allocatable: Resources }
  | { kind: 'putRc'; record: RcRecord; expectedVersion: number | null }
  | { kind: 'putConfigObject'; record: ConfigObjectRecord; expectedVersion: number | null }
  | { kind: 'setNodeReady'; nodeName: string; ready: NodeReady; at: number; expectedVersion: number };

export type FollowUp =
  | { kind: 'history'; entries: readonly HistoryEntry[] }
  | { kind: 'release'; nodeName: string; uid: string; only?: 'hostPorts' }
  | { kind: 'publish'; outbound: readonly Outbound[] };

export interface Effects {
  write?: Write;
  then: FollowUp[];
}

/** 'conflict': the stored state moved on (read again and decide anew); the others are the bind's refusals. */
export type Applied = 'done' | 'conflict' | 'insufficient' | 'ports-taken' | 'no-such-node';

/** The ports effects reach; a handler passes those it has (a missing one needed by an effect is a wiring bug). */
export interface EffectPorts {
  historyStore: HistoryStore;
  publisher: Publisher;
  podStore?: PodStore;
  nodeStore?: NodeStore;
  binder?: Binder;
  rcStore?: RcStore;
  configStore?: ConfigObjectStore;
}

function need<T>(port: T | undefined, what: string): T {
  if (!port) throw new Error(`this effect needs the ${what} port`);
  return port;
}

/** Builds the follow-ups of a decision, leaving out the empty ones. */
export function followUps(o: { history?: readonly HistoryEntry[]; release?: { nodeName: string; uid: string; only?: 'hostPorts' }; outbound?: readonly Outbound[] }): FollowUp[] {
  const out: FollowUp[] = [];
  if (o.history?.length) out.push({ kind: 'history', entries: o.history });
  if (o.release) out.push({ kind: 'release', ...o.release });
  if (o.outbound?.length) out.push({ kind: 'publish', outbound: o.outbound });
  return out;
}

export async function publishAll(publisher: Publisher, outbound: readonly Outbound[]): Promise<void> {
  const byTopic = new Map<TopicName, Envelope[]>();
  for (const o of outbound) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o.event]);
  await Promise.all([...byTopic].map(([topic, events]) => publisher.publish(topic, events)));
}

async function applyWrite(write: Write, ports: EffectPorts): Promise<Applied> {
  try {
    switch (write.kind) {
      case 'putPod':
        await need(ports.podStore, 'pod store').put(write.record, write.expectedVersion);
        return 'done';
      case 'bindPod': {
        const outcome = await need(ports.binder, 'binder').bind(write.nodeName, write.record, write.expectedVersion, write.request, write.allocatable);
        return outcome === 'bound' ? 'done' : outcome === 'pod-changed' ? 'conflict' : outcome;
      }
      case 'putRc':
        await need(ports.rcStore, 'RC store').put(write.record, write.expectedVersion);
        return 'done';
      case 'putConfigObject':
        await need(ports.configStore, 'config object store').put(write.record, write.expectedVersion);
        return 'done';
      case 'setNodeReady':
        await need(ports.nodeStore, 'node store').setReady(write.nodeName, write.ready, write.at, write.expectedVersion);
        return 'done';
      default: {
        const unreachable: never = write;
        throw new Error(`unknown write ${String((unreachable as { kind: string }).kind)}`);
      }
    }
  } catch (err) {
    if (err instanceof ConflictError) return 'conflict';
    throw err;
  }
}

function applyFollowUp(f: FollowUp, ports: EffectPorts): Promise<void> {
  switch (f.kind) {
    case 'history':
      return ports.historyStore.append(f.entries);
    case 'release':
      return need(ports.nodeStore, 'node store').release(f.nodeName, f.uid, f.only);
    case 'publish':
      return publishAll(ports.publisher, f.outbound);
    default: {
      const unreachable: never = f;
      throw new Error(`unknown follow-up ${String((unreachable as { kind: string }).kind)}`);
    }
  }
}

/** Applies the write, then (only if it happened) the follow-ups, side by side. */
export async function applyEffects(effects: Effects, ports: EffectPorts): Promise<Applied> {
  const outcome = effects.write ? await applyWrite(effects.write, ports) : 'done';
  if (outcome === 'done') await Promise.all(effects.then.map((f) => applyFollowUp(f, ports)));
  return outcome;
}

/**
 * Reads, decides and applies; when the write finds the state moved on, reads
 * again and decides anew (the other writer may have changed the answer).
 * `decide` returning null means nothing to do. Throws ConflictError after
 * `attempts` lost races (retryable: the batch runner tries the record again).
 */
export async function decideAndApply<S>(
  ports: EffectPorts,
  read: () => Promise<S>,
  decide: (state: S) => Effects | null,
  attempts = 5,
): Promise<{ state: S; effects: Effects | null; applied: Applied }> {
  for (let attempt = 1; ; attempt++) {
    const state = await read();
    const effects = decide(state);
    if (!effects) return { state, effects, applied: 'done' };
    const applied = await applyEffects(effects, ports);
    if (applied !== 'conflict') return { state, effects, applied };
    if (attempt >= attempts) throw new ConflictError(`the state kept changing under ${attempts} attempts`);
  }
}
