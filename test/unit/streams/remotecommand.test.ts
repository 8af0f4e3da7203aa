import { CHANNEL, chooseProtocol, decodeClientFrame, encodeFrame, exitStatus, PROTOCOL_V4, PROTOCOL_V5 } from '../../../shared/streams/remotecommand';

describe('remote-command channel protocol', () => {
  it.each([
    [['v5.channel.k8s.io'], PROTOCOL_V5],
    [['v4.channel.k8s.io', 'v5.channel.k8s.io'], PROTOCOL_V5],
    [[' v4.channel.k8s.io'], PROTOCOL_V4],
    [['channel.k8s.io', 'base64.channel.k8s.io'], undefined],
    [[], undefined],
  ])('chooses the best offered subprotocol from %j', (offered, chosen) => {
    expect(chooseProtocol(offered)).toBe(chosen);
  });

  it('prefixes every message with its channel byte', () => {
    expect([...encodeFrame(CHANNEL.stdout, 'hi')]).toEqual([1, 0x68, 0x69]);
    expect([...encodeFrame(CHANNEL.error, Buffer.alloc(0))]).toEqual([3]);
  });

  it.each([
    ['stdin data', [0, 0x61, 0x62], PROTOCOL_V5, { kind: 'stdin', data: Buffer.from('ab') }],
    ['empty stdin', [0], PROTOCOL_V4, { kind: 'stdin', data: Buffer.alloc(0) }],
    ['a resize', [4, ...Buffer.from('{"Width":120,"Height":40}')], PROTOCOL_V5, { kind: 'resize', width: 120, height: 40 }],
    ['a resize that is not JSON', [4, 0x7b], PROTOCOL_V5, { kind: 'ignored', why: 'resize that is not JSON' }],
    ['a resize of zero', [4, ...Buffer.from('{"Width":0,"Height":40}')], PROTOCOL_V5, { kind: 'ignored', why: 'resize without a positive Width and Height' }],
    ['v5 closing stdin', [255, 0], PROTOCOL_V5, { kind: 'close', channel: 0 }],
    ['a close signal in v4', [255, 0], PROTOCOL_V4, { kind: 'ignored', why: 'close signal outside v5' }],
    ['a close signal without a stream', [255], PROTOCOL_V5, { kind: 'ignored', why: 'close signal without one stream id' }],
    ['output written by a client', [1, 0x61], PROTOCOL_V5, { kind: 'ignored', why: 'channel 1 is not written by clients' }],
    ['an empty message', [], PROTOCOL_V5, { kind: 'ignored', why: 'empty message' }],
  ] as const)('decodes %s', (_what, bytes, protocol, frame) => {
    expect(decodeClientFrame(Buffer.from(bytes), protocol)).toEqual(frame);
  });

  it('reports exit code 0 as Success', () => {
    expect(exitStatus(0, ['true'])).toMatchObject({ kind: 'Status', status: 'Success' });
  });

  it('reports another exit code as NonZeroExitCode with the code in an ExitCode cause, which kubectl exits with', () => {
    expect(exitStatus(3, ['sh', '-c', 'exit 3'])).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      code: 500,
    });
  });
});
