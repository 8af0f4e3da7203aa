import type { StatusCause } from '../../../shared/events/status';
import { admissionPolicyFromEnv, admitPod, admitTemplate, containerSecurityDefaults, DEFAULT_ADMISSION_POLICY, DEFAULT_CAPABILITIES, levelFor, nodeRefusal, type AdmissionPolicy, type NodeCapabilities } from '../../../shared/pod/admission';
import { invalid } from '../../../shared/kube/status';
import { manifestWith } from './manifests';

const privilegedAt = (index: number) => manifestWith((m) => (m.spec.containers[index].securityContext = { privileged: true }));
/** A level as a policy file might spell it, possibly wrongly. */
type SecurityLevelish = string | undefined;
const policy = (o: Partial<AdmissionPolicy> = {}): AdmissionPolicy => ({ ...DEFAULT_ADMISSION_POLICY, ...o });
const withCapabilities = (add: string[]) => manifestWith((m) => (m.spec.containers[0].securityContext = { capabilities: { add } }));

describe('admitPod', () => {
  it.each([0, 1])('refuses a privileged container %p when the cluster forbids it, naming its real index', (index) => {
    const causes = admitPod(privilegedAt(index), policy());
    expect(causes).toEqual([{ reason: 'FieldValueForbidden', field: `spec.containers[${index}].securityContext.privileged`, message: 'Forbidden: disallowed by cluster policy' }]);
    expect(invalid('Pod', 'web', causes).message).toBe(`The Pod "web" is invalid: spec.containers[${index}].securityContext.privileged: Forbidden: disallowed by cluster policy`);
  });

  it('refuses by cluster policy once, even when the namespace level refuses privileged too', () => {
    const causes = admitPod(privilegedAt(0), policy({ defaultLevel: 'baseline' }));
    expect(invalid('Pod', 'web', causes).message).toBe('The Pod "web" is invalid: spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy');
  });

  it.each<[string, AdmissionPolicy, string[]]>([
    ['cluster allows, no level enforced', policy({ allowPrivileged: true, defaultLevel: 'privileged' }), []],
    ['cluster allows, namespace baseline (the default)', policy({ allowPrivileged: true }), ['spec.containers[0].securityContext.privileged']],
    ['cluster allows, namespace privileged by setting', policy({ allowPrivileged: true, namespaceLevels: { default: 'privileged' } }), []],
    ['cluster allows, other namespace privileged', policy({ allowPrivileged: true, namespaceLevels: { other: 'privileged' } }), ['spec.containers[0].securityContext.privileged']],
    ['cluster allows, default level restricted', policy({ allowPrivileged: true, defaultLevel: 'restricted' }), ['spec.containers[0].securityContext.privileged']],
  ])('applies the namespace level after the cluster policy: %s', (_name, p, fields) => {
    const causes = admitPod(privilegedAt(0), p);
    expect(causes.filter((c) => c.field!.endsWith('.privileged')).map((c) => c.field)).toEqual(fields);
  });

  it('admits an ordinary pod under the default policy', () => {
    expect(admitPod(manifestWith(() => {}), DEFAULT_ADMISSION_POLICY)).toEqual([]);
  });

  it('refuses a hostPath volume in a baseline namespace, with the namespace taken from the manifest', () => {
    const m = manifestWith((x) => {
      x.metadata.namespace = 'team-a';
      x.spec.volumes.push({ name: 'host', hostPath: { path: '/srv' } });
    });
    const p = policy({ namespaceLevels: { 'team-a': 'baseline' } });
    expect(admitPod(m, p)).toEqual<StatusCause[]>([{ reason: 'FieldValueForbidden', field: 'spec.volumes[1].hostPath', message: 'Forbidden: violates PodSecurity "baseline": hostPath volumes (volume "host")' }]);
    expect(admitPod({ ...m, metadata: { ...m.metadata, namespace: 'team-b' } }, policy({ namespaceLevels: { 'team-b': 'privileged' } }))).toEqual([]);
  });

  it.each<[string, string[], AdmissionPolicy, string[]]>([
    ['ALL, by default', ['ALL'], DEFAULT_ADMISSION_POLICY, ['Forbidden: disallowed by cluster policy']],
    ['SYS_ADMIN in a privileged namespace, cluster forbidding', ['CAP_SYS_ADMIN'], policy({ defaultLevel: 'privileged' }), ['Forbidden: disallowed by cluster policy']],
    [
      'NET_ADMIN with the cluster allowing, namespace baseline',
      ['net_admin'],
      policy({ allowPrivileged: true }),
      ['Forbidden: violates PodSecurity "baseline": non-default capabilities (container "app" must not include "net_admin" in securityContext.capabilities.add)'],
    ],
    ['ALL with the cluster allowing, namespace privileged', ['ALL'], policy({ allowPrivileged: true, defaultLevel: 'privileged' }), []],
    ['the baseline set, by default', ['NET_BIND_SERVICE', 'CAP_CHOWN', 'kill'], DEFAULT_ADMISSION_POLICY, []],
  ])('gates capabilities beyond the baseline set like privileged: %s', (_name, add, p, messages) => {
    expect(admitPod(withCapabilities(add), p).map((c) => c.message)).toEqual(messages);
  });

  it('admits a template as the pod it creates, with the causes at the template paths', () => {
    const rc = { metadata: { name: 'web', namespace: 'default' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: withCapabilities(['ALL']).spec } } };
    expect(admitTemplate(rc, (pod) => admitPod(pod, DEFAULT_ADMISSION_POLICY))).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.template.spec.containers[0].securityContext.capabilities.add[0]', message: 'Forbidden: disallowed by cluster policy' },
    ]);
    expect(admitTemplate({ metadata: { namespace: 'tools' }, spec: {} }, () => [{ message: 'never asked' }])).toEqual([]);
  });

  it('reads the policy from the environment, baseline unless set, and refuses a malformed level list', () => {
    expect(admissionPolicyFromEnv({})).toEqual({ allowPrivileged: false, namespaceLevels: {}, defaultLevel: 'baseline' });
    expect(admissionPolicyFromEnv({ ALLOW_PRIVILEGED: 'true', POD_SECURITY_LEVELS: ' tools=privileged, team-a=restricted ' })).toEqual({
      allowPrivileged: true,
      namespaceLevels: { tools: 'privileged', 'team-a': 'restricted' },
      defaultLevel: 'baseline',
    });
    expect(() => admissionPolicyFromEnv({ POD_SECURITY_LEVELS: 'tools=root' })).toThrow('POD_SECURITY_LEVELS: bad entry "tools=root" (want namespace=privileged|baseline|restricted)');
  });

  it.each<[string, SecurityLevelish, string]>([
    ['a listed namespace', 'baseline', 'baseline'],
    ['an inherited object key is no namespace entry', undefined, 'baseline'],
    ['an unknown level fails closed', 'lenient', 'restricted'],
  ])('picks the level for %s', (_name, level, expected) => {
    const namespaceLevels = level === undefined ? {} : ({ ns: level } as AdmissionPolicy['namespaceLevels']);
    const ns = level === undefined ? 'toString' : 'ns';
    expect(levelFor(ns, policy({ namespaceLevels }))).toBe(expected);
  });
});

