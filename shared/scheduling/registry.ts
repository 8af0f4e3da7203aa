/** Plugins by name, and the default profile (the order filters run in). */
import type { FilterPlugin, Profile, ScorePlugin } from './framework';
import { leastAllocated } from './plugins/least-allocated';
import { nodeAffinity, nodeAffinityPreference } from './plugins/node-affinity';
import { nodePrivileged } from './plugins/node-privileged';
import { nodeNetwork } from './plugins/node-network';
import { nodePorts } from './plugins/node-ports';
import { nodeReady } from './plugins/node-ready';
import { nodeResourcesFit } from './plugins/node-resources-fit';
import { nodeSelector } from './plugins/node-selector';
import { nodeVersion } from './plugins/node-version';
import { taintToleration, taintTolerationPreference } from './plugins/taint-toleration';

export const FILTERS: Record<string, FilterPlugin> = Object.fromEntries(
  [nodeReady, nodeNetwork, nodePorts, nodeSelector, nodeAffinity, taintToleration, nodePrivileged, nodeVersion, nodeResourcesFit].map((p) => [p.name, p]),
);
export const SCORES: Record<string, ScorePlugin> = Object.fromEntries([leastAllocated, nodeAffinityPreference, taintTolerationPreference].map((p) => [p.name, p]));

export function profile(filters: string[], scores: string[]): Profile {
  const pick = <T>(table: Record<string, T>, name: string): T => {
    const plugin = table[name];
    if (!plugin) throw new Error(`unknown scheduler plugin ${name}`);
    return plugin;
  };
  return { filters: filters.map((n) => pick(FILTERS, n)), scores: scores.map((n) => pick(SCORES, n)) };
}

export const DEFAULT_PROFILE = profile(
  ['NodeReady', 'NodeNetwork', 'NodePorts', 'NodeSelector', 'NodeAffinity', 'TaintToleration', 'NodePrivileged', 'NodeVersion', 'NodeResourcesFit'],
  ['NodeResourcesLeastAllocated', 'NodeAffinity', 'TaintToleration'],
);
