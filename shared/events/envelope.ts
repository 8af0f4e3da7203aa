/**
 * The event envelope shared by every topic: an id (the unit of idempotency),
 * a type, the time it happened, the record key, who produced it, and the id of
 * the event that caused it. Version 1 of the public event contract.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const SPEC_VERSION = '1';

export const envelopeFields = {
  specversion: z.literal(SPEC_VERSION),
  id: z.string().min(1).max(128),
  time: z.string().datetime({ offset: true }),
  key: z.string().min(1).max(512),
  source: z.string().min(1).max(256),
  causationId: z.string().max(128).optional(),
};

/** One event type: the envelope with a literal type and its data. */
export function eventSchema<T extends string, D extends z.ZodTypeAny>(type: T, data: D) {
  return z.strictObject({ ...envelopeFields, type: z.literal(type), data });
}

export interface Envelope<T extends string = string, D = unknown> {
  specversion: typeof SPEC_VERSION;
  id: string;
  time: string;
  key: string;
  source: string;
  causationId?: string;
  type: T;
  data: D;
}

/** Builds an envelope; ids are random unless the caller derives one for idempotency. */
export function makeEvent<E extends Envelope>(
  type: E['type'],
  key: string,
  data: E['data'],
  opts: { source: string; time: Date; id?: string; causationId?: string },
): E {
  const event: Envelope = {
    specversion: SPEC_VERSION,
    id: opts.id ?? randomUUID(),
    time: opts.time.toISOString(),
    key,
    source: opts.source,
    type,
    data,
  };
  if (opts.causationId) event.causationId = opts.causationId;
  return event as E;
}
