/** The defaults the Kubernetes API server fills in on create, applied once by the pod-controller. */
import type { Container, LifecycleHandler, PodSpec, Probe } from './schema';

export function defaultImagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const lastPart = image.split('/').pop() ?? image;
  const hasDigest = image.includes('@');
  const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
  return !hasDigest && (tag === undefined || tag === 'latest') ? 'Always' : 'IfNotPresent';
}

function defaultHttpGet<T extends Pick<Probe, 'httpGet'>>(handler: T): T {
  return handler.httpGet ? { ...handler, httpGet: { ...handler.httpGet, path: handler.httpGet.path ?? '/', scheme: handler.httpGet.scheme ?? 'HTTP' } } : handler;
}

/** Kubernetes' probe defaults: every 10 s, 1 s timeout, 3 failures, 1 success. */
function defaultProbe(p: Probe | undefined): Probe | undefined {
  if (!p) return undefined;
  return defaultHttpGet({
    ...p,
    timeoutSeconds: p.timeoutSeconds ?? 1,
    periodSeconds: p.periodSeconds ?? 10,
    successThreshold: p.successThreshold ?? 1,
    failureThreshold: p.failureThreshold ?? 3,
  });
}

function defaultHook(h: LifecycleHandler | undefined): LifecycleHandler | undefined {
  return h ? defaultHttpGet(h) : undefined;
}

/** As the API server's SetDefaults_Pod: a resource with a limit and no request requests its limit. */
function defaultRequests(resources: Container['resources']): Container['resources'] {
  const limits = resources?.limits;
  if (!limits || Object.keys(limits).length === 0) return resources;
  return { ...resources, requests: { ...limits, ...(resources?.requests ?? {}) } };
}

function defaultContainer(c: Container): Container {
  const out: Container = { ...c, imagePullPolicy: c.imagePullPolicy ?? defaultImagePullPolicy(c.image) };
  if (c.resources) out.resources = defaultRequests(c.resources);
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) if (c[kind]) out[kind] = defaultProbe(c[kind]);
  if (c.lifecycle) {
    const lifecycle = { ...c.lifecycle };
    if (lifecycle.postStart) lifecycle.postStart = defaultHook(lifecycle.postStart);
    if (lifecycle.preStop) lifecycle.preStop = defaultHook(lifecycle.preStop);
    out.lifecycle = lifecycle;
  }
  return out;
}

export function withSpecDefaults(spec: PodSpec): PodSpec {
  return {
    ...spec,
    containers: spec.containers.map(defaultContainer),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map(defaultContainer) } : {}),
    restartPolicy: spec.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    schedulerName: spec.schedulerName ?? 'default-scheduler',
  };
}

/** Guaranteed when every container (init containers too) has equal cpu and memory requests and limits; BestEffort when none has any. */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(spec.initContainers ?? []), ...spec.containers].map((c) => c.resources ?? {});
  if (all.every((r) => !Object.keys(r.requests ?? {}).length && !Object.keys(r.limits ?? {}).length)) return 'BestEffort';
  const guaranteed = all.every((r) =>
    (['cpu', 'memory'] as const).every((k) => r.limits?.[k] !== undefined && String(r.requests?.[k] ?? r.limits?.[k]) === String(r.limits?.[k])),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
