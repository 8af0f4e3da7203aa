import { containerSpecFor, emptyDirNames, hostPortsFor, mountsFor } from '../../../agent/runtime/container-config';
import { DEFAULT_CAPABILITIES } from '../../../shared/pod/admission';
import type { Container } from '../../../shared/pod/schema';
import { canonicalJson, containerSpecHash, LABELS, podHostname } from '../../../agent/runtime/labels';
import { aRecordedPod } from '../../helpers/factories';

describe('container config for Docker', () => {
  const pod = aRecordedPod({
    name: 'web',
    uid: 'uid-1',
    spec: {
      volumes: [{ name: 'html', emptyDir: {} }, { name: 'host', hostPath: { path: '/srv/data' } }],
      containers: [
        {
          name: 'app',
          image: 'podflow/web:1',
          command: ['httpd'],
          args: ['-f'],
          env: [{ name: 'A', value: '1' }, { name: 'B' }],
          resources: { limits: { cpu: '250m', memory: '64Mi' } },
          volumeMounts: [{ name: 'html', mountPath: '/www', readOnly: true }, { name: 'host', mountPath: '/data', subPath: 'x' }],
          securityContext: { runAsUser: 1000, runAsGroup: 1000, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  });

  it('maps limits to NanoCpus and Memory, command/args to entrypoint/cmd, env to KEY=value', () => {
    const spec = containerSpecFor(pod, pod.spec.containers[0], 'n1', 'sandbox-id', 2);
    expect(spec).toMatchObject({
      entrypoint: ['httpd'],
      cmd: ['-f'],
      env: ['A=1', 'B='],
      nanoCpus: 250_000_000,
      memoryBytes: 64 * 1024 * 1024,
      user: '1000:1000',
      capDrop: ['ALL'],
      sandboxId: 'sandbox-id',
    });
  });

  it('mounts emptyDir as a volume named by the pod uid and hostPath as a bind', () => {
    const spec = containerSpecFor(pod, pod.spec.containers[0], 'n1', 'sb', 0);
    expect(spec.mounts).toEqual([
      { type: 'volume', source: 'pf_uid-1_html', target: '/www', readOnly: true },
      { type: 'bind', source: '/srv/data/x', target: '/data', readOnly: false },
    ]);
    expect(emptyDirNames(pod)).toEqual([{ volume: 'html', runtimeName: 'pf_uid-1_html', options: {} }]);
  });

  it('makes a Memory emptyDir a tmpfs of its sizeLimit, a subPath a directory inside the volume, and hostPorts the sandbox\'s', () => {
    const p = {
      ...pod,
      spec: {
        ...pod.spec,
        volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory' as const, sizeLimit: '1Mi' } }, { name: 'html', emptyDir: {} }],
        containers: [{ name: 'web', image: 'i', ports: [{ containerPort: 80, hostPort: 8080 }], volumeMounts: [{ name: 'html', mountPath: '/www', subPath: 'site/a' }] }],
      },
    };
    expect(emptyDirNames(p).map((v) => v.options)).toEqual([{ memory: { sizeBytes: 1048576 } }, {}]);
    expect(mountsFor(p, p.spec.containers[0])).toEqual([{ type: 'volume', source: 'pf_uid-1_html', target: '/www', readOnly: false, subPath: 'site/a' }]);
    expect(hostPortsFor(p)).toEqual([{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }]);
  });

  it('labels the container with identity, attempt, sandbox and spec hash', () => {
    const spec = containerSpecFor(pod, pod.spec.containers[0], 'n1', 'sb', 3);
    expect(spec.labels).toMatchObject({
      [LABELS.node]: 'n1',
      [LABELS.uid]: 'uid-1',
      [LABELS.namespace]: 'default',
      [LABELS.name]: 'web',
      [LABELS.container]: 'app',
      [LABELS.attempt]: '3',
      [LABELS.sandboxId]: 'sb',
      [LABELS.specHash]: containerSpecHash(pod.spec.containers[0]),
    });
    expect(spec.name).toContain('uid-1_3');
  });

  it('hashes a spec independently of key order, and differently when it changes', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(containerSpecHash({ name: 'a', image: 'x:1' })).toBe(containerSpecHash({ image: 'x:1', name: 'a' }));
    expect(containerSpecHash({ name: 'a', image: 'x:1' })).not.toBe(containerSpecHash({ name: 'a', image: 'x:2' }));
  });

  it.each([
    ['web', 'web'],
    ['a'.repeat(70), 'a'.repeat(63)],
    [`${'b'.repeat(62)}-x`, 'b'.repeat(62)],
  ])('hostname of pod %s is %s', (name, host) => {
    expect(podHostname(name)).toBe(host);
  });

  it.each<[string, Container['securityContext'], { privileged: boolean; capDrop: string[]; capAdd: readonly string[]; securityOpt: string[] }]>([
    ['no security context: no-new-privileges, default capabilities only', undefined, { privileged: false, capDrop: ['ALL'], capAdd: [...DEFAULT_CAPABILITIES].sort(), securityOpt: ['no-new-privileges:true'] }],
    ['privileged: nothing dropped, no no-new-privileges', { privileged: true }, { privileged: true, capDrop: [], capAdd: [], securityOpt: [] }],
    ['drop ALL, add NET_ADMIN: exactly NET_ADMIN', { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } }, { privileged: false, capDrop: ['ALL'], capAdd: ['NET_ADMIN'], securityOpt: ['no-new-privileges:true'] }],
    ['allowPrivilegeEscalation: no no-new-privileges', { allowPrivilegeEscalation: true, capabilities: { drop: ['ALL'] } }, { privileged: false, capDrop: ['ALL'], capAdd: [], securityOpt: [] }],
  ])('hardens the runtime config: %s', (_, securityContext, expected) => {
    const container: Container = { name: 'c', image: 'podflow/base:1', ...(securityContext ? { securityContext } : {}) };
    const p = aRecordedPod({ name: 'sec', uid: 'uid-2', spec: { containers: [container] } });
    const spec = containerSpecFor(p, container, 'n1', 'sb', 0);
    expect({ privileged: spec.privileged, capDrop: spec.capDrop, capAdd: spec.capAdd, securityOpt: spec.securityOpt }).toEqual(expected);
  });
});
