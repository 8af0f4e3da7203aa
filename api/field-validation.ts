/**
 * Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`), as the
 * Kubernetes API server's decoder applies it before validation: an unknown
 * field fails a Strict request with 400 `strict decoding error: unknown field
 * "spec.containers[0].imagePullPolixy"`, is dropped with one `Warning` header
 * per field under Warn (the default when the parameter is absent, as since
 * Kubernetes 1.23), and is dropped silently under Ignore. kubectl sends Strict
 * for `--validate=true` (its default) once the server's OpenAPI lists the
 * parameter, and Ignore for `--validate=false`. The decision is pure; the
 * routes apply it before they validate what is left.
 */
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { K8sStatus } from '../shared/events';
import { notSupported } from '../shared/kube/field-errors';
import { badRequest, invalid } from '../shared/kube/status';

export const FIELD_VALIDATION_DIRECTIVES = ['Ignore', 'Strict', 'Warn'] as const;
export type FieldValidation = (typeof FIELD_VALIDATION_DIRECTIVES)[number];

/** The query's directive; an unsupported value answers 422 as CreateOptions validation does. */
export function readFieldValidation(query: unknown): { ok: true; directive: FieldValidation } | { ok: false; status: K8sStatus } {
  const raw = (query as Record<string, unknown> | undefined)?.fieldValidation;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return { ok: true, directive: 'Warn' };
  if (typeof value === 'string' && (FIELD_VALIDATION_DIRECTIVES as readonly string[]).includes(value)) return { ok: true, directive: value as FieldValidation };
  const cause = notSupported('fieldValidation', value, ['', ...FIELD_VALIDATION_DIRECTIVES]);
  return { ok: false, status: invalid('CreateOptions.meta.k8s.io', '', [cause]) };
}

/** Paths (as zod gives them) of every key the strict schema does not know. */
export function unknownFields(schema: z.ZodType, input: unknown): PropertyKey[][] {
  const parsed = schema.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : []));
}

function withoutPaths(input: unknown, paths: PropertyKey[][]): unknown {
  const copy: unknown = structuredClone(input);
  for (const path of paths) {
    let parent: unknown = copy;
    for (const part of path.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent as Record<PropertyKey, unknown>)[part] : undefined;
    if (parent && typeof parent === 'object') delete (parent as Record<PropertyKey, unknown>)[path[path.length - 1]];
  }
  return copy;
}

export type Decoded = { ok: true; input: unknown; warnings: string[] } | { ok: false; status: K8sStatus };

/**
 * What the decoder makes of `input` for a `kind` in core/v1 under `directive`:
 * the object without its unknown fields and the warnings to send, or the 400
 * that refuses it.
 */
export function decodeFields(directive: FieldValidation, kind: string, input: unknown, unknown: PropertyKey[][]): Decoded {
  if (unknown.length === 0) return { ok: true, input, warnings: [] };
  const errors = unknown.map((path) => `unknown field ${JSON.stringify(fieldPathOf(path))}`);
  if (directive === 'Strict') {
    return { ok: false, status: badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: strict decoding error: ${errors.join(', ')}`) };
  }
  return { ok: true, input: withoutPaths(input, unknown), warnings: directive === 'Warn' ? errors : [] };
}

/** The decoder names fields by their JSON path, map keys included (`metadata.labels.app`), not as validation does. */
function fieldPathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

/** A Warning header value: code 299, agent "-", the text quoted with `"` and `\` escaped (apimachinery's NewWarningHeader). */
export function warningHeader(text: string): string {
  // Header values must stay ASCII here: Node refuses characters above U+00FF (a 500 for a warning with "’")
  // and re-encodes the rest. Typographic quotes become ASCII ones; anything else is written as \uXXXX.
  const quoted = text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/["\\]/g, (c) => `\\${c}`)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `299 - "${quoted}"`;
}

export function sendWarnings(reply: FastifyReply, warnings: readonly string[]): void {
  if (warnings.length) reply.header('Warning', [...new Set(warnings)].map(warningHeader));
}
