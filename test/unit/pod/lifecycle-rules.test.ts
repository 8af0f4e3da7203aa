/**
 * Validation of the lifecycle fields (probes, hooks, init containers and
 * sidecars, activeDeadlineSeconds) and what an update may change of them, as
 * Kubernetes words each refusal.
 */
import { validatePodManifest } from '../../../shared/pod/validate';
import { podUpdateCauses } from '../../../shared/pod/update-rules';
import { withSpecDefaults } from '../../../shared/pod/defaults';
import type { Container, PodSpec } from '../../../shared/pod/schema';
import { stored } from './given';
import { checkPodSecurity } from '../../../shared/pod/security';
import { admitPod } from '../../../shared/pod/admission';

const manifest = (spec: Record<string, unknown>) => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'podflow/web:1' }], ...spec } });
const causes = (spec: Record<string, unknown>) => {
  const v = validatePodManifest(manifest(spec));
  return v.ok ? [] : v.causes.map((c) => `${c.field}: ${c.message}`);
};
const probe = { httpGet: { path: '/', port: 80 } };

describe('lifecycle field rules', () => {
  it.each<[string, Record<string, unknown>, string | null]>([
    ['an init container and a sidecar with probes', { initContainers: [{ name: 'fetch', image: 'x' }, { name: 'proxy', image: 'x', restartPolicy: 'Always', readinessProbe: probe }] }, null],
    ['probes and hooks on an app container', { containers: [{ name: 'app', image: 'x', livenessProbe: probe, readinessProbe: { exec: { command: ['true'] } }, startupProbe: { tcpSocket: { port: 'http' } }, lifecycle: { postStart: { exec: { command: ['true'] } }, preStop: { sleep: { seconds: 5 } } } }] }, null],
    ['a probe with two handlers', { containers: [{ name: 'app', image: 'x', livenessProbe: { ...probe, exec: { command: ['true'] } } }] }, 'spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type'],
    ['a probe with no handler', { containers: [{ name: 'app', image: 'x', readinessProbe: { periodSeconds: 3 } }] }, 'spec.containers[0].readinessProbe: Required value: must specify a handler type'],
    ['a liveness successThreshold of 2', { containers: [{ name: 'app', image: 'x', livenessProbe: { ...probe, successThreshold: 2 } }] }, 'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
    ['a gRPC probe', { containers: [{ name: 'app', image: 'x', livenessProbe: { grpc: { port: 9000 } } }] }, 'spec.containers[0].livenessProbe.grpc: Forbidden: podflow does not run gRPC probes; use exec, httpGet or tcpSocket'],
    ['a probe on a regular init container', { initContainers: [{ name: 'fetch', image: 'x', readinessProbe: probe }] }, 'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
    ['restartPolicy on an app container', { containers: [{ name: 'app', image: 'x', restartPolicy: 'Always' }] }, 'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers'],
    ['restartPolicy Never on an init container', { initContainers: [{ name: 'fetch', image: 'x', restartPolicy: 'Never' }] }, 'spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ['an init container named like an app container', { initContainers: [{ name: 'app', image: 'x' }] }, 'spec.containers[0].name: Duplicate value: "app"'],
    ['a sleep hook longer than the grace period', { terminationGracePeriodSeconds: 5, containers: [{ name: 'app', image: 'x', lifecycle: { preStop: { sleep: { seconds: 10 } } } }] }, 'spec.containers[0].lifecycle.preStop.sleep.seconds: Invalid value: 10: must be greater than 0 and less than terminationGracePeriodSeconds (5)'],
    ['activeDeadlineSeconds 0', { activeDeadlineSeconds: 0 }, 'spec.activeDeadlineSeconds'],
  ])('%s', (_name, spec, expected) => {
    const found = causes(spec);
    if (expected === null) expect(found).toEqual([]);
    else expect(found.some((c) => c.startsWith(expected))).toBe(true);
  });

  it('fills in Kubernetes probe defaults', () => {
    const spec = withSpecDefaults({ containers: [{ name: 'app', image: 'x:1', readinessProbe: { httpGet: { port: 80 } } }] });
    expect(spec.containers[0].readinessProbe).toEqual({ httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  });
});

describe('updates of lifecycle fields', () => {
  const app: Container = { name: 'app', image: 'podflow/web:1', imagePullPolicy: 'IfNotPresent' };
  const init: Container = { name: 'fetch', image: 'podflow/puller:1', imagePullPolicy: 'IfNotPresent' };
  const base: PodSpec = { containers: [app], initContainers: [init], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, activeDeadlineSeconds: 600 };
  const pod = { ...stored({ uid: 'u1', bound: true }).pod, spec: base };
  it.each<[string, Partial<PodSpec>, string | null]>([
    ['an init container image', { initContainers: [{ ...init, image: 'podflow/puller:2' }] }, null],
    ['activeDeadlineSeconds lowered', { activeDeadlineSeconds: 60 }, null],
    ['activeDeadlineSeconds raised', { activeDeadlineSeconds: 6000 }, 'must be less than or equal to previous value'],
    ['activeDeadlineSeconds removed', { activeDeadlineSeconds: undefined }, 'must not update from a positive integer to nil value'],
    ['an init container command', { initContainers: [{ ...init, command: ['sh'] }] }, 'spec.initContainers[0].command'],
  ])('%s', (_name, change, expected) => {
    const found = podUpdateCauses(pod, { metadata: {}, spec: { ...base, ...change } });
    if (expected === null) expect(found).toEqual([]);
    else expect(found.map((c) => c.message).join('\n')).toContain(expected);
  });
});

describe('fields podflow refuses rather than ignore', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['hostNetwork', { hostNetwork: true }, 'spec.hostNetwork: Forbidden: podflow runs every pod in its own network namespace'],
    ['hostPID', { hostPID: true }, 'spec.hostPID: Forbidden'],
    ['hostIPC', { hostIPC: true }, 'spec.hostIPC: Forbidden'],
    ['dnsPolicy None', { dnsPolicy: 'None' }, 'spec.dnsPolicy: Forbidden: podflow takes no dnsConfig'],
    ['a disk emptyDir sizeLimit', { volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gi' } }] }, 'spec.volumes[0].emptyDir.sizeLimit: Forbidden'],
    [
      'a subPath into a Memory emptyDir',
      { volumes: [{ name: 'v', emptyDir: { medium: 'Memory' } }], containers: [{ name: 'app', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/v', subPath: 'a' }] }] },
      'spec.containers[0].volumeMounts[0].subPath: Forbidden',
    ],
  ])('%s', (_name, spec, expected) => {
    expect(causes(spec).some((c) => c.startsWith(expected))).toBe(true);
  });

  it('accepts what it honours: Memory emptyDir with sizeLimit, subPath on a disk emptyDir, dnsPolicy Default', () => {
    expect(causes({ dnsPolicy: 'Default', volumes: [{ name: 'm', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }, { name: 'd', emptyDir: {} }], containers: [{ name: 'app', image: 'x', volumeMounts: [{ name: 'd', mountPath: '/d', subPath: 'a/b' }, { name: 'm', mountPath: '/m' }] }] })).toEqual([]);
  });
});

describe('init containers under the security rules', () => {
  const spec = { initContainers: [{ name: 'setup', image: 'x', securityContext: { privileged: true } }], containers: [{ name: 'app', image: 'x' }] };
  it('a privileged init container violates baseline at its own path', () => {
    expect(checkPodSecurity(spec, 'baseline').map((c) => c.field)).toContain('spec.initContainers[0].securityContext.privileged');
  });
  it('a privileged init container needs the cluster to allow privileged', () => {
    expect(admitPod({ metadata: { name: 'p', namespace: 'default' }, spec }, { allowPrivileged: false, namespaceLevels: {}, defaultLevel: 'privileged' }).map((c) => c.field)).toContain('spec.initContainers[0].securityContext.privileged');
  });
});
