/**
 * Properties over random and mutated manifests: validation and admission are
 * total (never throw), every rejection carries causes with a field path, and a
 * manifest that validates stays valid when validated again.
 */
import fc from 'fast-check';
import { admitPod, DEFAULT_ADMISSION_POLICY, type AdmissionPolicy } from '../../../shared/pod/admission';
import { validatePodManifest } from '../../../shared/pod/validate';
import { aManifest, type Json } from './manifests';

type Path = (string | number)[];

/** Every path inside the valid manifest, containers and maps included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...children.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}
const PATHS = pathsOf(aManifest()).filter((p) => p.length > 0);

function deep(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { nested: v };
  return v;
}

const strangeValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(null, '', ' ', -1, 0, 1.5, 70000, Number.MAX_SAFE_INTEGER, true, [], {}, 'ALL', '..', '/', '-', 'a'.repeat(300)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1000, max: 100_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 50, max: 3000 }).map(deep),
);

type Mutation = { kind: 'set' | 'delete' | 'addKey'; path: Path; value?: unknown; key?: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...PATHS), value: strangeValue }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ kind: fc.constant('addKey' as const), path: fc.constantFrom(...PATHS), key: fc.string({ maxLength: 12 }), value: strangeValue }),
);

function apply(m: Json, { kind, path, value, key }: Mutation): void {
  const parent = path.slice(0, -1).reduce<any>((o, k) => (o !== null && typeof o === 'object' ? o[k] : undefined), m);
  const last = path[path.length - 1];
  if (parent === null || typeof parent !== 'object') return;
  if (kind === 'set') parent[last] = value;
  else if (kind === 'delete') delete parent[last];
  else if (parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last]) && key !== '__proto__') parent[last][key!] = value;
}

const policies: AdmissionPolicy[] = [
  DEFAULT_ADMISSION_POLICY,
  { allowPrivileged: true, namespaceLevels: { default: 'restricted' }, defaultLevel: 'baseline' },
];

function checkTotal(input: unknown): void {
  const result = validatePodManifest(input);
  if (!result.ok) {
    expect(result.causes.length).toBeGreaterThan(0);
    for (const cause of result.causes) {
      expect(typeof cause.field).toBe('string');
      expect(cause.field!.length).toBeGreaterThan(0);
      expect(cause.reason).toMatch(/^FieldValue/);
      expect(cause.message!.length).toBeGreaterThan(0);
    }
  } else {
    expect(validatePodManifest(result.value).ok).toBe(true);
  }
  for (const p of policies) {
    for (const cause of admitPod(input, p)) expect(cause.field!.length).toBeGreaterThan(0);
  }
}

describe('validation and admission on hostile input', () => {
  it('never throw on any JSON value, and every cause has a field', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), checkTotal), { numRuns: 200 });
  });

  it('never throw on random objects shaped like a pod, and every cause has a field', () => {
    const podish = fc.record({ metadata: fc.dictionary(fc.constantFrom('name', 'namespace', 'labels', 'x'), strangeValue), spec: fc.dictionary(fc.constantFrom('containers', 'volumes', 'restartPolicy', 'y'), strangeValue) });
    fc.assert(fc.property(podish, checkTotal), { numRuns: 200 });
  });

  it('never throw on valid manifests with up to four mutations, and every cause has a field', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const m = aManifest();
        for (const mu of mutations) apply(m, mu);
        checkTotal(m);
      }),
      { numRuns: 300 },
    );
  });

  it('reports an unknown key added to any object of a valid manifest as unknown at its path', () => {
    const objectPaths = PATHS.filter((p) => {
      const v = p.reduce<any>((o, k) => o[k], aManifest());
      const mapField = ['labels', 'annotations', 'requests', 'limits'].includes(String(p[p.length - 1]));
      return v !== null && typeof v === 'object' && !Array.isArray(v) && !mapField;
    });
    fc.assert(
      fc.property(fc.constantFrom(...objectPaths), (path) => {
        const m = aManifest();
        path.reduce<any>((o, k) => o[k], m).zzUnknown = 1;
        const result = validatePodManifest(m);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.causes).toContainEqual(expect.objectContaining({ message: 'unknown field "zzUnknown"', field: expect.stringMatching(/zzUnknown$/) }));
      }),
      { numRuns: 100 },
    );
  });
});
