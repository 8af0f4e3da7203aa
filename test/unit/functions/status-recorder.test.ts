/**
 * The status-recorder handler on in-memory ports, given/when/then: an agent's
 * report moves the pod to Running with its events in the history; an older
 * report of the same boot changes nothing; a report for another uid (a stale
 * copy) never touches the current pod.
 */
import { makeStatusRecorder } from '../../../functions/status-recorder/handler';
import { memoryPorts } from '../../../shared/adapters/memory';
import type { PodRecord } from '../../../shared/ports';
import { running } from '../../helpers/events';
import { aRecordedPod } from '../../helpers/factories';

async function given() {
  const ports = memoryPorts();
  const handle = makeStatusRecorder(ports);
  const pod = aRecordedPod({ name: 'web', uid: 'uid-web', nodeName: 'n1' });
  const record: PodRecord = { namespace: 'default', name: 'web', uid: 'uid-web', version: 2, pod, nodeName: 'n1', deleted: false };
  await ports.podStore.put(record, null);
  return { ports, handle, pod };
}

describe('status-recorder handler', () => {
  it('records a Running report: phase, pod IP and the Started event', async () => {
    const { ports, handle, pod } = await given();
    await handle(running(pod, 'n1', 1));
    const stored = (await ports.podStore.get('default', 'web'))!;
    expect(stored.pod.status).toMatchObject({ phase: 'Running', podIP: '10.0.0.9' });
    expect(ports.historyStore.entries.map((e) => e.reason)).toEqual(['Started']);
    expect(ports.publisher.ofType('PodChanged')).toHaveLength(1);
  });

  it('ignores a report older than the one recorded from the same boot', async () => {
    const { ports, handle, pod } = await given();
    await handle(running(pod, 'n1', 2));
    const version = (await ports.podStore.get('default', 'web'))!.version;
    await handle(running({ ...pod, status: { phase: 'Pending' } }, 'n1', 1));
    expect((await ports.podStore.get('default', 'web'))!.version).toBe(version);
  });

  it('never applies a report of another incarnation to the current pod', async () => {
    const { ports, handle, pod } = await given();
    await handle(running({ ...pod, metadata: { ...pod.metadata, uid: 'uid-old' } }, 'n1', 1));
    expect((await ports.podStore.get('default', 'web'))!.pod.status.phase).toBe('Pending');
  });
});
