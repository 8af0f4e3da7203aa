import { conflictingClaims, decodeClaim, encodeClaim, groupClaims } from '../../../shared/scheduling/host-port-claims';
import { claimParts, releaseParts } from '../../../shared/adapters/dynamodb/host-port-claims';

const any = (hostPort: number, protocol = 'TCP') => ({ protocol, hostIP: '0.0.0.0', hostPort });
const on = (hostIP: string, hostPort: number, protocol = 'TCP') => ({ protocol, hostIP, hostPort });

describe('hostPort claims', () => {
  it.each([
    [any(8080), 'TCP/8080/0.0.0.0'],
    [on('10.0.0.1', 53, 'UDP'), 'UDP/53/10.0.0.1'],
    [on('fd00::1', 443, 'SCTP'), 'SCTP/443/fd00::1'],
  ])('stores %j as %s and reads it back', (use, text) => {
    expect(encodeClaim(use)).toBe(text);
    expect(decodeClaim(text)).toEqual(use);
  });

  it.each(['', 'TCP/x/0.0.0.0', 'TCP/80', 'tcp/80/1.2.3.4'])('reads %j as no claim', (text) => expect(decodeClaim(text)).toBeNull());

  it('groups a pod claims by protocol and port, addresses sorted and once each', () => {
    expect(groupClaims([on('10.0.0.2', 80), any(53, 'UDP'), on('10.0.0.1', 80), on('10.0.0.2', 80)])).toEqual([
      { port: 'TCP/80', hostIPs: ['10.0.0.1', '10.0.0.2'] },
      { port: 'UDP/53', hostIPs: ['0.0.0.0'] },
    ]);
  });

  it.each([
    ['every address against every address', [any(80)], { other: [any(80)] }, 1],
    ['one address against every address', [on('10.0.0.1', 80)], { other: [any(80)] }, 1],
    ['every address against one address', [any(80)], { other: [on('10.0.0.1', 80)] }, 1],
    ['the same address', [on('10.0.0.1', 80)], { other: [on('10.0.0.1', 80)] }, 1],
    ['two different addresses', [on('10.0.0.2', 80)], { other: [on('10.0.0.1', 80)] }, 0],
    ['another protocol', [any(80, 'UDP')], { other: [any(80)] }, 0],
    ['another port', [any(81)], { other: [any(80)] }, 0],
    ['the pod own claim (a replayed bind)', [any(80)], { me: [any(80)] }, 0],
    ['nothing held', [any(80)], {}, 0],
  ])('%s: %s conflicting', (_what, wanted, held, count) => expect(conflictingClaims(wanted, held, 'me')).toHaveLength(count));
});

describe('hostPort claims as DynamoDB expression parts', () => {
  it('claims every address only while the port attribute is absent', () => {
    const parts = claimParts([any(8080)]);
    expect(parts.setActions).toEqual(['#hp0 :hp0']);
    expect(parts.conditions).toEqual(['attribute_not_exists(#hp0)']);
    expect(parts.names).toEqual({ '#hp0': 'hostPort TCP/8080' });
    expect(parts.values).toEqual({ ':hp0': new Set(['0.0.0.0']) });
  });

  it('claims one address only while the port holds neither every address nor that one', () => {
    const parts = claimParts([on('10.0.0.1', 53, 'UDP')]);
    expect(parts.conditions).toEqual(['(attribute_not_exists(#hp0) OR NOT (contains(#hp0, :hpany) OR contains(#hp0, :hp0ip0)))']);
    expect(parts.values).toEqual({ ':hp0': new Set(['10.0.0.1']), ':hpany': '0.0.0.0', ':hp0ip0': '10.0.0.1' });
  });

  it('claims nothing and conditions nothing for a pod without hostPorts', () => {
    expect(claimParts([])).toEqual({ setActions: [], conditions: [], names: {}, values: {} });
  });

  it('releases with DELETE parts and no condition of its own', () => {
    const parts = releaseParts([any(8080), on('10.0.0.1', 53, 'UDP')]);
    expect(parts.setActions).toEqual(['#hp0 :hp0', '#hp1 :hp1']);
    expect(parts.conditions).toEqual([]);
    expect(parts.names).toEqual({ '#hp0': 'hostPort TCP/8080', '#hp1': 'hostPort UDP/53' });
  });
});
