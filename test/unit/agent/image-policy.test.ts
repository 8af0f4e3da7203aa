import { effectivePullPolicy, imageStep, imageTag } from '../../../agent/sync/image-policy';

describe('image pull policy', () => {
  it.each([
    ['podflow/web:1', undefined, 'IfNotPresent'],
    ['podflow/web', undefined, 'Always'],
    ['podflow/web:latest', undefined, 'Always'],
    ['registry.local:5000/web', undefined, 'Always'],
    ['registry.local:5000/web:2', undefined, 'IfNotPresent'],
    ['web@sha256:abc', undefined, 'IfNotPresent'],
    ['podflow/web:latest', 'Never', 'Never'],
    ['podflow/web:1', 'Always', 'Always'],
  ] as const)('%s with %s defaults to %s', (image, given, expected) => {
    expect(effectivePullPolicy({ image, imagePullPolicy: given })).toBe(expected);
  });

  it.each([
    ['registry.local:5000/web', undefined],
    ['web:1', '1'],
    ['a/b/c:v2.1', 'v2.1'],
  ])('tag of %s is %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });

  it.each([
    ['Always', true, 'pull'],
    ['Always', false, 'pull'],
    ['IfNotPresent', true, 'use-local'],
    ['IfNotPresent', false, 'pull'],
    ['Never', true, 'use-local'],
    ['Never', false, 'never-pull-missing'],
  ] as const)('%s with image present=%s → %s', (policy, present, step) => {
    expect(imageStep(policy, present)).toBe(step);
  });
});
