/**
 * replication-controller: applies RC commands from rc-events to the
 * ReplicationControllers table, and keeps each RC's pods at its replica count,
 * level-triggered: after every command, on every change of a pod it owns
 * (pod-changes), and on a periodic sweep that heals whatever an event missed.
 * It also replaces annotated bare pods lost with their node under the same
 * name. Stateless: the tables are its memory; every write is conditional and
 * happens before the publishing it justifies.
 */
import { ValidationError } from '../../shared/errors';
import { TOPICS, type PodChangeEvent, type PodChanged, type RcEvent } from '../../shared/events';
import { nextResourceVersion } from '../../shared/kube/resource-version';
import type { Clock, HistoryEntry, HistoryStore, Logger, PodStore, Publisher } from '../../shared/ports';
import { decideRcCommand } from '../../shared/rc/decider';
import { isActive, rcOwnerOf } from '../../shared/rc/ownership';
import { deleteOwned } from '../../shared/rc/pod-requests';
import { DEFAULT_TIMINGS, reconcile, type ReconcileContext } from '../../shared/rc/reconcile';
import type { RcRecord, RcStore } from '../../shared/rc/record';
import type { ReplicationController } from '../../shared/rc/schema';
import type { StatusCause } from '../../shared/events/status';
import { templatePod } from '../../shared/pod/admission';
import { decideSameNameReplacement, needsSameNameReplacement } from '../../shared/rc/replacement';
import { validateReplicationController } from '../../shared/rc/validate';
import { applyEffects, decideAndApply, followUps, type EffectPorts, type Effects, type Outbound } from '../../shared/runtime/effects';

export interface ReplicationControllerDeps {
  rcStore: RcStore;
  podStore: PodStore;
  historyStore: HistoryStore;
  publisher: Publisher;
  clock: Clock;
  logger: Logger;
  timings?: Partial<typeof DEFAULT_TIMINGS>;
  /** The cluster's admission of a pod (shared/pod/admission.ts): a template it refuses creates nothing. */
  admit: (pod: unknown) => StatusCause[];
  /** The sweep's scan of every pod (orphans, lost annotated pods) runs at most this often: it reads the whole Pods table. */
  podScanIntervalMs?: number;
}

export const DEFAULT_POD_SCAN_INTERVAL_MS = 30_000;

const ATTEMPTS = 5;

export type ReplicationControllerInput = RcEvent | PodChangeEvent;

