import { requestLabels } from '../../../api/request-labels';
import { loggablePath } from '../../../api/request-log';

describe('the Kubernetes verb and resource of an API request', () => {
  it.each([
    ['GET', '/api/v1/pods', {}, 'list', 'pods'],
    ['GET', '/api/v1/namespaces/:namespace/pods', {}, 'list', 'pods'],
    ['GET', '/api/v1/namespaces/:namespace/pods', { watch: 'true' }, 'watch', 'pods'],
    ['GET', '/api/v1/pods', { watch: '1' }, 'watch', 'pods'],
    ['GET', '/api/v1/namespaces/:namespace/pods', { watch: 'false' }, 'list', 'pods'],
    ['GET', '/api/v1/namespaces/:namespace/pods/:name', {}, 'get', 'pods'],
    ['POST', '/api/v1/namespaces/:namespace/pods', {}, 'create', 'pods'],
    ['DELETE', '/api/v1/namespaces/:namespace/pods/:name', {}, 'delete', 'pods'],
    ['GET', '/api/v1/namespaces/:namespace/pods/:name/log', {}, 'get', 'pods/log'],
    ['GET', '/api/v1/namespaces/:namespace/pods/:name/events', {}, 'get', 'pods/events'],
    ['GET', '/api/v1/nodes', {}, 'list', 'nodes'],
    ['GET', '/api/v1/nodes', { watch: 'true' }, 'watch', 'nodes'],
    ['GET', '/api/v1/nodes/:name', {}, 'get', 'nodes'],
    ['GET', '/api/v1/namespaces/:namespace/events', {}, 'list', 'events'],
    ['GET', '/api/v1/namespaces', {}, 'list', 'namespaces'],
    ['PUT', '/api/v1/namespaces/:namespace/replicationcontrollers/:name', {}, 'update', 'replicationcontrollers'],
    ['PATCH', '/api/v1/namespaces/:namespace/replicationcontrollers/:name', {}, 'patch', 'replicationcontrollers'],
    ['PATCH', '/api/v1/namespaces/:namespace/replicationcontrollers/:name/scale', {}, 'patch', 'replicationcontrollers/scale'],
    ['GET', '/api/v1/namespaces/:namespace/replicationcontrollers/:name/scale', {}, 'get', 'replicationcontrollers/scale'],
    ['DELETE', '/api/v1/namespaces/:namespace/replicationcontrollers', {}, 'deletecollection', 'replicationcontrollers'],
    ['GET', '/version', {}, 'get', '/version'],
    ['GET', '/metrics', {}, 'get', '/metrics'],
    ['GET', '/healthz', {}, 'get', '/healthz'],
    ['GET', undefined, {}, 'get', 'unmatched'],
    ['POST', undefined, {}, 'post', 'unmatched'],
  ])('%s %s %j is verb %s on %s', (method, route, query, verb, resource) => {
    expect(requestLabels(method, route, query)).toEqual({ verb, resource });
  });

  it('never takes a name from the URL, so labels stay bounded', () => {
    const seen = new Set(['a', 'b', 'c'].map((n) => JSON.stringify(requestLabels('GET', '/api/v1/namespaces/:namespace/pods/:name', { name: n }))));
    expect(seen.size).toBe(1);
  });
});

describe('the path a request log shows', () => {
  it.each([
    ['/api/v1/pods', '/api/v1/pods'],
    ['/api/v1/pods?watch=true&labelSelector=app%3Dweb', '/api/v1/pods?watch=true&labelSelector=app%3Dweb'],
    ['/api/v1/pods?access_token=abc123&watch=1', '/api/v1/pods?access_token=REDACTED&watch=1'],
    ['/api/v1/pods?token=abc123', '/api/v1/pods?token=REDACTED'],
    ['/x?password=p&apiKey=k&X-Amz-Signature=s', '/x?password=REDACTED&apiKey=REDACTED&X-Amz-Signature=REDACTED'],
    ['/api/v1/pods?', '/api/v1/pods'],
  ])('%s is logged as %s', (url, shown) => {
    expect(loggablePath(url)).toBe(shown);
  });
});
