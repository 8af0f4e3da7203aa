/** In-memory ports: every store and a recording publisher, wired as a handler's dependencies. */
import type { Clock } from '../../ports';
import { silentLogger } from '../../runtime/logger';
import { RecordingPublisher } from './publisher';
import { MemoryBinder, MemoryHistoryStore, MemoryNodeStore, MemoryPodStore, MemoryRcStore } from './stores';

export { MemoryBinder, MemoryHistoryStore, MemoryNodeStore, MemoryPodStore, MemoryRcStore, RecordingPublisher };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export function memoryPorts(clock: Clock = new ManualClock(new Date('2026-01-01T00:00:00Z'))) {
  const podStore = new MemoryPodStore();
  const nodeStore = new MemoryNodeStore();
  return {
    podStore,
    nodeStore,
    binder: new MemoryBinder(podStore, nodeStore),
    historyStore: new MemoryHistoryStore(),
    rcStore: new MemoryRcStore(),
    publisher: new RecordingPublisher(),
    clock,
    logger: silentLogger,
  };
}
