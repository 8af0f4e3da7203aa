/**
 * ReplicationController validation, as strict as the Kubernetes API server's
 * `ValidateReplicationController`: the object's shape and metadata, a
 * non-negative replica count, a selector that the template's labels match, a
 * template restart policy of Always, and the template itself checked by the
 * pod validation (causes re-rooted under `spec.template`). Defaults (replicas 1,
 * selector = template labels) are applied first, as Kubernetes defaults before
 * it validates. Never throws; every cause comes back at once with its path.
 */
import { z } from 'zod';
import type { StatusCause } from '../events/status';
import { invalid, notSupported, required } from '../kube/field-errors';
import { obj, str } from '../kube/loose';
import { metadataCauses } from '../kube/meta-rules';
import { causesFromZod, validatePodManifest, type Validation } from '../pod/validate';
import { objectMeta } from '../pod/schema';
import { rcManifest, type RcManifest } from './schema';

/** The outer shape; the template's spec is left to the pod validation. */
const outerShape = z.strictObject({
  apiVersion: z.literal('v1').optional(),
  kind: z.literal('ReplicationController').optional(),
  metadata: objectMeta,
  spec: z.strictObject({
    replicas: z.number().int().min(0).optional(),
    selector: z.record(z.string(), z.string()).optional(),
    minReadySeconds: z.number().int().min(0).optional(),
    template: z.strictObject({ metadata: objectMeta.optional(), spec: z.unknown() }),
  }),
  status: z.unknown().optional(),
});

/** Applies Kubernetes' defaults to untrusted input: replicas 1, selector from the template's labels. */
export function withRcDefaults(input: unknown): unknown {
  const root = obj(input);
  const spec = obj(root?.spec);
  if (!root || !spec) return input;
  const templateLabels = obj(obj(obj(spec.template)?.metadata)?.labels);
  const selector = obj(spec.selector);
  return {
    ...root,
    spec: {
      ...spec,
      replicas: spec.replicas ?? 1,
      ...(selector && Object.keys(selector).length ? {} : templateLabels ? { selector: templateLabels } : {}),
    },
  };
}

/** `spec.containers[0].image` → `spec.template.spec.containers[0].image`. */
function underTemplate(cause: StatusCause): StatusCause {
  const field = cause.field ?? '';
  if (field === '<root>' || field === '') return { ...cause, field: 'spec.template' };
  return { ...cause, field: `spec.template.${field}` };
}

function templateCauses(name: string, namespace: string | undefined, template: Record<string, unknown> | undefined): StatusCause[] {
  if (!template) return [required('spec.template')];
  const meta = obj(template.metadata) ?? {};
  const causes: StatusCause[] = [];
  const labels = obj(meta.labels);
  if (!labels || Object.keys(labels).length === 0) causes.push(required('spec.template.metadata.labels'));
  // The template is a pod without a name: the controller generates one from the RC's.
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta, generateName: `${name || 'rc'}-`, ...(namespace ? { namespace } : {}) }, spec: template.spec };
  const checked = validatePodManifest(pod);
  if (!checked.ok) causes.push(...checked.causes.map(underTemplate));
  const restartPolicy = str(obj(template.spec)?.restartPolicy);
  if (restartPolicy !== undefined && restartPolicy !== 'Always') causes.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  return causes;
}

function selectorCauses(spec: Record<string, unknown>): StatusCause[] {
  const selector = obj(spec.selector);
  if (!selector || Object.keys(selector).length === 0) return [required('spec.selector')];
  const labels = obj(obj(obj(spec.template)?.metadata)?.labels);
  if (!labels || Object.keys(labels).length === 0) return [];
  const matches = Object.entries(selector).every(([k, v]) => labels[k] === v);
  return matches ? [] : [invalid('spec.template.metadata.labels', labels, 'selector does not match template labels')];
}

function dedupe(causes: StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const key = `${c.field}\u0000${c.reason}\u0000${c.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates and defaults a ReplicationController; the value is ready for the create command. */
export function validateReplicationController(input: unknown): Validation<RcManifest> {
  const defaulted = withRcDefaults(input);
  const root = obj(defaulted);
  if (!root) return { ok: false, causes: [invalid('<root>', input, 'is not a valid ReplicationController')] };
  const meta = obj(root.metadata);
  const name = str(meta?.name) ?? '';
  const shape = outerShape.safeParse(defaulted, { reportInput: true });
  const causes: StatusCause[] = shape.success ? [] : causesFromZod(shape.error).filter((c) => !(c.field ?? '').startsWith('spec.template.spec'));
  causes.push(...metadataCauses(root.metadata));
  const spec = obj(root.spec);
  if (spec) {
    causes.push(...selectorCauses(spec));
    causes.push(...templateCauses(name, str(meta?.namespace), obj(spec.template)));
  } else if (root.spec === undefined) causes.push(required('spec'));
  const all = dedupe(causes);
  if (all.length) return { ok: false, causes: all };
  const { status: _status, ...rest } = root;
  const parsed = rcManifest.safeParse(rest);
  if (!parsed.success) return { ok: false, causes: causesFromZod(parsed.error) };
  return { ok: true, value: parsed.data };
}
