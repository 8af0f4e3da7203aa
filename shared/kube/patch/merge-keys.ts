/**
 * The Kubernetes list semantics of the pod (and of a pod template), as the
 * `patchMergeKey` / `listType=map` tags of core/v1 define them: which lists
 * merge item by item and by which key. Strategic merge patch and server-side
 * apply both read this table, so they agree on what a list item is. A list not
 * named here is atomic (replaced as a whole), as `tolerations` and `command` are.
 */

/** `<parent field>.<list field>`: the parent of a container's list is the containers list itself. */
const MERGE_KEYS: Record<string, string> = {
  'spec.containers': 'name',
  'spec.initContainers': 'name',
  'spec.ephemeralContainers': 'name',
  'spec.volumes': 'name',
  'spec.imagePullSecrets': 'name',
  'containers.env': 'name',
  'initContainers.env': 'name',
  'containers.ports': 'containerPort',
  'initContainers.ports': 'containerPort',
  'containers.volumeMounts': 'mountPath',
  'initContainers.volumeMounts': 'mountPath',
  'metadata.ownerReferences': 'uid',
};

/** Lists of scalars that merge as sets (`patchStrategy:"merge"` on a list of strings). */
const SET_LISTS = new Set(['metadata.finalizers']);

export type ListKind = { kind: 'map'; key: string } | { kind: 'set' } | { kind: 'atomic' };

/** How the list `field` found under `parent` (the enclosing field name, or '' at the root) merges. */
export function listKind(parent: string, field: string): ListKind {
  const key = MERGE_KEYS[`${parent}.${field}`];
  if (key) return { kind: 'map', key };
  if (SET_LISTS.has(`${parent}.${field}`)) return { kind: 'set' };
  return { kind: 'atomic' };
}
