/**
 * The whole core/v1 PodSpec is parsed; what podflow does not enforce earns a
 * Warning at its path, and a value that changes nothing here earns none.
 */
import { validatePodManifest } from '../../../shared/pod/validate';
import { unenforcedWarnings } from '../../../shared/pod/unenforced';

const container = { name: 'app', image: 'nginx:1.27' };

describe('fields podflow parses but does not enforce', () => {
  it.each<[string, object, string[]]>([
    ['a plain pod', {}, []],
    ['a service account', { serviceAccountName: 'web' }, ['spec.serviceAccountName is not enforced by podflow: no service account token is mounted']],
    ['spread constraints', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }, ['spec.topologySpreadConstraints is not enforced by podflow']],
    [
      'pod anti-affinity (node affinity is enforced)',
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }] } }, podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone' }] } } },
      ['spec.affinity.podAntiAffinity is not enforced by podflow: only node affinity, nodeSelector and nodeName place pods'],
    ],
    ['an empty affinity asks for nothing', { affinity: {} }, []],
    ['values that change nothing here', { enableServiceLinks: false, automountServiceAccountToken: false, serviceAccountName: 'default', priority: 0, preemptionPolicy: 'PreemptLowerPriority', os: { name: 'linux' } }, []],
    ['a priority above the default', { priority: 1000 }, ['spec.priority is not enforced by podflow: pods are scheduled in arrival order, without preemption']],
    ['a pod fsGroup', { securityContext: { fsGroup: 2000, runAsGroup: 3000 } }, ['spec.securityContext.fsGroup is not enforced by podflow']],
    [
      'a seccomp profile on the second container (its envFrom is served)',
      { containers: [container, { name: 'side', image: 'x:1', envFrom: [{ configMapRef: { name: 'cfg' } }], securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }] },
      [
        'spec.containers[1].securityContext.seccompProfile is not enforced by podflow',
      ],
    ],
  ])('%s', (_name, spec, warnings) => {
    const full = { containers: [container], ...spec };
    expect(validatePodManifest({ metadata: { name: 'web', namespace: 'default' }, spec: full }).ok).toBe(true);
    expect(unenforcedWarnings(full)).toEqual(warnings);
  });

  it('words a template’s warnings at the template’s paths', () => {
    expect(unenforcedWarnings({ containers: [container], priorityClassName: 'high' }, 'spec.template.spec')).toEqual([
      'spec.template.spec.priorityClassName is not enforced by podflow: pods are scheduled in arrival order, without preemption',
    ]);
  });

  it('still refuses a field of the wrong shape, with its path', () => {
    const result = validatePodManifest({ metadata: { name: 'web' }, spec: { containers: [container], affinity: 'yes please' } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.causes.map((c) => c.field)).toContain('spec.affinity');
  });
});
