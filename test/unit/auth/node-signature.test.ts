import { randomBytes } from 'node:crypto';
import { mapNodeKeys } from '../../../shared/auth/node-keys';
import { fleetSigner, nodeSigner, PRINCIPAL_HEADER, recordNode, SIGNATURE_HEADER, verifyNodeRecord } from '../../../shared/auth/node-signature';
import { TOPICS } from '../../../shared/events/topics';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const keys = mapNodeKeys(new Map([['node-a', keyA], ['node-b', keyB]]));
const heartbeatOf = (node: string) => ({ type: 'NodeHeartbeat', data: { node: { name: node } } });
const statusOf = (node: string) => ({ type: 'PodStatusReported', data: { nodeName: node } });

function signedBy(signer: ReturnType<typeof nodeSigner>, event: unknown, topic: string = TOPICS.nodeHeartbeats) {
  const value = JSON.stringify(event);
  return { value, headers: signer(topic, event, value) };
}

describe('node signatures', () => {
  it('names the node of a heartbeat and of a status', () => {
    expect(recordNode(heartbeatOf('node-a'))).toBe('node-a');
    expect(recordNode(statusOf('node-b'))).toBe('node-b');
    expect(recordNode({ data: {} })).toBeUndefined();
  });

  it.each([
    ['a node for itself', nodeSigner('node-a', keyA), heartbeatOf('node-a'), { ok: true }],
    ['a node for itself (status)', nodeSigner('node-b', keyB), statusOf('node-b'), { ok: true }],
    ['a fleet for the node a record names', fleetSigner(keys), heartbeatOf('node-b'), { ok: true }],
    ['a node for another node', nodeSigner('node-a', keyA), heartbeatOf('node-b'), { ok: false, reason: 'record for node node-b sent by node-node-a' }],
    ['a node claiming another with its own key', nodeSigner('node-b', keyA), heartbeatOf('node-b'), { ok: false, reason: 'signature of node-node-b does not verify for node node-b' }],
    ['a node that never joined', nodeSigner('node-c', keyA), heartbeatOf('node-c'), { ok: false, reason: 'node node-c has no signing key (it never joined)' }],
    ['nobody', () => ({}), heartbeatOf('node-a'), { ok: false, reason: `unsigned record for node node-a (no ${PRINCIPAL_HEADER}/${SIGNATURE_HEADER} header)` }],
  ])('verifies %s', (_what, signer, event, verdict) => {
    const { value, headers } = signedBy(signer, event);
    expect(verifyNodeRecord({ node: recordNode(event), value, headers, keys })).toEqual(verdict);
  });

  it('refuses a signed record whose value was changed', () => {
    const { value, headers } = signedBy(nodeSigner('node-a', keyA), heartbeatOf('node-a'));
    expect(verifyNodeRecord({ node: 'node-a', value: value.replace('node-a', 'node-a '), headers, keys }).ok).toBe(false);
  });

  it('signs only the topics that speak for a node', () => {
    expect(nodeSigner('node-a', keyA)(TOPICS.podEvents, heartbeatOf('node-a'), '{}')).toEqual({});
    expect(Object.keys(nodeSigner('node-a', keyA)(TOPICS.podStatus, statusOf('node-a'), '{}')).sort()).toEqual([PRINCIPAL_HEADER, SIGNATURE_HEADER]);
  });
});
