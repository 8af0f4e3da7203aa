/** Resource arithmetic for scheduling: a pod's requests and a node's allocatable, as integers. */
import type { NodeDescription } from '../events/node-heartbeats';
import type { Container, PodSpec } from '../pod/schema';
import { toBytes, toMilliCpu } from '../kube/quantity';
import type { Resources } from '../ports';

function containerRequest(c: Container): { cpu: number; memory: number } {
  // As Kubernetes defaults them: a missing request takes the limit's value.
  const requests = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
  return {
    cpu: requests.cpu !== undefined ? toMilliCpu(requests.cpu) : 0,
    memory: requests.memory !== undefined ? toBytes(requests.memory) : 0,
  };
}

/** The sum of the containers' requests; every pod counts one against the node's pod limit. */
export function podRequest(spec: PodSpec): Resources {
  return spec.containers.reduce<Resources>(
    (sum, c) => {
      const r = containerRequest(c);
      return { cpu: sum.cpu + r.cpu, memory: sum.memory + r.memory, pods: 1 };
    },
    { cpu: 0, memory: 0, pods: 1 },
  );
}

export function nodeAllocatable(node: NodeDescription): Resources {
  const a = node.allocatable;
  return {
    cpu: a.cpu !== undefined ? toMilliCpu(a.cpu) : 0,
    memory: a.memory !== undefined ? toBytes(a.memory) : 0,
    pods: a.pods !== undefined ? Number(toMilliCpu(a.pods) / 1000) : 110,
  };
}
