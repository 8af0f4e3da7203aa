/**
 * Pod ranges on DynamoDB Local: racing claims of one range give it to exactly
 * one node, a node never gets a second range, a full cluster CIDR is recorded
 * on the node, and the claim items never show up as nodes.
 */
import { suiteParts } from '../../helpers/parts';
import { ensureTables, makeDynamoClient, DynamoNodeStore } from '../../../shared/adapters/dynamodb';
import { tableNames } from '../../../shared/adapters/dynamodb/tables';
import { ensurePodCidr } from '../../../functions/node-lifecycle/pod-cidr';
import { podCidrSettings } from '../../../shared/network/cidr';
import { aNodeDescription } from '../../helpers/factories';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet } as never;

describe('pod CIDR claims on DynamoDB Local', () => {
  let client: ReturnType<typeof makeDynamoClient>;
  let nodes: DynamoNodeStore;

  beforeAll(async () => {
    client = makeDynamoClient({ endpoint: suiteParts().dynamoEndpoint, region: 'us-east-1' });
    const names = tableNames(`cidr-${Date.now()}-`);
    await ensureTables(client, names);
    nodes = new DynamoNodeStore(client, names.Nodes);
  });
  afterAll(() => client.destroy());

  it('gives a range to exactly one of many racing nodes, never a second range to a node, and lists no claim as a node', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `race-${i}`);
    for (const name of names) await nodes.recordHeartbeat({ ...aNodeDescription({ name }), network: { ready: false } }, 'boot', true, 1000);
    const outcomes = await Promise.all(names.map((name) => nodes.assignPodCidr(name, '10.244.0.0/24')));
    expect(outcomes.filter((o) => o === 'assigned')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'range-taken')).toHaveLength(5);
    const winner = names[outcomes.indexOf('assigned')];
    expect(await nodes.assignPodCidr(winner, '10.244.1.0/24')).toBe('already-assigned');
    expect(await nodes.assignPodCidr('nobody', '10.244.2.0/24')).toBe('no-such-node');

    // The rest, racing through the allocator as node-lifecycle does, get distinct ranges of a /21 (8 ranges).
    const settings = podCidrSettings('10.244.0.0/21', 24);
    await Promise.all(names.map(async (name) => ensurePodCidr({ nodeStore: nodes, logger: quiet, podCidrs: settings }, (await nodes.get(name))!)));
    const listed = await nodes.list();
    expect(listed.map((n) => n.name)).toEqual(names);
    const ranges = listed.map((n) => n.podCIDR);
    expect(ranges.every(Boolean)).toBe(true);
    expect(new Set(ranges).size).toBe(names.length);
  });

  it('records a full cluster CIDR on the node that found none', async () => {
    const settings = podCidrSettings('10.250.0.0/24', 24);
    for (const name of ['full-a', 'full-b']) {
      await nodes.recordHeartbeat({ ...aNodeDescription({ name }), network: { ready: false } }, 'boot', true, 1000);
      await ensurePodCidr({ nodeStore: nodes, logger: quiet, podCidrs: settings }, (await nodes.get(name))!);
    }
    expect((await nodes.get('full-a'))?.podCIDR).toBe('10.250.0.0/24');
    expect(await nodes.get('full-b')).toMatchObject({ podCIDRError: 'no /24 range left in cluster CIDR 10.250.0.0/24 (1 ranges, all assigned)' });
  });
});
