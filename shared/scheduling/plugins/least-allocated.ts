/** LeastAllocated score: prefer the node with the most free cpu and memory after placing the pod. */
import type { ScorePlugin } from '../framework';

function freeShare(allocatable: number, used: number): number {
  return allocatable <= 0 ? 0 : Math.max(0, (allocatable - used) / allocatable);
}

export const leastAllocated: ScorePlugin = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  score: ({ request }, node) => {
    const cpu = freeShare(node.allocatable.cpu, node.allocated.cpu + request.cpu);
    const memory = freeShare(node.allocatable.memory, node.allocated.memory + request.memory);
    const pods = freeShare(node.allocatable.pods, node.allocated.pods + request.pods);
    return Math.round(((cpu + memory + pods) / 3) * 100);
  },
};
