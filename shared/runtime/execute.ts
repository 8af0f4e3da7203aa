/**
 * The pod decider's decisions as effects (runtime/effects.ts): a decided write
 * is a conditional put of the pod followed by its history, the node release
 * and the outbound events; a 'publish' decision repeats only the follow-ups.
 */
import type { PodDecision } from '../pod/decider';
import type { PodRecord, PodStore } from '../ports';
import { decideAndApply, followUps, type EffectPorts, type Effects } from './effects';

export { publishAll } from './effects';

export function podEffects(decision: PodDecision): Effects | null {
  switch (decision.kind) {
    case 'ignore':
      return null;
    case 'publish':
      return { then: followUps({ release: decision.release, outbound: decision.outbound }) };
    case 'write':
      return {
        write: { kind: 'putPod', record: decision.record, expectedVersion: decision.expectedVersion },
        then: followUps({ history: decision.history, release: decision.release, outbound: decision.outbound }),
      };
    default: {
      const unreachable: never = decision;
      throw new Error(`unknown decision ${String((unreachable as { kind: string }).kind)}`);
    }
  }
}

/** Reads the pod, decides and applies; a lost race reads again and decides anew. */
export async function decideAndExecute(ports: EffectPorts & { podStore: PodStore }, namespace: string, name: string, decideFn: (state: PodRecord | null) => PodDecision): Promise<PodDecision> {
  let decision: PodDecision = { kind: 'ignore', reason: 'not decided' };
  await decideAndApply(
    ports,
    () => ports.podStore.get(namespace, name),
    (state) => {
      decision = decideFn(state);
      return podEffects(decision);
    },
  );
  return decision;
}
