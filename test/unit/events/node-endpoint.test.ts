/** A node's `endpoint` is where the API sends that node's token: an http(s) origin and nothing else. */
import { nodeDescription } from '../../../shared/events/node-heartbeats';
import { aNodeDescription } from '../../helpers/factories';

describe('a node description’s endpoint', () => {
  it.each<[string, string, boolean]>([
    ['an http origin', 'http://127.0.0.1:10250', true],
    ['an https origin with a trailing slash', 'https://10.0.1.7:10250/', true],
    ['a file URL', 'file:///etc/passwd', false],
    ['a websocket URL', 'ws://127.0.0.1:10250', false],
    ['credentials in the URL', 'http://user:pass@127.0.0.1:10250', false],
    ['a path that would prefix every call', 'http://127.0.0.1:10250/redirect?to=', false],
    ['not a URL', '127.0.0.1:10250', false],
  ])('%s', (_name, endpoint, ok) => {
    expect(nodeDescription.safeParse({ ...aNodeDescription({ name: 'n1' }), endpoint }).success).toBe(ok);
  });
});
