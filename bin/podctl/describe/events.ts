/**
 * The `Events:` table that ends every `describe`: Type, Reason, Age, From and
 * Message, oldest first, a repeated event shown as `5s (x3 over 2m)`. Events
 * come from the object's recorded history, so they outlive the object itself.
 */
import type { CoreEvent } from '../../../shared/display/kube-types';
import { age } from '../../../shared/display/age';
import { LEVEL_0, LEVEL_1, type PrefixWriter } from './writer';

function lastSeen(e: CoreEvent): number {
  return Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '') || 0;
}

/** Events about this object: the name already matched on the server; a different kind (a pod and an rc share a name) is dropped. */
export function eventsFor(events: CoreEvent[], kind: string): CoreEvent[] {
  return events.filter((e) => !e.involvedObject?.kind || e.involvedObject.kind === kind);
}

export function describeEvents(events: CoreEvent[], w: PrefixWriter, now: Date): void {
  if (events.length === 0) {
    w.write(LEVEL_0, 'Events:\t<none>\n');
    return;
  }
  const sorted = [...events].sort((a, b) => lastSeen(a) - lastSeen(b));
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = age(e.eventTime ?? e.firstTimestamp, now);
    const interval = (e.count ?? 1) > 1 ? `${age(e.lastTimestamp, now)} (x${e.count} over ${first})` : first;
    const from = e.source?.component || e.reportingComponent || '';
    w.write(LEVEL_1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${from}\t${(e.message ?? '').trim()}\n`);
  }
}