export function makeReplicationController(deps: ReplicationControllerDeps) {
  const timings = { ...DEFAULT_TIMINGS, ...deps.timings };
  // The pods a template would create, checked as the pod-controller will check them (causes at the pod's own paths).
  const admitTemplate = (rc: ReplicationController) => deps.admit(templatePod(rc));
  const ctx = (): ReconcileContext => ({ now: deps.clock.now(), nextResourceVersion, ...timings, admitTemplate });
  const podScanIntervalMs = deps.podScanIntervalMs ?? DEFAULT_POD_SCAN_INTERVAL_MS;
  let lastPodScan = -Infinity;
  const ports: EffectPorts = deps;

  /** Reads, decides, writes conditionally; a lost race reads again and decides anew. */
  async function applyCommand(cmd: RcEvent): Promise<{ namespace: string; name: string }> {
    const namespace = cmd.type === 'ReplicationControllerCreateRequested' ? (cmd.data.rc.metadata.namespace ?? 'default') : cmd.data.namespace;
    const name = cmd.type === 'ReplicationControllerCreateRequested' ? (cmd.data.rc.metadata.name ?? '') : cmd.data.name;
    if (cmd.type === 'ReplicationControllerCreateRequested') {
      const checked = validateReplicationController({ ...cmd.data.rc, metadata: { ...cmd.data.rc.metadata, namespace } });
      if (!checked.ok) throw new ValidationError(`invalid ReplicationController ${namespace}/${name}`, checked.causes.map((c) => ({ field: c.field ?? '', message: c.message ?? '' })));
    }
    await decideAndApply(
      ports,
      () => deps.rcStore.get(namespace, name),
      (state): Effects | null => {
        const decision = decideRcCommand(state, cmd, { now: deps.clock.now(), nextResourceVersion });
        if (decision.kind === 'ignore') {
          deps.logger.debug({ id: cmd.id, reason: decision.reason }, 'rc command ignored');
          return null;
        }
        return { write: { kind: 'putRc', record: decision.record, expectedVersion: decision.expectedVersion }, then: [] };
      },
      ATTEMPTS,
    );
    return { namespace, name };
  }

  /** One pass over one RC: read the record, then the pods (never older than the record), decide, write, publish. */
  async function reconcileRc(namespace: string, name: string): Promise<RcRecord | null> {
    let result: RcRecord | null = null;
    await decideAndApply(
      ports,
      async () => {
        const record = await deps.rcStore.get(namespace, name);
        return record ? { record, pods: await deps.podStore.list({ namespace, includeDeleted: true }) } : null;
      },
      (state): Effects | null => {
        result = state?.record ?? null;
        if (!state) return null;
        const decision = reconcile(state.record, state.pods, ctx());
        result = decision.record ?? state.record;
        const then = followUps({ history: decision.history, outbound: [...decision.creates, ...decision.deletes].map((event) => ({ topic: TOPICS.podEvents, event })) });
        return decision.record ? { write: { kind: 'putRc', record: decision.record, expectedVersion: state.record.version }, then } : { then };
      },
      ATTEMPTS,
    );
    return result;
  }

  /** A pod whose controller RC is gone (or is another incarnation) is garbage: delete it. */
  async function collectOrphan(change: PodChanged): Promise<void> {
    const pod = change.data.pod;
    if (change.data.change === 'DELETED' || pod.metadata.deletionTimestamp) return;
    await applyEffects({ then: followUps({ outbound: [{ topic: TOPICS.podEvents, event: deleteOwned(pod, deps.clock.now(), 'orphaned') }] }) }, ports);
  }

  async function onPodChanged(change: PodChanged): Promise<void> {
    const pod = change.data.pod;
    const owner = rcOwnerOf(pod);
    if (owner) {
      const record = await reconcileRc(pod.metadata.namespace, owner.name);
      if (!record || record.uid !== owner.uid) await collectOrphan(change);
      return;
    }
    if (change.data.change !== 'DELETED') return;
    const decision = decideSameNameReplacement(pod, deps.clock.now());
    if (decision.kind === 'none') return;
    await applyEffects({ then: followUps({ history: decision.history, outbound: [{ topic: TOPICS.podEvents, event: decision.create }] }) }, ports);
  }

  async function handle(event: ReplicationControllerInput): Promise<void> {
    switch (event.type) {
      case 'PodChanged':
        return onPodChanged(event);
      case 'PodRequestRejected':
        return;
      default: {
        const { namespace, name } = await applyCommand(event);
        await reconcileRc(namespace, name);
      }
    }
  }

  /** Level-triggered heal: every RC with work left, every orphan, every lost annotated pod not yet replaced. */
  async function sweep(): Promise<{ reconciled: number; orphans: number; replaced: number }> {
    const now = deps.clock.now();
    const records = await deps.rcStore.list();
    const idle = (r: RcRecord) => r.deleted && r.rc.status.replicas === 0 && r.pending.length === 0 && r.deleting.length === 0;
    let reconciled = 0;
    for (const r of records) {
      if (idle(r)) continue;
      await reconcileRc(r.namespace, r.name);
      reconciled++;
    }
    if (now.getTime() - lastPodScan < podScanIntervalMs) return { reconciled, orphans: 0, replaced: 0 };
    lastPodScan = now.getTime();
    const live = new Map(records.filter((r) => !r.deleted).map((r) => [`${r.namespace}/${r.name}`, r.uid]));
    const pods = await deps.podStore.list({ includeDeleted: true });
    const outbound: Outbound[] = [];
    const history: HistoryEntry[] = [];
    let orphans = 0;
    let replaced = 0;
    for (const p of pods) {
      const owner = rcOwnerOf(p.pod);
      if (owner && isActive(p) && live.get(`${p.namespace}/${owner.name}`) !== owner.uid) {
        // Re-read: the RC may have been created after the list above.
        const current = await deps.rcStore.get(p.namespace, owner.name);
        if (current && !current.deleted && current.uid === owner.uid) continue;
        outbound.push({ topic: TOPICS.podEvents, event: deleteOwned(p.pod, now, 'orphaned') });
        orphans++;
      } else if (!owner && needsSameNameReplacement(p, now, timings.lostWindowMs)) {
        const decision = decideSameNameReplacement(p.pod, now);
        if (decision.kind !== 'replace') continue;
        history.push(...decision.history);
        outbound.push({ topic: TOPICS.podEvents, event: decision.create });
        replaced++;
      }
    }
    await applyEffects({ then: followUps({ history, outbound }) }, ports);
    return { reconciled, orphans, replaced };
  }

  return { handle, sweep };
}
