/**
 * Rules for the lifecycle fields of a container, as Kubernetes'
 * `validateProbe`, `validateLifecycle` and `validateInitContainers` word them:
 * one handler per probe or hook, successThreshold 1 for liveness and startup
 * probes, sleep hooks within the grace period, `restartPolicy: Always` only on
 * init containers (sidecars), and no probes or hooks on the other init
 * containers. What podflow cannot run answers a Forbidden cause, never silence:
 * gRPC probes and tcpSocket hooks (which Kubernetes keeps only for old
 * manifests and never runs). Runs on untrusted input; never throws.
 */
import { forbidden, invalid, notSupported, required, type FieldCause } from '../kube/field-errors';
import { inclusiveRangeError } from '../kube/names';
import { num, obj, type Loose } from '../kube/loose';

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const HOOK_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

function handlerCauses(handler: Loose, path: string, kinds: readonly string[]): FieldCause[] {
  const set = kinds.filter((k) => handler[k] !== undefined);
  if (set.length === 0) return [required(path, 'must specify a handler type')];
  const causes = set.slice(1).map((k) => forbidden(`${path}.${k}`, 'may not specify more than 1 handler type'));
  const port = (action: Loose | undefined, field: string) => {
    const p = action?.port;
    if (typeof p === 'number' && (p < 1 || p > 65535)) causes.push(invalid(field, p, inclusiveRangeError(1, 65535)));
  };
  port(obj(handler.httpGet), `${path}.httpGet.port`);
  port(obj(handler.tcpSocket), `${path}.tcpSocket.port`);
  const exec = obj(handler.exec);
  if (exec && !(Array.isArray(exec.command) && exec.command.length > 0)) causes.push(required(`${path}.exec.command`));
  return causes;
}

function probeCauses(probe: Loose, path: string, kind: (typeof PROBES)[number]): FieldCause[] {
  const causes = handlerCauses(probe, path, PROBE_HANDLERS);
  if (probe.grpc !== undefined) causes.push(forbidden(`${path}.grpc`, 'podflow does not run gRPC probes; use exec, httpGet or tcpSocket'));
  const success = num(probe.successThreshold);
  if (kind !== 'readinessProbe' && success !== undefined && success !== 1) causes.push(invalid(`${path}.successThreshold`, success, 'must be 1'));
  if (kind === 'readinessProbe' && probe.terminationGracePeriodSeconds !== undefined) {
    causes.push(invalid(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return causes;
}

function hookCauses(hook: Loose, path: string, graceSeconds: number): FieldCause[] {
  const causes = handlerCauses(hook, path, HOOK_HANDLERS);
  if (hook.tcpSocket !== undefined) causes.push(forbidden(`${path}.tcpSocket`, 'tcpSocket hooks are kept by Kubernetes only for old manifests and never run; use exec, httpGet or sleep'));
  const seconds = num(obj(hook.sleep)?.seconds);
  if (seconds !== undefined && (seconds <= 0 || seconds > graceSeconds)) {
    causes.push(invalid(`${path}.sleep.seconds`, seconds, `must be greater than 0 and less than terminationGracePeriodSeconds (${graceSeconds})`));
  }
  return causes;
}

/** The lifecycle causes of one container; `init` for spec.initContainers. */
export function containerLifecycleCauses(c: Loose, path: string, init: boolean, graceSeconds: number): FieldCause[] {
  const causes: FieldCause[] = [];
  const policy = c.restartPolicy;
  const sidecar = init && policy === 'Always';
  if (policy !== undefined) {
    if (!init) causes.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    else if (policy !== 'Always') causes.push(notSupported(`${path}.restartPolicy`, policy, ['Always']));
  }
  for (const kind of PROBES) {
    const probe = obj(c[kind]);
    if (!probe) continue;
    if (init && !sidecar) causes.push(forbidden(`${path}.${kind}`, 'may not be set for init containers without restartPolicy=Always'));
    else causes.push(...probeCauses(probe, `${path}.${kind}`, kind));
  }
  const lifecycle = obj(c.lifecycle);
  if (lifecycle) {
    if (init && !sidecar) causes.push(forbidden(`${path}.lifecycle`, 'may not be set for init containers without restartPolicy=Always'));
    else {
      for (const hook of ['postStart', 'preStop'] as const) {
        const h = obj(lifecycle[hook]);
        if (h) causes.push(...hookCauses(h, `${path}.lifecycle.${hook}`, graceSeconds));
      }
    }
  }
  return causes;
}

/** The pod-level lifecycle field. */
export function activeDeadlineCauses(spec: Loose): FieldCause[] {
  const v = spec.activeDeadlineSeconds;
  if (v === undefined || v === null) return [];
  const n = num(v);
  return n !== undefined && n >= 1 && n <= 2147483647 ? [] : [invalid('spec.activeDeadlineSeconds', v, inclusiveRangeError(1, 2147483647))];
}

/** An init container that keeps running beside the app containers (Kubernetes 1.29+). */
export const isSidecar = (c: { restartPolicy?: string | null }): boolean => c.restartPolicy === 'Always';

const HOST_NAMESPACES = { hostNetwork: 'network', hostPID: 'PID', hostIPC: 'IPC' } as const;

/**
 * Fields podflow refuses rather than accept and ignore: the node's namespaces
 * (a pod always gets its own), dnsPolicy None (podflow takes no dnsConfig), a
 * sizeLimit on a disk-backed emptyDir (enforced only as a tmpfs size, for
 * medium Memory), and a subPath into a Memory emptyDir.
 */
export function unsupportedCauses(spec: Loose): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [field, what] of Object.entries(HOST_NAMESPACES)) {
    if (spec[field] === true) causes.push(forbidden(`spec.${field}`, `podflow runs every pod in its own ${what} namespace; it does not share the node's`));
  }
  if (spec.dnsPolicy === 'None') causes.push(forbidden('spec.dnsPolicy', 'podflow takes no dnsConfig, so dnsPolicy None would leave the pod without a resolver; use Default or ClusterFirst (the node\'s resolver)'));
  const memoryVolumes = new Set<string>();
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v, i) => {
    const emptyDir = obj(obj(v)?.emptyDir);
    if (!emptyDir) return;
    if (emptyDir.medium === 'Memory') memoryVolumes.add(String(obj(v)?.name));
    else if (emptyDir.sizeLimit !== undefined) causes.push(forbidden(`spec.volumes[${i}].emptyDir.sizeLimit`, 'podflow enforces sizeLimit only for medium: Memory (a tmpfs of that size)'));
  });
  for (const field of ['initContainers', 'containers'] as const) {
    (Array.isArray(spec[field]) ? spec[field] : []).forEach((c, i) => {
      (Array.isArray(obj(c)?.volumeMounts) ? (obj(c)!.volumeMounts as unknown[]) : []).forEach((m, j) => {
        const mount = obj(m);
        if (mount?.subPath && memoryVolumes.has(String(mount.name))) causes.push(forbidden(`spec.${field}[${i}].volumeMounts[${j}].subPath`, 'podflow cannot mount a subPath of a medium: Memory emptyDir'));
      });
    });
  }
  return causes;
}
