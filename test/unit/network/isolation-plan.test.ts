import { chainListing, chainRestore, parseBlockedCidrs, planIsolation } from '../../../shared/network/isolation-plan';

const base = { clusterCidr: '10.244.0.0/16', blockedCidrs: [] as string[], agentPort: 10250, nodeAddresses: ['10.99.0.11'] };
const REJECT = '-j REJECT --reject-with icmp-admin-prohibited';

describe('what pods may not reach', () => {
  it.each([
    [
      'a lone node: the metadata service and the agent port, on the node and at its address',
      base,
      [
        '-A PODFLOW-ISOLATION -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "podflow: replies pass" -j RETURN',
        `-A PODFLOW-ISOLATION -d 169.254.169.254/32 -m comment --comment "podflow: instance metadata" ${REJECT}`,
        `-A PODFLOW-ISOLATION -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 10250 -m comment --comment "podflow: agent port" ${REJECT}`,
        `-A PODFLOW-ISOLATION -d 10.99.0.11/32 -p tcp -m tcp --dport 10250 -m comment --comment "podflow: agent port" ${REJECT}`,
      ],
    ],
    [
      'blocked ranges after the metadata service, in the order given',
      { ...base, blockedCidrs: ['10.40.16.0/20', '10.40.32.0/20'] },
      [
        '-A PODFLOW-ISOLATION -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "podflow: replies pass" -j RETURN',
        `-A PODFLOW-ISOLATION -d 169.254.169.254/32 -m comment --comment "podflow: instance metadata" ${REJECT}`,
        `-A PODFLOW-ISOLATION -d 10.40.16.0/20 -m comment --comment "podflow: control plane" ${REJECT}`,
        `-A PODFLOW-ISOLATION -d 10.40.32.0/20 -m comment --comment "podflow: control plane" ${REJECT}`,
        `-A PODFLOW-ISOLATION -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 10250 -m comment --comment "podflow: agent port" ${REJECT}`,
        `-A PODFLOW-ISOLATION -d 10.99.0.11/32 -p tcp -m tcp --dport 10250 -m comment --comment "podflow: agent port" ${REJECT}`,
      ],
    ],
    [
      "every node's agent port once, in address order, whatever order the Nodes table gives",
      { ...base, agentPort: 9999, nodeAddresses: ['10.99.0.12', '10.99.0.9', '10.99.0.12', '10.99.0.11'] },
      [
        '-A PODFLOW-ISOLATION -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "podflow: replies pass" -j RETURN',
        `-A PODFLOW-ISOLATION -d 169.254.169.254/32 -m comment --comment "podflow: instance metadata" ${REJECT}`,
        `-A PODFLOW-ISOLATION -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 9999 -m comment --comment "podflow: agent port" ${REJECT}`,
        `-A PODFLOW-ISOLATION -d 10.99.0.9/32 -p tcp -m tcp --dport 9999 -m comment --comment "podflow: agent port" ${REJECT}`,
        `-A PODFLOW-ISOLATION -d 10.99.0.11/32 -p tcp -m tcp --dport 9999 -m comment --comment "podflow: agent port" ${REJECT}`,
        `-A PODFLOW-ISOLATION -d 10.99.0.12/32 -p tcp -m tcp --dport 9999 -m comment --comment "podflow: agent port" ${REJECT}`,
      ],
    ],
  ])('%s', (_, input, rules) => {
    expect(chainListing(planIsolation(input))).toEqual(['-N PODFLOW-ISOLATION', ...rules]);
  });

  it('enters the chain for pod traffic to the node itself, and for forwarded pod traffic that leaves the pod network only', () => {
    expect(planIsolation(base).hooks).toEqual([
      { table: 'filter', chain: 'INPUT', rule: ['-s', '10.244.0.0/16', '-m', 'comment', '--comment', 'podflow pod isolation', '-j', 'PODFLOW-ISOLATION'] },
      { table: 'filter', chain: 'DOCKER-USER', rule: ['-s', '10.244.0.0/16', '!', '-d', '10.244.0.0/16', '-m', 'comment', '--comment', 'podflow pod isolation', '-j', 'PODFLOW-ISOLATION'] },
    ]);
  });

  it('replaces only its own chain in one iptables-restore', () => {
    expect(chainRestore(planIsolation(base)).split('\n')).toEqual([
      '*filter',
      ':PODFLOW-ISOLATION - [0:0]',
      ...chainListing(planIsolation(base)).slice(1),
      'COMMIT',
      '',
    ]);
  });
});

describe('BLOCKED_CIDRS', () => {
  it.each([
    ['', []],
    ['10.40.16.0/20', ['10.40.16.0/20']],
    [' 10.40.16.0/20 , 10.40.32.0/20,', ['10.40.16.0/20', '10.40.32.0/20']],
    ['10.40.0.2', ['10.40.0.2/32']],
    ['10.40.16.0/20,10.40.16.0/20', ['10.40.16.0/20']],
    ['10.243.0.0/16', ['10.243.0.0/16']],
  ])('%j is %j', (text, cidrs) => expect(parseBlockedCidrs(text, '10.244.0.0/16')).toEqual(cidrs));

  it.each([
    ['10.244.3.0/24', /BLOCKED_CIDRS entry 10.244.3.0\/24 overlaps the cluster CIDR 10.244.0.0\/16/],
    ['10.0.0.0/8', /BLOCKED_CIDRS entry 10.0.0.0\/8 overlaps the cluster CIDR/],
    ['10.244.0.7', /overlaps the cluster CIDR/],
    ['10.40.16.1/20', /has host bits set/],
    ['nowhere', /is not an IPv4 address/],
  ])('refuses %j', (text, message) => expect(() => parseBlockedCidrs(text, '10.244.0.0/16')).toThrow(message));
});