describe('nodeRefusal', () => {
  const node = (o: Partial<NodeCapabilities> = {}): NodeCapabilities => ({ allowPrivileged: true, agentVersion: '0.1.0', allowHostPath: true, ...o });
  const pod = (index: number) => {
    const m = privilegedAt(index);
    m.metadata.namespace = 'team-a';
    return m;
  };

  it.each<[string, NodeCapabilities, number]>([
    ['a node that does not allow privileged containers', node({ allowPrivileged: false }), 0],
    ['a node that does not allow privileged containers (second container)', node({ allowPrivileged: false }), 1],
    ['an agent too old for privileged containers', node({ agentVersion: '0.0.9' }), 0],
    ['an agent whose version cannot be read', node({ agentVersion: 'dev' }), 1],
    ['a pre-release of the first supporting version', node({ agentVersion: '0.1.0-rc.1' }), 0],
  ])('refuses a privileged pod on %s, as the kubelet words it', (_name, n, index) => {
    expect(nodeRefusal(pod(index), n)).toEqual({
      reason: 'FailedValidation',
      message: `Error validating pod "web"."team-a" from api, ignoring: spec.containers[${index}].securityContext.privileged: forbidden`,
    });
  });

  it.each<[string, NodeCapabilities]>([
    ['a capable node', node()],
    ['a newer agent', node({ agentVersion: '1.2.3' })],
    ['a v-prefixed version', node({ agentVersion: 'v0.1.0' })],
  ])('lets %s run a privileged pod', (_name, n) => {
    expect(nodeRefusal(pod(0), n)).toBeNull();
  });

  it('runs an unprivileged pod anywhere', () => {
    expect(nodeRefusal(manifestWith(() => {}), node({ allowPrivileged: false, agentVersion: '0.0.1', allowHostPath: false }))).toBeNull();
  });

  it('lists every refused field in brackets, hostPath included', () => {
    const m = pod(1);
    m.spec.volumes.push({ name: 'host', hostPath: { path: '/srv' } });
    expect(nodeRefusal(m, node({ allowPrivileged: false, allowHostPath: false }))?.message).toBe(
      'Error validating pod "web"."team-a" from api, ignoring: [spec.containers[1].securityContext.privileged: forbidden, spec.volumes[1].hostPath: forbidden]',
    );
  });
});

