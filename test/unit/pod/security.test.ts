import type { StatusCause } from '../../../shared/events/status';
import { checkPodSecurity, type SecurityLevel } from '../../../shared/pod/security';
import { manifestWith, type Json } from './manifests';

/** A spec that satisfies `restricted`: the starting point each row breaks in one way. */
function restrictedSpec(change: (s: Json) => void = () => {}): Json {
  const m = manifestWith((x) => {
    x.spec.securityContext = { runAsNonRoot: true };
    for (const c of x.spec.containers) c.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  });
  change(m.spec);
  return m.spec;
}

const forbidden = (field: string, level: SecurityLevel, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', field, message: `Forbidden: violates PodSecurity "${level}": ${detail}` });

describe('checkPodSecurity', () => {
  it.each<SecurityLevel>(['privileged', 'baseline', 'restricted'])('admits a hardened spec at %s', (level) => {
    expect(checkPodSecurity(restrictedSpec(), level)).toEqual([]);
  });

  it.each<[string, (s: Json) => void, StatusCause[]]>([
    ['privileged containers', (s) => (s.containers[1].securityContext.privileged = true), [forbidden('spec.containers[1].securityContext.privileged', 'baseline', 'privileged (container "sidecar" must not set securityContext.privileged=true)')]],
    ['hostNetwork', (s) => (s.hostNetwork = true), [forbidden('spec.hostNetwork', 'baseline', 'host namespaces (hostNetwork=true)')]],
    ['hostPID', (s) => (s.hostPID = true), [forbidden('spec.hostPID', 'baseline', 'host namespaces (hostPID=true)')]],
    ['hostIPC', (s) => (s.hostIPC = true), [forbidden('spec.hostIPC', 'baseline', 'host namespaces (hostIPC=true)')]],
    ['hostPath volumes', (s) => s.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }), [forbidden('spec.volumes[1].hostPath', 'baseline', 'hostPath volumes (volume "docker")')]],
    ['host ports', (s) => (s.containers[0].ports[0].hostPort = 80), [forbidden('spec.containers[0].ports[0].hostPort', 'baseline', 'hostPort (container "app" uses hostPort 80)')]],
    [
      'capabilities beyond the default set',
      (s) => (s.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'CAP_SYS_ADMIN']),
      [forbidden('spec.containers[0].securityContext.capabilities.add[1]', 'baseline', 'non-default capabilities (container "app" must not include "CAP_SYS_ADMIN" in securityContext.capabilities.add)')],
    ],
  ])('baseline refuses %s', (_name, change, expected) => {
    const spec = restrictedSpec(change);
    expect(checkPodSecurity(spec, 'baseline')).toEqual(expected);
    expect(checkPodSecurity(spec, 'privileged')).toEqual([]);
    // restricted refuses at least what baseline refuses, worded with its own level.
    expect(checkPodSecurity(spec, 'restricted')).toEqual(expect.arrayContaining(expected.map((c) => ({ ...c, message: c.message!.replace('"baseline"', '"restricted"') }))));
  });

  it.each<[string, (s: Json) => void, StatusCause[]]>([
    [
      'privilege escalation left allowed',
      (s) => delete s.containers[0].securityContext.allowPrivilegeEscalation,
      [forbidden('spec.containers[0].securityContext.allowPrivilegeEscalation', 'restricted', 'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)')],
    ],
    [
      'no runAsNonRoot anywhere',
      (s) => delete s.securityContext,
      [
        forbidden('spec.containers[0].securityContext.runAsNonRoot', 'restricted', 'runAsNonRoot != true (container "app" must set securityContext.runAsNonRoot=true)'),
        forbidden('spec.containers[1].securityContext.runAsNonRoot', 'restricted', 'runAsNonRoot != true (container "sidecar" must set securityContext.runAsNonRoot=true)'),
      ],
    ],
    ['a container that sets runAsNonRoot itself', (s) => { delete s.securityContext; s.containers[0].securityContext.runAsNonRoot = true; s.containers[1].securityContext.runAsNonRoot = true; }, []],
    [
      'a container that overrides the pod with runAsNonRoot=false',
      (s) => (s.containers[1].securityContext.runAsNonRoot = false),
      [forbidden('spec.containers[1].securityContext.runAsNonRoot', 'restricted', 'runAsNonRoot != true (container "sidecar" must set securityContext.runAsNonRoot=true)')],
    ],
    ['a pod-level runAsNonRoot=false, reported once', (s) => (s.securityContext.runAsNonRoot = false), [forbidden('spec.securityContext.runAsNonRoot', 'restricted', 'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)')]],
    ['runAsUser 0', (s) => (s.containers[0].securityContext.runAsUser = 0), [forbidden('spec.containers[0].securityContext.runAsUser', 'restricted', 'runAsUser=0 (container "app" must not set runAsUser=0)')]],
    [
      'capabilities not dropped',
      (s) => (s.containers[1].securityContext.capabilities.drop = ['NET_RAW']),
      [forbidden('spec.containers[1].securityContext.capabilities.drop', 'restricted', 'unrestricted capabilities (container "sidecar" must set securityContext.capabilities.drop=["ALL"])')],
    ],
    ['NET_BIND_SERVICE added back', (s) => (s.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE']), []],
    [
      'a default capability added back',
      (s) => (s.containers[0].securityContext.capabilities.add = ['chown']),
      [forbidden('spec.containers[0].securityContext.capabilities.add[0]', 'restricted', 'unrestricted capabilities (container "app" must not include "chown" in securityContext.capabilities.add)')],
    ],
  ])('restricted refuses %s', (_name, change, expected) => {
    const spec = restrictedSpec(change);
    expect(checkPodSecurity(spec, 'restricted')).toEqual(expected);
    expect(checkPodSecurity(spec, 'baseline')).toEqual([]);
  });

  it('reports each violation of a very unsafe spec, with its own field', () => {
    const spec = restrictedSpec((s) => {
      s.hostNetwork = true;
      s.hostPID = true;
      s.containers[0].securityContext = { privileged: true, capabilities: { add: ['NET_ADMIN'] } };
      s.volumes.push({ name: 'root', hostPath: { path: '/' } });
    });
    expect(checkPodSecurity(spec, 'baseline').map((c) => c.field)).toEqual([
      'spec.hostNetwork',
      'spec.hostPID',
      'spec.volumes[1].hostPath',
      'spec.containers[0].securityContext.privileged',
      'spec.containers[0].securityContext.capabilities.add[0]',
    ]);
  });

  it.each([undefined, null, 5, 'x', [], { containers: 'no' }, { containers: [null, 5, { securityContext: 'x' }] }])('never throws on a malformed spec (%p)', (spec) => {
    expect(() => checkPodSecurity(spec, 'restricted')).not.toThrow();
  });
});
