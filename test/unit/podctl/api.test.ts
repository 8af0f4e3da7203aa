import { ApiError, ConnectionError, formatError, statusFromResponse } from '../../../bin/podctl/api/errors';
import { buildUrl } from '../../../bin/podctl/api/client';
import { connectionFromKubeconfig, findKubeconfigUpward, kubeconfigPaths, mergeKubeconfigs } from '../../../bin/podctl/api/kubeconfig';
import { readLines, readWatchEvents } from '../../../bin/podctl/api/watch';

const KUBECONFIG = `
apiVersion: v1
kind: Config
clusters:
- name: podflow
  cluster: { server: http://127.0.0.1:8001 }
- name: other
  cluster: { server: http://10.0.0.1:6443 }
users:
- name: admin
  user: { token: s3cret }
contexts:
- name: podflow
  context: { cluster: podflow, user: admin }
- name: staging
  context: { cluster: other, user: admin, namespace: staging }
current-context: podflow
`;

describe('kubeconfig', () => {
  it('reads the server, token and default namespace of the current context', () => {
    expect(connectionFromKubeconfig(KUBECONFIG)).toEqual({ server: 'http://127.0.0.1:8001', token: 's3cret', namespace: 'default' });
  });

  it('uses the namespace of a context chosen by name', () => {
    expect(connectionFromKubeconfig(KUBECONFIG, 'staging')).toEqual({ server: 'http://10.0.0.1:6443', token: 's3cret', namespace: 'staging' });
  });

  it('names a missing context', () => {
    expect(() => connectionFromKubeconfig(KUBECONFIG, 'prod')).toThrow('context "prod" does not exist');
  });

  it('finds .podflow/kubeconfig in the nearest directory above the working directory', () => {
    const present = new Set(['/repo/.podflow/kubeconfig']);
    expect(findKubeconfigUpward('/repo/examples/deep', (p) => present.has(p))).toBe('/repo/.podflow/kubeconfig');
    expect(findKubeconfigUpward('/elsewhere', (p) => present.has(p))).toBeUndefined();
  });

  it.each([
    ['--kubeconfig alone wins over everything', { kubeconfig: '/a' }, { KUBECONFIG: '/b' }, ['/a']],
    ['then every existing file of $KUBECONFIG, in order, once each', {}, { KUBECONFIG: '/missing:/b:/c:/b' }, ['/b', '/c']],
    ['then the .podflow/kubeconfig found upward', {}, {}, ['/repo/.podflow/kubeconfig']],
  ])('%s', (_name, flags, env, expected) => {
    const present = new Set(['/b', '/c', '/repo/.podflow/kubeconfig', '/home/u/.kube/config']);
    expect(kubeconfigPaths(flags, env, '/repo/sub', (p) => present.has(p), '/home/u')).toEqual(expected);
  });

  it('falls back to ~/.kube/config outside a podflow checkout, as kubectl does', () => {
    const present = new Set(['/home/u/.kube/config']);
    expect(kubeconfigPaths({}, {}, '/elsewhere', (p) => present.has(p), '/home/u')).toEqual(['/home/u/.kube/config']);
    expect(kubeconfigPaths({}, {}, '/elsewhere', () => false, '/home/u')).toEqual([]);
  });

  it('merges a $KUBECONFIG list as kubectl does: the first file to name an entry or set current-context wins', () => {
    const first = `
clusters: [{ name: podflow, cluster: { server: 'https://first:8443', certificate-authority: tls/ca.crt } }]
users: [{ name: admin, user: { token: first-token } }]
contexts: []
`;
    const second = `
clusters:
- { name: podflow, cluster: { server: 'https://second:8443' } }
- { name: other, cluster: { server: 'https://other:6443' } }
users: [{ name: admin, user: { token: second-token } }]
contexts:
- { name: podflow, context: { cluster: podflow, user: admin } }
- { name: other, context: { cluster: other, user: admin, namespace: team } }
current-context: podflow
`;
    const third = 'current-context: other\n';
    const merged = mergeKubeconfigs([
      { path: '/etc/podflow/a.yaml', text: first },
      { path: '/home/u/.kube/config', text: second },
      { path: '/tmp/c.yaml', text: third },
    ]);
    expect(merged['current-context']).toBe('podflow');
    expect(merged.clusters?.map((c) => [c.name, c.cluster?.server])).toEqual([
      ['podflow', 'https://first:8443'],
      ['other', 'https://other:6443'],
    ]);
    expect(merged.clusters?.[0].cluster?.['certificate-authority']).toBe('/etc/podflow/tls/ca.crt');
    expect(connectionFromKubeconfig(merged, 'other')).toEqual({ server: 'https://other:6443', token: 'first-token', namespace: 'team' });
  });

  it('names the file that does not parse', () => {
    expect(() => mergeKubeconfigs([{ path: '/bad.yaml', text: 'clusters: [' }])).toThrow('cannot parse kubeconfig /bad.yaml');
  });
});

