/**
 * The event an EventBridge schedule delivers. It carries no data a handler
 * needs: a timer-driven handler recomputes everything on each pass
 * (level-triggered), so a missed or doubled tick heals on the next one.
 */
import { z } from 'zod';

export const scheduledEventSchema = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.string().optional(),
  resources: z.array(z.string()).optional(),
});

export type ScheduledEvent = z.infer<typeof scheduledEventSchema>;