describe('containerSecurityDefaults', () => {
  const withSc = (securityContext?: object) => ({ name: 'app', image: 'x', ...(securityContext ? { securityContext } : {}) });

  it('gives an ordinary container no-new-privileges and Docker’s default capabilities without NET_RAW', () => {
    expect(containerSecurityDefaults(withSc())).toEqual({
      privileged: false,
      noNewPrivileges: true,
      capDrop: ['ALL'],
      capAdd: [...DEFAULT_CAPABILITIES].sort(),
      securityOpt: ['no-new-privileges:true'],
      readonlyRootfs: false,
    });
    expect(DEFAULT_CAPABILITIES).not.toContain('NET_RAW');
    expect(DEFAULT_CAPABILITIES).toHaveLength(13);
  });

  it.each<[string, object | undefined, Partial<ReturnType<typeof containerSecurityDefaults>>]>([
    ['a privileged container keeps everything', { privileged: true }, { privileged: true, noNewPrivileges: false, capDrop: [], capAdd: [], securityOpt: [] }],
    ['escalation asked for lifts no-new-privileges', { allowPrivilegeEscalation: true }, { noNewPrivileges: false, securityOpt: [] }],
    ['drop ALL then add one keeps only that one', { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }, { capAdd: ['NET_BIND_SERVICE'] }],
    ['added capabilities join the default set, CAP_ prefix or not', { capabilities: { add: ['CAP_NET_ADMIN'] } }, { capAdd: [...DEFAULT_CAPABILITIES, 'NET_ADMIN'].sort() }],
    ['dropped capabilities leave the default set', { capabilities: { drop: ['chown', 'KILL'] } }, { capAdd: DEFAULT_CAPABILITIES.filter((c) => c !== 'CHOWN' && c !== 'KILL').sort() }],
    ['add ALL is honoured', { capabilities: { add: ['ALL'] } }, { capAdd: ['ALL'] }],
    ['user and group become uid:gid', { runAsUser: 1000, runAsGroup: 2000, readOnlyRootFilesystem: true }, { user: '1000:2000', readonlyRootfs: true }],
  ])('%s', (_name, sc, expected) => {
    expect(containerSecurityDefaults(withSc(sc))).toEqual(expect.objectContaining(expected));
  });

  it('takes the user from the pod when the container names none', () => {
    expect(containerSecurityDefaults(withSc(), { runAsUser: 65534 }).user).toBe('65534');
  });
});
