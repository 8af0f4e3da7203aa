/**
 * What pods may not reach, as iptables rules: a pure function of the node's
 * settings and the Nodes table. Pods reach the outside through the node with
 * masquerade, so without these rules they would have the node's whole reach:
 * the instance metadata service (169.254.169.254, which hands out the node
 * role's credentials), the control plane's subnets (brokers, API, endpoints)
 * and the agent's own port on any node. The rules live in a chain of their own
 * (PODFLOW-ISOLATION), entered from INPUT (traffic to the node itself) and
 * from DOCKER-USER (traffic the node forwards) for packets from the cluster
 * CIDR; pod-to-pod traffic skips the chain on the forward path, so it costs
 * the data path nothing. Replies (conntrack ESTABLISHED/RELATED) pass, so a
 * pod still answers connections made to it (a hostPort dialled from the API's
 * subnet, say). New connections are rejected with ICMP admin-prohibited, so a
 * pod sees "No route to host" at once instead of hanging until a timeout.
 */
import { formatCidr, formatIp, parseCidr, parseIp, type Cidr } from './cidr';

export const ISOLATION_CHAIN = 'PODFLOW-ISOLATION';

/** The link-local address of the instance metadata service (AWS, and GCP and Azure alike). */
export const METADATA_ADDRESS = '169.254.169.254';

export interface IsolationInput {
  /** The cluster CIDR: traffic from it is pod traffic, wherever its pod lives. */
  clusterCidr: string;
  /** Ranges pods may not open connections to (BLOCKED_CIDRS: the control plane's subnets). */
  blockedCidrs: readonly string[];
  /** The agent's port (AGENT_PORT): closed to pods on this node and on every node of `nodeAddresses`. */
  agentPort: number;
  /** The nodes' underlay (InternalIP) addresses, this node's included. */
  nodeAddresses: readonly string[];
}

/** A rule's arguments after `-A CHAIN`, in the order `iptables -S` prints them, so the observed chain compares as text. */
export type Rule = readonly string[];

export interface IsolationPlan {
  chain: string;
  /** The chain's rules, in order. */
  rules: Rule[];
  /** The jumps into the chain: each is inserted first in its built-in chain. */
  hooks: { table: 'filter'; chain: 'INPUT' | 'DOCKER-USER'; rule: Rule }[];
}

const REJECT = ['-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited'];
const comment = (text: string) => ['-m', 'comment', '--comment', text];

function overlaps(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((a.base & m) >>> 0) === ((b.base & m) >>> 0);
}

/**
 * Parses BLOCKED_CIDRS (comma-separated; a bare address is a /32) and checks it against the cluster CIDR:
 * a blocked range that overlaps the pod network would cut pods off from each other. Throws with the entry named.
 */
export function parseBlockedCidrs(text: string, clusterCidr: string): string[] {
  const cluster = parseCidr(clusterCidr);
  const out: string[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const cidr = entry.includes('/') ? parseCidr(entry) : { base: parseIp(entry), prefix: 32 };
    if (overlaps(cidr, cluster)) throw new Error(`BLOCKED_CIDRS entry ${entry} overlaps the cluster CIDR ${clusterCidr}: pods would not reach each other`);
    const text = formatCidr(cidr);
    if (!out.includes(text)) out.push(text);
  }
  return out;
}

export function planIsolation(input: IsolationInput): IsolationPlan {
  const cluster = formatCidr(parseCidr(input.clusterCidr));
  const port = String(input.agentPort);
  const rules: Rule[] = [
    ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...comment('podflow: replies pass'), '-j', 'RETURN'],
    ['-d', `${METADATA_ADDRESS}/32`, ...comment('podflow: instance metadata'), ...REJECT],
  ];
  for (const cidr of input.blockedCidrs) rules.push(['-d', formatCidr(parseCidr(cidr)), ...comment('podflow: control plane'), ...REJECT]);
  rules.push(['-p', 'tcp', '-m', 'addrtype', '--dst-type', 'LOCAL', '-m', 'tcp', '--dport', port, ...comment('podflow: agent port'), ...REJECT]);
  const addresses = [...new Set(input.nodeAddresses.map((a) => formatIp(parseIp(a))))].sort((a, b) => parseIp(a) - parseIp(b));
  for (const a of addresses) rules.push(['-d', `${a}/32`, '-p', 'tcp', '-m', 'tcp', '--dport', port, ...comment('podflow: agent port'), ...REJECT]);
  const jump = ['-s', cluster, ...comment('podflow pod isolation'), '-j', ISOLATION_CHAIN];
  return {
    chain: ISOLATION_CHAIN,
    rules,
    hooks: [
      // Everything a pod sends to the node itself, its bridge gateway and tunnel address included.
      { table: 'filter', chain: 'INPUT', rule: jump },
      // Forwarded traffic to outside the pod network; pod-to-pod traffic never enters the chain.
      { table: 'filter', chain: 'DOCKER-USER', rule: ['-s', cluster, '!', '-d', cluster, ...comment('podflow pod isolation'), '-j', ISOLATION_CHAIN] },
    ],
  };
}

/** One rule as a line of `iptables -S` (and of iptables-restore input): arguments with spaces are quoted. */
function line(chain: string, rule: Rule): string {
  return ['-A', chain, ...rule].map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ');
}

/** The chain as `iptables -S CHAIN` prints it when it holds exactly the plan. */
export function chainListing(plan: IsolationPlan): string[] {
  return [`-N ${plan.chain}`, ...plan.rules.map((r) => line(plan.chain, r))];
}

/** The same chain as an iptables-restore input that replaces its rules in one step (with --noflush, only this chain). */
export function chainRestore(plan: IsolationPlan): string {
  return ['*filter', `:${plan.chain} - [0:0]`, ...plan.rules.map((r) => line(plan.chain, r)), 'COMMIT', ''].join('\n');
}
