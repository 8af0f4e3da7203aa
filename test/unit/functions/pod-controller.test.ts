/**
 * The pod-controller handler on in-memory ports, given/when/then: a create is
 * recorded once and announced; a redelivered create writes nothing and
 * repeats the same events; an invalid create is answered, not stored; a
 * delete of a pod never scheduled removes it at once; a create the
 * cluster's admission refuses is answered, not stored, whoever published it.
 */
import { makePodController } from '../../../functions/pod-controller/handler';
import { memoryPorts } from '../../../shared/adapters/memory';
import { makeEvent, TOPICS, type PodCreateRequested, type PodDeleteRequested } from '../../../shared/events';
import { aPodSpec } from '../../helpers/factories';
import { admitPod, DEFAULT_ADMISSION_POLICY } from '../../../shared/pod/admission';
import { podUid } from '../../../shared/pod/uid';

function given() {
  const ports = memoryPorts();
  const handle = makePodController({ ...ports, admit: (pod) => admitPod(pod, DEFAULT_ADMISSION_POLICY) });
  const create = (name: string, id = `req-${name}`, spec = aPodSpec()) =>
    makeEvent<PodCreateRequested>('PodCreateRequested', `default/${name}`, { pod: { metadata: { name, namespace: 'default' }, spec } }, { source: 'api', time: ports.clock.now(), id });
  const remove = (name: string) =>
    makeEvent<PodDeleteRequested>('PodDeleteRequested', `default/${name}`, { namespace: 'default', name }, { source: 'api', time: ports.clock.now(), id: `del-${name}` });
  return { ports, handle, create, remove };
}

describe('pod-controller handler', () => {
  it('records a created pod with a uid it mints from the name and the request id, and announces it (ADDED, PodAccepted, Accepted)', async () => {
    const { ports, handle, create } = given();
    await handle(create('web'));
    const stored = (await ports.podStore.get('default', 'web'))!;
    expect(stored).toMatchObject({ uid: podUid('default', 'web', 'req-web'), version: 1, deleted: false });
    expect(ports.publisher.sent.map((s) => [s.topic, s.event.type])).toEqual([
      [TOPICS.podChanges, 'PodChanged'],
      [TOPICS.podEvents, 'PodAccepted'],
    ]);
    expect(ports.historyStore.entries.map((e) => e.reason)).toEqual(['Accepted']);
  });

  it('writes nothing for a redelivered create and repeats the same events (the outbox rule)', async () => {
    const { ports, handle, create } = given();
    await handle(create('web'));
    await handle(create('web'));
    expect((await ports.podStore.get('default', 'web'))!.version).toBe(1);
    const ids = ports.publisher.sent.map((s) => s.event.id);
    expect(ids.slice(2)).toEqual(ids.slice(0, 2));
  });

  it('answers a create of a taken name with AlreadyExists and keeps the pod', async () => {
    const { ports, handle, create } = given();
    await handle(create('web', 'first'));
    await handle(create('web', 'second'));
    expect((await ports.podStore.get('default', 'web'))!.uid).toBe(podUid('default', 'web', 'first'));
    const rejected = ports.publisher.ofType('PodRequestRejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0].data as { status: { reason: string } }).status.reason).toBe('AlreadyExists');
  });

  it('removes a pod that was never scheduled at once, leaving a tombstone and a DELETED change', async () => {
    const { ports, handle, create, remove } = given();
    await handle(create('web'));
    await handle(remove('web'));
    expect((await ports.podStore.get('default', 'web'))!.deleted).toBe(true);
    expect(ports.publisher.ofType('PodChanged').map((e) => (e.data as { change: string }).change)).toEqual(['ADDED', 'DELETED']);
  });

  it.each([
    ['a privileged container', { privileged: true }, 'spec.containers[0].securityContext.privileged'],
    ['every capability', { capabilities: { add: ['ALL'] } }, 'spec.containers[0].securityContext.capabilities.add[0]'],
    ['SYS_ADMIN', { capabilities: { add: ['CAP_SYS_ADMIN'] } }, 'spec.containers[0].securityContext.capabilities.add[0]'],
  ])('refuses a create from outside the API asking for %s: answered on pod-changes, nothing stored', async (_what, securityContext, field) => {
    const { ports, handle, create } = given();
    const spec = aPodSpec();
    await handle(create('root', 'req-root', { ...spec, containers: [{ ...spec.containers[0], securityContext }] }));
    expect(await ports.podStore.get('default', 'root')).toBeNull();
    const rejected = ports.publisher.ofType('PodRequestRejected');
    expect(rejected).toHaveLength(1);
    const status = (rejected[0].data as { status: { reason: string; details: { causes: { field: string; message: string }[] } } }).status;
    expect(status.reason).toBe('Invalid');
    expect(status.details.causes).toEqual([{ reason: 'FieldValueForbidden', field, message: 'Forbidden: disallowed by cluster policy' }]);
  });

  it('admits the baseline capabilities a default-namespace pod may add', async () => {
    const { ports, handle, create } = given();
    const spec = aPodSpec();
    await handle(create('web', 'req-web', { ...spec, containers: [{ ...spec.containers[0], securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'] } } }] }));
    expect(await ports.podStore.get('default', 'web')).not.toBeNull();
  });
});
