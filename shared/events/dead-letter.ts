/** Topic dead-letter: a record that could not be parsed or applied, kept with the reason. */
import { z } from 'zod';
import { eventSchema } from './envelope';

export const deadLetter = eventSchema(
  'DeadLetter',
  z.strictObject({
    sourceTopic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    recordKey: z.string().nullable(),
    /** The record's value as text (cut at 64 KiB). */
    value: z.string().nullable(),
    reason: z.string(),
    handler: z.string(),
  }),
);
export type DeadLetter = z.infer<typeof deadLetter>;
