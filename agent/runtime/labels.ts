/**
 * The labels that let an agent find what it owns after a restart: node, pod
 * identity (uid, namespace, name), container name, attempt, and a hash of the
 * container's spec. Names embed uid and attempt, so Docker itself refuses a
 * second container for the same attempt.
 */
import { createHash } from 'node:crypto';
import type { Container } from '../../shared/pod/schema';

export const LABELS = {
  managed: 'podflow.managed',
  node: 'podflow.node',
  uid: 'podflow.pod.uid',
  namespace: 'podflow.pod.namespace',
  name: 'podflow.pod.name',
  role: 'podflow.role',
  container: 'podflow.container.name',
  attempt: 'podflow.attempt',
  specHash: 'podflow.spec-hash',
  sandboxId: 'podflow.sandbox-id',
  volume: 'podflow.volume.name',
} as const;

export type Role = 'sandbox' | 'app';

export interface PodIdentity {
  nodeName: string;
  uid: string;
  namespace: string;
  name: string;
}

export function podLabels(id: PodIdentity): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.node]: id.nodeName,
    [LABELS.uid]: id.uid,
    [LABELS.namespace]: id.namespace,
    [LABELS.name]: id.name,
  };
}

/** A stable JSON text: object keys sorted, so the hash does not depend on field order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function containerSpecHash(container: Container): string {
  return createHash('sha256').update(canonicalJson(container)).digest('hex').slice(0, 16);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

export function sandboxName(id: PodIdentity, attempt: number): string {
  return `pf_${clip(id.namespace, 40)}_${clip(id.name, 60)}_POD_${id.uid}_${attempt}`;
}

export function containerName(id: PodIdentity, container: string, attempt: number): string {
  return `pf_${clip(id.namespace, 40)}_${clip(id.name, 60)}_${container}_${id.uid}_${attempt}`;
}

/** Volume names carry the uid: a same-name replacement pod never sees the old data. */
export function emptyDirVolumeName(uid: string, volume: string): string {
  return `pf_${uid}_${volume}`;
}

/** As Kubernetes: the pod name cut to 63 characters, without a trailing '-' or '.'. */
export function podHostname(podName: string): string {
  return clip(podName, 63).replace(/[-.]+$/, '') || 'pod';
}

export function attemptOf(labels: Record<string, string>): number {
  const n = Number(labels[LABELS.attempt]);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}
