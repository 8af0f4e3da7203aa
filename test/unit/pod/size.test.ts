import { annotationBytes, MAX_MANIFEST_BYTES, sizeCauses } from '../../../shared/pod/size';
import { semanticCauses, validatePodManifest } from '../../../shared/pod/validate';
import type { PodManifest } from '../../../shared/pod/schema';

const KiB = 1024;
function pod(o: { annotations?: Record<string, string>; env?: number } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'big', ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { containers: [{ name: 'app', image: 'busybox', ...(o.env ? { env: [{ name: 'BLOB', value: 'x'.repeat(o.env) }] } : {}) }] },
  };
}

describe('pod size bounds', () => {
  it.each([
    ['a small pod', pod(), []],
    ['annotations of exactly 256 KiB (Kubernetes allows them) with a small spec', pod({ annotations: { a: 'x'.repeat(256 * KiB - 1) } }), [{ field: 'metadata.annotations', message: expect.stringMatching(/^Too long: must have at most \d+ bytes$/) }]],
    ['annotations over 256 KiB', pod({ annotations: { a: 'x'.repeat(256 * KiB) } }), [{ field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' }]],
    ['multi-byte annotations counted in bytes', pod({ annotations: { a: 'é'.repeat(128 * KiB) } }), [{ field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' }]],
    ['a spec over the bound', pod({ env: 300 * KiB }), [{ field: '<root>', message: `Too long: must have at most ${MAX_MANIFEST_BYTES} bytes` }]],
  ])('%s', (_what, manifest, expected) => {
    const result = validatePodManifest(manifest);
    const causes = result.ok ? [] : result.causes.map((c) => ({ field: c.field, message: c.message }));
    expect(causes).toEqual(expected);
    for (const c of causes) expect(c.message).not.toMatch(/must have at most 0 bytes/);
  });

  it('the pod-controller refuses an oversized pod from outside the same way', () => {
    const manifest = pod({ env: 300 * KiB }) as unknown as PodManifest;
    expect(semanticCauses(manifest)).toEqual([expect.objectContaining({ reason: 'FieldValueTooLong', field: '<root>' })]);
  });

  it('counts annotation keys and values in UTF-8 bytes', () => {
    expect(annotationBytes({ ab: 'é' })).toBe(4);
    expect(sizeCauses('not an object')).toEqual([]);
  });
});
