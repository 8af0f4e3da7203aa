import { suiteParts } from '../../helpers/parts';
import { ensureTables, makeDynamoClient, DynamoNodeStore, DynamoPodStore, DynamoHistoryStore } from '../../../shared/adapters/dynamodb';
import { tableNames } from '../../../shared/adapters/dynamodb/tables';
import { batcherFor } from '../../../shared/adapters/dynamodb/batching';
import { ConflictError } from '../../../shared/errors';
import { aNodeDescription, aRecordedPod } from '../../helpers/factories';

describe('DynamoDB stores on DynamoDB Local', () => {
  let pods: DynamoPodStore;
  let nodes: DynamoNodeStore;
  let history: DynamoHistoryStore;
  let client: ReturnType<typeof makeDynamoClient>;
  let names: ReturnType<typeof tableNames>;

  beforeAll(async () => {
    client = makeDynamoClient({ endpoint: suiteParts().dynamoEndpoint, region: 'us-east-1' });
    names = tableNames(`store-${Date.now()}-`);
    await ensureTables(client, names);
    await ensureTables(client, names); // idempotent
    pods = new DynamoPodStore(client, names.Pods);
    nodes = new DynamoNodeStore(client, names.Nodes);
    history = new DynamoHistoryStore(client, names.PodHistory);
  });
  afterAll(() => client.destroy());

  it('writes a pod only when the stored version is the expected one', async () => {
    const record = { namespace: 'default', name: 'a', uid: 'u1', version: 1, pod: aRecordedPod({ name: 'a', uid: 'u1' }), deleted: false };
    await pods.put(record, null);
    await expect(pods.put(record, null)).rejects.toBeInstanceOf(ConflictError);
    await pods.put({ ...record, version: 2, nodeName: 'n1' }, 1);
    await expect(pods.put({ ...record, version: 3 }, 1)).rejects.toBeInstanceOf(ConflictError);
    expect(await pods.get('default', 'a')).toMatchObject({ version: 2, nodeName: 'n1', uid: 'u1' });
    expect((await pods.list({ nodeName: 'n1' })).map((p) => p.name)).toEqual(['a']);
    expect((await pods.list({ namespace: 'default' })).map((p) => p.name)).toEqual(['a']);
  });

  it('reserves node resources once per uid and never beyond allocatable', async () => {
    await nodes.recordHeartbeat(aNodeDescription({ name: 'n1', cpu: '1', memory: '1Gi', pods: 3 }), 'boot-1', true, 1000);
    const req = { cpu: 400, memory: 100 << 20, pods: 1 };
    expect(await nodes.reserve('n1', 'p1', req)).toBe('reserved');
    expect(await nodes.reserve('n1', 'p1', req)).toBe('already-reserved');
    expect(await nodes.reserve('n1', 'p2', req)).toBe('reserved');
    expect(await nodes.reserve('n1', 'p3', req)).toBe('insufficient');
    expect(await nodes.reserve('nx', 'p3', req)).toBe('no-such-node');
    await nodes.release('n1', 'p1');
    await nodes.release('n1', 'p1');
    const node = await nodes.get('n1');
    expect(node!.allocated).toEqual({ cpu: 400, memory: 100 << 20, pods: 1 });
    expect(Object.keys(node!.reservations)).toEqual(['p2']);
    // A heartbeat keeps the allocations it did not make.
    await nodes.recordHeartbeat(aNodeDescription({ name: 'n1', cpu: '1', memory: '1Gi', pods: 3 }), 'boot-1', true, 2000);
    expect((await nodes.get('n1'))!.allocated.cpu).toBe(400);
  });

  it('keeps history entries idempotent by event id and ordered by time', async () => {
    const entry = { namespace: 'default', name: 'h', uid: 'u', time: '2026-01-01T00:00:01.000Z', eventId: 'e2', index: 0, type: 'Normal' as const, reason: 'Started', message: 'm', source: 'node-1' };
    await history.append([entry, { ...entry, time: '2026-01-01T00:00:00.000Z', eventId: 'e1', reason: 'Scheduled' }]);
    await history.append([entry]);
    expect((await history.list('default', 'h')).map((e) => e.reason)).toEqual(['Scheduled', 'Started']);
  });
  it('coalesces reads and writes of one turn across tables, keys and duplicates, past the batch limits', async () => {
    const batcher = batcherFor(client);
    const sent: string[] = [];
    const send = client.send.bind(client);
    const spy = jest.spyOn(client, 'send').mockImplementation(((command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      return send(command as never);
    }) as never);
    try {
      // 30 writes (more than one BatchWriteItem holds), one key written twice: the later write wins.
      await Promise.all([
        ...Array.from({ length: 30 }, (_, i) => batcher.put(names.PodHistory, ['pod', 'seq'], { pod: 'default/b', seq: `s${String(i).padStart(2, '0')}`, n: i })),
        batcher.put(names.PodHistory, ['pod', 'seq'], { pod: 'default/b', seq: 's00', n: 100 }),
      ]);
      expect(sent).toEqual(['BatchWriteItemCommand', 'BatchWriteItemCommand']);
      sent.length = 0;
      // 120 reads over two tables, repeated and missing keys among them.
      const keys = Array.from({ length: 110 }, (_, i) => ({ pod: 'default/b', seq: `s${String(i % 35).padStart(2, '0')}` }));
      const [historyItems, node, missing] = await Promise.all([
        Promise.all(keys.map((k) => batcher.get(names.PodHistory, k))),
        batcher.get(names.Nodes, { name: 'n1' }),
        batcher.get(names.Nodes, { name: 'no-such-node' }),
      ]);
      expect(sent).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
      expect(historyItems.map((item) => item?.n ?? null)).toEqual(keys.map((_, i) => (i % 35 === 0 ? 100 : i % 35 < 30 ? i % 35 : null)));
      expect(node).toMatchObject({ name: 'n1' });
      expect(missing).toBeNull();
    } finally {
      spy.mockRestore();
    }
  });

  it('records a heartbeat in one write, keeps Ready transitions, and ignores a replayed older heartbeat of the same boot', async () => {
    const desc = aNodeDescription({ name: 'hb1' });
    await nodes.recordHeartbeat(desc, 'boot-1', true, 1000);
    const spy = jest.spyOn(client, 'send');
    try {
      const fresh = await nodes.recordHeartbeat(desc, 'boot-1', true, 2000);
      expect(fresh).toMatchObject({ lastHeartbeat: 2000, ready: 'True', readyTransition: 1000 });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect(await nodes.recordHeartbeat(desc, 'boot-1', true, 1500)).toMatchObject({ lastHeartbeat: 2000 });
    expect(await nodes.recordHeartbeat(desc, 'boot-1', false, 3000)).toMatchObject({ lastHeartbeat: 3000, ready: 'False', readyTransition: 3000 });
    expect(await nodes.recordHeartbeat(desc, 'boot-2', true, 2500)).toMatchObject({ lastHeartbeat: 2500, bootId: 'boot-2', ready: 'True' });
  });
});
