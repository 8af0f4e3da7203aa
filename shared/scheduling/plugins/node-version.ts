/**
 * NodeVersion: version skew between the control plane and the agents. A pod
 * that needs a feature goes only to nodes whose agent (semver `agentVersion`)
 * is at least the first version that supports it; an agent whose version
 * cannot be read counts as too old, so skew never lands a pod on a node that
 * would refuse it.
 */
import { needsPrivilegedNode } from '../../pod/security';
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework';

/** The first agent version that runs privileged containers. */
export const MIN_AGENT_VERSION_PRIVILEGED = '0.1.0';

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

type Parsed = { core: [number, number, number]; pre: string[] };

function parse(version: string): Parsed | undefined {
  const m = SEMVER.exec(version.trim());
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

function comparePre(a: string[], b: string[]): number {
  // A release outranks its pre-releases; identifiers compare numerically when both are numbers.
  if (!a.length || !b.length) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Semver precedence; undefined when either side is not a version. */
export function compareVersions(a: string, b: string): number | undefined {
  const [pa, pb] = [parse(a), parse(b)];
  if (!pa || !pb) return undefined;
  for (let i = 0; i < 3; i++) if (pa.core[i] !== pb.core[i]) return pa.core[i] - pb.core[i];
  return comparePre(pa.pre, pb.pre);
}

export function isAtLeast(version: string, minimum: string): boolean {
  const cmp = compareVersions(version, minimum);
  return cmp !== undefined && cmp >= 0;
}

export const AGENT_TOO_OLD_FOR_PRIVILEGED = 'node(s) had an agent too old for privileged containers';

export const nodeVersion: FilterPlugin = {
  name: 'NodeVersion',
  filter: ({ pod }, node) => {
    const wantsPrivileged = needsPrivilegedNode(pod);
    if (wantsPrivileged && !isAtLeast(node.node.agentVersion, MIN_AGENT_VERSION_PRIVILEGED)) return unresolvable(AGENT_TOO_OLD_FOR_PRIVILEGED);
    return SUCCESS;
  },
};
