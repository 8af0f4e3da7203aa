/**
 * One core/v1 Event as a `kubectl get events` row, in the API server's
 * columns (the first five by default, the rest with `-o wide`).
 */
import { age } from './age';
import type { CoreEvent } from './kube-types';

export const EVENT_COLUMNS = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
/** The wide columns as the API server orders them: Subobject and Source come before Message. */
export const EVENT_WIDE_COLUMNS = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'];

export function eventSource(e: CoreEvent): string {
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host;
  return host ? `${component}, ${host}` : component;
}

export function eventRow(e: CoreEvent & { involvedObject?: CoreEvent['involvedObject'] & { fieldPath?: string } }, now: Date): string[] {
  const last = e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  const first = e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  const object = `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`;
  return [age(last, now), e.type ?? '', e.reason ?? '', object, e.involvedObject?.fieldPath ?? '', eventSource(e), e.message ?? '', age(first, now), String(e.count ?? 1), e.metadata?.name ?? ''];
}
