import { streamTarget } from '../../../api/stream-target';
import type { PodRecord } from '../../../shared/ports';
import { aRecordedPod } from '../../helpers/factories';

function record(o: { containers?: string[]; annotation?: string; phase?: 'Running' | 'Succeeded' | 'Failed'; nodeName?: string; deleted?: boolean } = {}): PodRecord {
  const pod = aRecordedPod({ name: 'web', uid: 'u1', spec: { containers: (o.containers ?? ['sidecar', 'web']).map((name) => ({ name, image: 'podflow/web:1' })) } });
  if (o.annotation) pod.metadata.annotations = { 'kubectl.kubernetes.io/default-container': o.annotation };
  pod.status = { phase: o.phase ?? 'Running' };
  return { namespace: 'default', name: 'web', uid: 'u1', version: 3, pod, nodeName: o.nodeName ?? 'n1', deleted: o.deleted ?? false };
}

describe('streamTarget: where exec, attach and port-forward go', () => {
  it.each([
    ['the container asked for', record(), 'web', 'web'],
    ['the default-container annotation without -c', record({ annotation: 'web' }), undefined, 'web'],
    ['the first container when the annotation names none of them', record({ annotation: 'gone' }), undefined, 'sidecar'],
    ['the first container without annotation', record(), undefined, 'sidecar'],
    ['-c over the annotation', record({ annotation: 'web' }), 'sidecar', 'sidecar'],
  ])('picks %s', (_what, rec, requested, container) => {
    expect(streamTarget(rec, 'web', 'exec', requested)).toEqual({ ok: true, nodeName: 'n1', uid: 'u1', container });
  });

  it.each([
    ['a missing pod', null, 'exec', undefined, 404, 'pods "web" not found'],
    ['a deleted pod', record({ deleted: true }), 'exec', undefined, 404, 'pods "web" not found'],
    ['a container the pod lacks', record(), 'exec', 'nope', 400, 'container nope is not valid for pod web'],
    ['a completed pod', record({ phase: 'Succeeded' }), 'exec', undefined, 400, 'cannot exec into a container in a completed pod; current phase is Succeeded'],
    ['attach to a failed pod', record({ phase: 'Failed' }), 'attach', undefined, 400, 'cannot attach to a container in a completed pod; current phase is Failed'],
    ['an unscheduled pod', { ...record(), nodeName: undefined }, 'portforward', undefined, 400, 'pod web does not have a host assigned'],
  ] as const)('refuses %s', (_what, rec, verb, requested, code, message) => {
    expect(streamTarget(rec, 'web', verb, requested)).toMatchObject({ ok: false, status: { kind: 'Status', status: 'Failure', code, message } });
  });
});
