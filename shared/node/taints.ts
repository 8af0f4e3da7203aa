/**
 * Node taints and pod tolerations, as Kubernetes defines them
 * (k8s.io/api/core/v1 toleration.go and taint.go, kube-apiserver's node
 * validation): the taint's wire shape, the rules a node's taints must keep,
 * and the matching every consumer shares (the scheduler's TaintToleration
 * plugin and the NoExecute evictions of node-lifecycle), so they can never
 * disagree. Pure.
 */
import { z } from 'zod';
import { duplicate, invalid, notSupported, required, type FieldCause } from '../kube/field-errors';
import { isQualifiedName, isValidLabelValue } from '../kube/names';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export const nodeTaint = z.strictObject({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(TAINT_EFFECTS),
  /** When a NoExecute taint was added: tolerationSeconds count from here. */
  timeAdded: z.string().optional(),
});
export type NodeTaint = z.infer<typeof nodeTaint>;

/** What matching reads of a toleration (shared/pod/schema.ts parses the whole). */
export interface TolerationLike {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number | null;
}

/**
 * Taints the node controller owns (Ready=False/Unknown): podflow derives them
 * from the Ready condition, so a client that sends them back is not storing them.
 */
export const CONTROLLER_TAINT_KEYS: readonly string[] = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/**
 * v1.Toleration.ToleratesTaint: an empty effect matches every effect, an empty
 * key with Exists matches every key, Exists ignores the value, Equal (or no
 * operator) compares it.
 */
export function tolerates(toleration: TolerationLike, taint: { key: string; value?: string; effect: string }): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case 'Exists':
      return true;
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** The first taint with one of `effects` that no toleration tolerates (FindMatchingUntoleratedTaint), or undefined. */
export function untoleratedTaint(taints: readonly NodeTaint[], tolerations: readonly TolerationLike[], effects: readonly TaintEffect[]): NodeTaint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

/** kube-scheduler's reason for a node whose taint the pod does not tolerate. */
export const untoleratedReason = (taint: Pick<NodeTaint, 'key' | 'value'>): string => `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;

/**
 * How long a pod may stay on a node with these NoExecute taints, in ms: 0 when
 * one is not tolerated, Infinity when every taint is tolerated without
 * `tolerationSeconds`, else the least `tolerationSeconds` of the tolerations
 * used (negative counts as 0), as the taint manager's getMinTolerationTime.
 */
export function noExecuteStayMs(taints: readonly NodeTaint[], tolerations: readonly TolerationLike[]): number {
  let stay = Infinity;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const used = tolerations.filter((t) => tolerates(t, taint));
    if (used.length === 0) return 0;
    for (const t of used) if (typeof t.tolerationSeconds === 'number') stay = Math.min(stay, Math.max(0, t.tolerationSeconds) * 1000);
  }
  return stay;
}

/** The causes kube-apiserver refuses a node's `spec.taints` with. */
export function taintCauses(taints: readonly unknown[], path = 'spec.taints'): FieldCause[] {
  const causes: FieldCause[] = [];
  const seen = new Set<string>();
  taints.forEach((raw, i) => {
    const at = `${path}[${i}]`;
    const t = (raw ?? {}) as Record<string, unknown>;
    if (typeof t.key !== 'string' || !t.key) causes.push(required(`${at}.key`));
    else for (const msg of isQualifiedName(t.key)) causes.push(invalid(`${at}.key`, t.key, msg));
    if (t.value !== undefined && t.value !== null) {
      if (typeof t.value !== 'string') causes.push(invalid(`${at}.value`, t.value, 'must be a string'));
      else for (const msg of isValidLabelValue(t.value)) causes.push(invalid(`${at}.value`, t.value, msg));
    }
    if (t.effect === undefined || t.effect === '') causes.push(required(`${at}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect as TaintEffect)) causes.push(notSupported(`${at}.effect`, t.effect, TAINT_EFFECTS));
    const pair = `${String(t.key)}\u0000${String(t.effect)}`;
    if (seen.has(pair)) causes.push(duplicate(at, raw));
    seen.add(pair);
  });
  return causes;
}
