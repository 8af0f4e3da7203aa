/**
 * How often each record has been delivered and failed retryably in this
 * process: the batch runner gives up on a record (dead-letters it) once the
 * count reaches the bound, so a record that keeps failing retryably never
 * blocks its key forever. Counted per topic/partition/offset across
 * redeliveries (the local consumer's seek-back, Lambda's batch retry); the map
 * is bounded, oldest entries dropped first, so a flood of failures cannot grow
 * memory (a dropped record simply starts counting again).
 */

export interface DeliveryCounter {
  /** Records one more failed delivery of the record; returns the count so far. */
  failed(recordId: string): number;
  /** Forgets a record that was applied or dead-lettered. */
  settled(recordId: string): void;
  size(): number;
}

export const DEFAULT_MAX_DELIVERIES = 8;
const DEFAULT_CAPACITY = 10000;

export function deliveryId(record: { topic: string; partition: number; offset: string }): string {
  return `${record.topic}\u0000${record.partition}\u0000${record.offset}`;
}

export function makeDeliveryCounter(capacity = DEFAULT_CAPACITY): DeliveryCounter {
  const counts = new Map<string, number>();
  return {
    failed(recordId) {
      const n = (counts.get(recordId) ?? 0) + 1;
      counts.delete(recordId); // re-insert: the map's order is least recently failed first
      counts.set(recordId, n);
      while (counts.size > capacity) counts.delete(counts.keys().next().value!);
      return n;
    },
    settled(recordId) {
      counts.delete(recordId);
    },
    size: () => counts.size,
  };
}

/** After `deliveries` failed deliveries, does the record go to the dead-letter topic? */
export function exhausted(deliveries: number, maxDeliveries: number): boolean {
  return deliveries >= maxDeliveries;
}
