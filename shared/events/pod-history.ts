/**
 * Topic pod-history: every entry of a pod's history (what `describe` shows as
 * Events), as the handler that wrote it recorded it. The PodHistory table is
 * this topic's projection, so `npm run rebuild` can rebuild it from the log.
 */
import { z } from 'zod';
import { eventSchema } from './envelope';

export const historyEntrySchema = z.strictObject({
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  time: z.string(),
  eventId: z.string(),
  index: z.number().int().min(0),
  type: z.enum(['Normal', 'Warning']),
  reason: z.string(),
  message: z.string(),
  source: z.string(),
});

export const podHistoryRecorded = eventSchema('PodHistoryRecorded', z.strictObject({ entries: z.array(historyEntrySchema).min(1) }));
export type PodHistoryRecorded = z.infer<typeof podHistoryRecorded>;
export const podHistoryEvent = podHistoryRecorded;
