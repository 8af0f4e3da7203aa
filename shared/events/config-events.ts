/**
 * Topic config-events (key `<resource>/<namespace>/<name>`): the commands that
 * change ConfigMaps and Secrets, from the API or any outside producer. The
 * config-controller applies them to the ConfigObjects table. A create's id
 * becomes the object's uid. The object travels whole (a Secret's data as
 * base64, stringData already folded in) and is validated again by the
 * controller, so a producer outside the API can not store what the API would
 * refuse.
 */
import { z } from 'zod';
import { CONFIG_KINDS } from '../config-objects/schema';
import { eventSchema } from './envelope';

const ref = {
  kind: z.enum(CONFIG_KINDS),
  namespace: z.string().min(1),
  name: z.string().min(1),
  /** Precondition: change only this incarnation. */
  uid: z.string().optional(),
  /** Precondition: change only if nothing changed since this resourceVersion. */
  resourceVersion: z.string().optional(),
};

/** The object as a client wrote it (shape checked by the controller with the API's rules). */
const object = z.record(z.string(), z.unknown());

export const configObjectCreateRequested = eventSchema('ConfigObjectCreateRequested', z.strictObject({ kind: z.enum(CONFIG_KINDS), object }));

/** Replaces labels, annotations, managed fields and the payload (PUT, or a patch or apply the API already merged). */
export const configObjectUpdateRequested = eventSchema('ConfigObjectUpdateRequested', z.strictObject({ ...ref, object }));

export const configObjectDeleteRequested = eventSchema('ConfigObjectDeleteRequested', z.strictObject({ ...ref }));

export const configEvent = z.discriminatedUnion('type', [configObjectCreateRequested, configObjectUpdateRequested, configObjectDeleteRequested]);
export type ConfigEvent = z.infer<typeof configEvent>;
export type ConfigObjectCreateRequested = z.infer<typeof configObjectCreateRequested>;
export type ConfigObjectUpdateRequested = z.infer<typeof configObjectUpdateRequested>;
export type ConfigObjectDeleteRequested = z.infer<typeof configObjectDeleteRequested>;

/** The record key of a command: one order per object. */
export const configKey = (resource: string, namespace: string, name: string) => `${resource}/${namespace}/${name}`;
