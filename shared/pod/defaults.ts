/** The defaults the Kubernetes API server fills in on create, applied once by the pod-controller. */
import type { Container, PodSpec } from './schema';

export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const lastPart = image.split('/').pop() ?? image;
  const hasDigest = image.includes('@');
  const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
  return !hasDigest && (tag === undefined || tag === 'latest') ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Container): Container {
  return { ...c, imagePullPolicy: c.imagePullPolicy ?? defaultImagePullPolicy(c.image) };
}

export function withSpecDefaults(spec: PodSpec): PodSpec {
  return {
    ...spec,
    containers: spec.containers.map(defaultContainer),
    restartPolicy: spec.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    schedulerName: spec.schedulerName ?? 'default-scheduler',
  };
}

/** Guaranteed when every container has equal cpu and memory requests and limits; BestEffort when none has any. */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = spec.containers.map((c) => c.resources ?? {});
  if (all.every((r) => !Object.keys(r.requests ?? {}).length && !Object.keys(r.limits ?? {}).length)) return 'BestEffort';
  const guaranteed = all.every((r) =>
    (['cpu', 'memory'] as const).every((k) => r.limits?.[k] !== undefined && String(r.requests?.[k] ?? r.limits?.[k]) === String(r.limits?.[k])),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
