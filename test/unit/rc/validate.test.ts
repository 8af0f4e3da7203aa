import { validateReplicationController } from '../../../shared/rc/validate';

const base = () => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 3, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'app', image: 'podflow/web:1' }] } } },
});

type Mutate = (rc: any) => void;

describe('ReplicationController validation', () => {
  it('defaults replicas to 1 and the selector to the template labels', () => {
    const rc: any = base();
    delete rc.spec.replicas;
    delete rc.spec.selector;
    const v = validateReplicationController(rc);
    expect(v.ok && v.value.spec).toMatchObject({ replicas: 1, selector: { app: 'web', tier: 'front' } });
  });

  it('accepts a selector that is a subset of the template labels and drops a client-sent status', () => {
    const rc: any = { ...base(), status: { replicas: 7 } };
    const v = validateReplicationController(rc);
    expect(v.ok).toBe(true);
    expect(v.ok && 'status' in v.value).toBe(false);
  });

  it.each<[string, Mutate, { field: string; message: string }[]]>([
    [
      'a selector the template labels do not match',
      (rc) => (rc.spec.selector = { app: 'db' }),
      [{ field: 'spec.template.metadata.labels', message: 'Invalid value: {"app":"web","tier":"front"}: selector does not match template labels' }],
    ],
    [
      'no selector and no template labels',
      (rc) => {
        delete rc.spec.selector;
        delete rc.spec.template.metadata;
      },
      [
        { field: 'spec.selector', message: 'Required value' },
        { field: 'spec.template.metadata.labels', message: 'Required value' },
      ],
    ],
    ['negative replicas', (rc) => (rc.spec.replicas = -1), [{ field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }]],
    ['a template restart policy other than Always', (rc) => (rc.spec.template.spec.restartPolicy = 'Never'), [{ field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Never": supported values: "Always"' }]],
    ['a template container without an image', (rc) => delete rc.spec.template.spec.containers[0].image, [{ field: 'spec.template.spec.containers[0].image', message: 'Required value' }]],
    ['an unknown field in the template spec', (rc) => (rc.spec.template.spec.bogus = 1), [{ field: 'spec.template.spec.bogus', message: 'unknown field "bogus"' }]],
    ['an unknown field in the rc spec', (rc) => (rc.spec.bogus = 1), [{ field: 'spec.bogus', message: 'unknown field "bogus"' }]],
    ['a missing template', (rc) => delete rc.spec.template, [{ field: 'spec.template', message: 'Required value' }]],
    ['an invalid name', (rc) => (rc.metadata.name = 'Web_1'), [{ field: 'metadata.name', message: expect.stringContaining('Invalid value: "Web_1"') }]],
  ])('refuses %s with the field path and Kubernetes wording', (_name, mutate, expected) => {
    const rc = base();
    mutate(rc);
    const v = validateReplicationController(rc);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.causes).toEqual(expect.arrayContaining(expected.map((e) => expect.objectContaining(e))));
  });

  it('reports every cause at once', () => {
    const rc: any = base();
    rc.spec.replicas = -2;
    rc.spec.selector = { app: 'db' };
    rc.spec.template.spec.containers[0].image = '';
    const v = validateReplicationController(rc);
    expect(v.ok ? [] : v.causes.map((c) => c.field)).toEqual(expect.arrayContaining(['spec.replicas', 'spec.template.metadata.labels', 'spec.template.spec.containers[0].image']));
  });

  it.each([null, 'x', [], 42])('never throws on %p', (input) => {
    expect(validateReplicationController(input).ok).toBe(false);
  });
});
