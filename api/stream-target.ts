/**
 * Where an exec, attach or port-forward goes, decided from the stored pod the
 * way the Kubernetes API server and kubectl decide it: the pod must exist, be
 * bound to a node and not have completed; the container is the one asked for,
 * else the one the `kubectl.kubernetes.io/default-container` annotation names,
 * else the first. Pure; a refusal is the Status to answer with.
 */
import type { K8sStatus } from '../shared/events';
import { badRequest, notFound } from '../shared/kube/status';
import type { PodRecord } from '../shared/ports';

export type StreamVerb = 'exec' | 'attach' | 'portforward';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

export type StreamTarget = { ok: true; nodeName: string; uid: string; container: string } | { ok: false; status: K8sStatus };

export function streamTarget(record: PodRecord | null, name: string, verb: StreamVerb, requested: string | undefined): StreamTarget {
  if (!record || record.deleted) return { ok: false, status: notFound('pods', name) };
  const pod = record.pod;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    const what = verb === 'exec' ? 'exec into' : verb === 'attach' ? 'attach to' : 'port-forward to';
    return { ok: false, status: badRequest(`cannot ${what} a container in a completed pod; current phase is ${phase}`) };
  }
  if (!record.nodeName) return { ok: false, status: badRequest(`pod ${name} does not have a host assigned`) };
  const names = pod.spec.containers.map((c) => c.name);
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const container = requested || (annotated && names.includes(annotated) ? annotated : names[0]);
  if (!names.includes(container)) return { ok: false, status: badRequest(`container ${container} is not valid for pod ${name}`) };
  return { ok: true, nodeName: record.nodeName, uid: record.uid, container };
}
