/**
 * PATCH /api/v1/nodes/NAME: what `kubectl taint` sends (it reads the node and
 * patches `spec.taints` with the whole new list). A node's spec is the API's
 * to change, through node-events; everything else on a node (labels, status,
 * capacity) is its agent's, from its signed heartbeats, so a patch that
 * changes anything but `spec.taints` is refused with the field named. The API
 * publishes NodeSpecUpdated and answers once node-lifecycle recorded it
 * (bounded wait, 504 after it), as the other writes do.
 */
import type { FastifyInstance } from 'fastify';
import { makeEvent, TOPICS, type NodeSpecUpdated } from '../../shared/events';
import { forbidden, type FieldCause } from '../../shared/kube/field-errors';
import { applyPatch, PatchError, patchTypeOf, PATCH_TYPES } from '../../shared/kube/patch/patch';
import { badRequest, invalid, notFound, unsupportedMediaType } from '../../shared/kube/status';
import { CONTROLLER_TAINT_KEYS, taintCauses, type NodeTaint } from '../../shared/node/taints';
import type { NodeRecord } from '../../shared/ports';
import { sendStatus, type ApiDeps } from '../deps';
import { pollRecorded, writeTimedOut } from '../write-outcome';
import { isDryRun } from '../list-options';
import { nodeObject } from '../objects';
import { firstDifference } from '../../shared/kube/json-diff';

type Obj = Record<string, unknown>;
const asObject = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** What the API compares besides the taints: fields the server keeps moving are left out. */
function comparable(node: Obj): Obj {
  const { metadata, spec, status: _status, ...rest } = node;
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = asObject(metadata) ?? {};
  const { taints: _t, ...otherSpec } = asObject(spec) ?? {};
  return { ...rest, metadata: meta, spec: otherSpec };
}

export type TaintDecision = { ok: true; taints: NodeTaint[] } | { ok: false; causes: FieldCause[] };

/**
 * The node's new taints from the patched object: validated as kube-apiserver
 * does, without the Ready taints the node controller owns, and with
 * `timeAdded` on NoExecute taints (kept from the stored taint of the same key
 * and effect, else now). Pure.
 */
export function decideTaints(live: Obj, patched: Obj, stored: readonly NodeTaint[], now: Date): TaintDecision {
  const changed = firstDifference(comparable(live), comparable(patched));
  if (changed) return { ok: false, causes: [forbidden(changed, 'only spec.taints of a node can be changed through the API; the rest is reported by its agent')] };
  const raw = asObject(patched.spec)?.taints ?? [];
  if (!Array.isArray(raw)) return { ok: false, causes: [forbidden('spec.taints', 'must be a list')] };
  const causes = taintCauses(raw);
  if (causes.length) return { ok: false, causes };
  const taints = (raw as Obj[])
    .filter((t) => !CONTROLLER_TAINT_KEYS.includes(t.key as string))
    .map((t): NodeTaint => {
      const taint: NodeTaint = { key: t.key as string, ...(typeof t.value === 'string' && t.value ? { value: t.value } : {}), effect: t.effect as NodeTaint['effect'] };
      if (taint.effect === 'NoExecute') {
        const before = stored.find((s) => s.key === taint.key && s.effect === taint.effect)?.timeAdded;
        taint.timeAdded = before ?? (typeof t.timeAdded === 'string' && t.timeAdded ? t.timeAdded : now.toISOString());
      }
      return taint;
    });
  return { ok: true, taints };
}

const taintText = (t: NodeTaint) => [t.key, t.value ?? '', t.effect, t.timeAdded ?? ''].join('\u0000');
const sameTaints = (a: readonly NodeTaint[] | undefined, b: readonly NodeTaint[]) => JSON.stringify((a ?? []).map(taintText)) === JSON.stringify(b.map(taintText));

export function nodePatchRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const writeTimeoutMs = deps.writeTimeoutMs ?? 10_000;

  const recorded = (name: string, taints: NodeTaint[]): Promise<NodeRecord | null> =>
    pollRecorded(() => deps.nodeStore.get(name), (node) => (sameTaints(node.taints, taints) ? node : undefined), writeTimeoutMs);

  app.patch<{ Params: { name: string }; Querystring: Record<string, string>; Body: unknown }>('/api/v1/nodes/:name', async (req, reply) => {
    const { name } = req.params;
    const type = patchTypeOf(req.headers['content-type']);
    if (!type || type === 'apply') {
      const supported = [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic].join(', ');
      return sendStatus(reply, unsupportedMediaType(`the body of the request was in an unknown format - accepted media types for nodes include: ${supported}`));
    }
    const current = await deps.nodeStore.get(name);
    if (!current) return sendStatus(reply, notFound('nodes', name));
    const live = nodeObject(current);
    let patched: Obj | undefined;
    try {
      patched = asObject(applyPatch(type, live, req.body));
    } catch (err) {
      if (err instanceof PatchError) return sendStatus(reply, badRequest(err.message));
      throw err;
    }
    if (!patched) return sendStatus(reply, badRequest('the patched object is not an object'));
    const decision = decideTaints(live, patched, current.taints ?? [], deps.clock.now());
    if (!decision.ok) return sendStatus(reply, invalid('Node', name, decision.causes));
    if (sameTaints(current.taints, decision.taints) || isDryRun(req.query)) return nodeObject({ ...current, taints: decision.taints });
    const event = makeEvent<NodeSpecUpdated>('NodeSpecUpdated', name, { name, spec: { taints: decision.taints } }, { source: 'api', time: deps.clock.now() });
    await deps.publisher.publish(TOPICS.nodeEvents, [event]);
    const node = await recorded(name, decision.taints);
    if (!node) return sendStatus(reply, writeTimedOut(writeTimeoutMs, 'the change may still be applied'));
    return nodeObject(node);
  });
}
