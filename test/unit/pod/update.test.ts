import { makeEvent, type PodAssigned, type PodChanged, type PodRequestRejected, type PodUpdateRequested } from '../../../shared/events';
import { decide, type PodDecision } from '../../../shared/pod/decider';
import type { PodSpec } from '../../../shared/pod/schema';
import { podUpdateCauses, POD_UPDATE_FORBIDDEN } from '../../../shared/pod/update-rules';
import type { PodRecord } from '../../../shared/ports';
import { context, sent, stored, T1 } from './given';

const spec = (o: Partial<PodSpec['containers'][0]> = {}, rest: Partial<PodSpec> = {}): PodSpec => ({
  containers: [{ name: 'app', image: 'podflow/web:1', imagePullPolicy: 'IfNotPresent', ...o }],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  ...rest,
});

function update(id: string, o: { uid?: string; resourceVersion?: string; labels?: Record<string, string>; spec?: PodSpec } = {}): PodUpdateRequested {
  const data: PodUpdateRequested['data'] = { namespace: 'default', name: 'web', uid: o.uid ?? 'u1', metadata: { labels: o.labels ?? { app: 'web' } }, spec: o.spec ?? spec() };
  if (o.resourceVersion) data.resourceVersion = o.resourceVersion;
  return makeEvent<PodUpdateRequested>('PodUpdateRequested', 'default/web', data, { source: 'api', time: T1, id });
}

const status = (d: PodDecision) => (d.kind === 'publish' ? (d.outbound.find((o) => o.event.type === 'PodRequestRejected')?.event as PodRequestRejected | undefined)?.data.status : undefined);

describe('what an update may change on a pod', () => {
  const pod = stored({ uid: 'u1', bound: true }).pod;
  it.each<[string, PodSpec, string | null]>([
    ['the image of a container', spec({ image: 'podflow/web:2' }), null],
    ['an added toleration', spec({}, { tolerations: [{ key: 'k', operator: 'Exists' }] }), null],
    ['nothing (the binding kept although the body lacks it)', spec(), null],
    ['the command of a container', spec({ command: ['sh'] }), 'spec.containers[0].command'],
    ['the restart policy', spec({}, { restartPolicy: 'Never' }), 'spec.restartPolicy'],
    ['a new container', { ...spec(), containers: [...spec().containers, { name: 'b', image: 'b:1', imagePullPolicy: 'IfNotPresent' }] }, 'spec.containers'],
  ])('%s', (_name, next, changed) => {
    const causes = podUpdateCauses(pod, { metadata: {}, spec: next });
    if (!changed) expect(causes).toEqual([]);
    else {
      expect(causes).toHaveLength(1);
      expect(causes[0]).toMatchObject({ field: 'spec', reason: 'FieldValueForbidden' });
      expect(causes[0].message).toContain(`Forbidden: ${POD_UPDATE_FORBIDDEN}`);
      expect(causes[0].message).toContain(changed);
    }
  });

  it('refuses a metadata change the update command cannot carry, instead of dropping it', () => {
    expect(podUpdateCauses(pod, { metadata: { finalizers: ['x'] }, spec: spec() })).toEqual([expect.objectContaining({ field: 'metadata.finalizers', reason: 'FieldValueForbidden' })]);
    expect(podUpdateCauses(pod, { metadata: { finalizers: [] }, spec: spec() })).toEqual([]);
  });

  it('refuses removing a toleration', () => {
    const tolerated = { ...pod, spec: { ...pod.spec, tolerations: [{ key: 'k', operator: 'Exists' as const }] } };
    expect(podUpdateCauses(tolerated, { metadata: {}, spec: spec() })).toHaveLength(1);
  });
});

describe('the pod decider on PodUpdateRequested', () => {
  const bound = stored({ uid: 'u1', bound: true });
  const types = (d: PodDecision) => sent(d).map((s) => s.split(' ').slice(0, 2).join(' '));

  it.each<[string, PodRecord | null, PodUpdateRequested, string[], number | undefined]>([
    ['a label change is stored and seen on the feed, not sent to the node', bound, update('r1', { labels: { app: 'web', tier: 'front' } }), ['pod-changes PodChanged'], undefined],
    ['an image change is stored, bumps the generation and reassigns the pod to its node', bound, update('r1', { spec: spec({ image: 'podflow/web:2' }) }), ['pod-changes PodChanged', 'node-assignments PodAssigned'], 2],
    ['an image change of an unscheduled pod is only stored', stored({ uid: 'u1' }), update('r1', { spec: spec({ image: 'podflow/web:2' }) }), ['pod-changes PodChanged'], 2],
  ])('%s', (_name, given, when, outbound, generation) => {
    const d = decide(given, when, context());
    expect(d.kind).toBe('write');
    expect(types(d)).toEqual(outbound);
    if (d.kind !== 'write') return;
    expect(d.expectedVersion).toBe(given!.version);
    expect(d.record.version).toBe(given!.version + 1);
    expect(d.record.pod.metadata.generation).toBe(generation);
    expect(d.record.pod.status).toEqual(given!.pod.status);
    expect(d.history[0]).toMatchObject({ reason: 'Updated' });
    const assigned = d.outbound.find((o) => o.event.type === 'PodAssigned')?.event as PodAssigned | undefined;
    if (assigned) expect(assigned.data.pod.spec.containers[0].image).toBe('podflow/web:2');
    expect((d.outbound[0].event as PodChanged).data.change).toBe('MODIFIED');
  });

  it.each<[string, PodRecord | null, PodUpdateRequested, number, string]>([
    ['a missing pod answers 404', null, update('r1'), 404, 'pods "web" not found'],
    ['another incarnation answers 409', bound, update('r1', { uid: 'u0' }), 409, 'Precondition failed: UID in precondition: u0, UID in object meta: u1'],
    ['a stale resourceVersion answers 409', bound, update('r1', { labels: { a: 'b' }, resourceVersion: '6' }), 409, 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again'],
    ['a forbidden change answers 422', bound, update('r1', { spec: spec({ command: ['sh'] }) }), 422, 'The Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than'],
    ['an invalid label (from any producer) answers 422', bound, update('r1', { labels: { 'bad key!': 'x' } }), 422, 'The Pod "web" is invalid: metadata.labels: Invalid value: "bad key!"'],
  ])('%s', (_name, given, when, code, message) => {
    const s = status(decide(given, when, context()));
    expect(s?.code).toBe(code);
    expect(s?.message).toContain(message);
  });

  it('a replayed update finds the pod already changed and re-publishes without writing', () => {
    const first = decide(bound, update('r1', { labels: { tier: 'front' }, resourceVersion: '7' }), context());
    if (first.kind !== 'write') throw new Error('expected a write');
    const again = decide(first.record, update('r1', { labels: { tier: 'front' }, resourceVersion: '7' }), context());
    expect(again.kind).toBe('publish');
    expect(sent(again)).toEqual(['pod-changes PodChanged r1:modified MODIFIED']);
  });
});