describe('buildUrl', () => {
  it('encodes the query and drops empty values', () => {
    expect(buildUrl('http://h:1', '/api/v1/pods', { labelSelector: 'app=web,tier in (a)', watch: true, container: undefined, tailLines: '' })).toBe(
      'http://h:1/api/v1/pods?labelSelector=app%3Dweb%2Ctier+in+%28a%29&watch=true',
    );
  });
});

describe('formatError', () => {
  const status = (o: object): ApiError => new ApiError({ code: 500, ...o });
  it.each([
    ['a NotFound status with its reason', status({ code: 404, reason: 'NotFound', message: 'pods "x" not found' }), 'Error from server (NotFound): pods "x" not found'],
    ['an AlreadyExists status', status({ code: 409, reason: 'AlreadyExists', message: 'pods "x" already exists' }), 'Error from server (AlreadyExists): pods "x" already exists'],
    ['a status without a reason', status({ message: 'boom' }), 'Error from server: boom'],
    ['a 401 as a login error', status({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' }), 'error: You must be logged in to the server (Unauthorized)'],
    [
      'a 422 with one cause on one line',
      status({
        code: 422,
        reason: 'Invalid',
        message: 'Pod "x" is invalid',
        details: { kind: 'Pod', name: 'x', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }] },
      }),
      'The Pod "x" is invalid: spec.containers[0].image: Required value',
    ],
    [
      'a 422 whose details name the resource (pods) instead of the kind',
      status({ code: 422, reason: 'Invalid', details: { kind: 'pods', name: 'x', causes: [{ message: 'Required value', field: 'spec.containers' }] } }),
      'The Pod "x" is invalid: spec.containers: Required value',
    ],
    [
      'a 422 with several causes as a list, duplicates dropped',
      status({
        code: 422,
        reason: 'Invalid',
        details: {
          kind: 'Pod',
          name: 'x',
          causes: [
            { message: 'Required value', field: 'spec.containers[0].image' },
            { message: 'Required value', field: 'spec.containers[0].image' },
            { message: 'Forbidden: disallowed by cluster policy', field: 'spec.containers[1].securityContext.privileged' },
          ],
        },
      }),
      'The Pod "x" is invalid: \n* spec.containers[0].image: Required value\n* spec.containers[1].securityContext.privileged: Forbidden: disallowed by cluster policy',
    ],
    ['a refused connection with kubectl\'s hint', new ConnectionError('127.0.0.1:8001', true, 'connect ECONNREFUSED'), 'The connection to the server 127.0.0.1:8001 was refused - did you specify the right host or port?'],
    ['any other error prefixed with error:', new Error('boom'), 'error: boom'],
  ])('words %s like kubectl', (_name, err, expected) => {
    expect(formatError(err)).toBe(expected);
  });

  it('makes a Status from a reply that is not one', () => {
    expect(statusFromResponse(404, '404 page not found')).toEqual({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
    expect(statusFromResponse(404, JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'pods "a" not found' })).message).toBe('pods "a" not found');
  });
});

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('watch stream', () => {
  it('joins a line split across chunks and skips blank lines', async () => {
    const lines: string[] = [];
    for await (const line of readLines(streamOf(['{"a"', ':1}\n\n{"b":2}\n{"c"', ':3}']))) lines.push(line);
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('parses each line into a watch event', async () => {
    const events = [];
    for await (const e of readWatchEvents(streamOf(['{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"DELETED","object":{"metadata":{"name":"a"}}}\n']))) events.push(e.type);
    expect(events).toEqual(['ADDED', 'DELETED']);
  });
});
