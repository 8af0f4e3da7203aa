import { splitDockerFrames } from '../../../agent/runtime/docker-streams';

const frame = (type: number, text: string) => {
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([head, Buffer.from(text)]);
};

describe('splitDockerFrames: a non-TTY exec\'s stdout and stderr kept apart', () => {
  it.each([
    ['one stdout frame', [frame(1, 'out')], [['stdout', 'out']], 0],
    ['stdout then stderr', [frame(1, 'a'), frame(2, 'b')], [['stdout', 'a'], ['stderr', 'b']], 0],
    ['a frame cut in its payload', [frame(1, 'a'), frame(2, 'bcd').subarray(0, 10)], [['stdout', 'a']], 10],
    ['a frame cut in its header', [frame(2, 'x').subarray(0, 5)], [], 5],
    ['an empty frame', [frame(1, '')], [['stdout', '']], 0],
  ])('splits %s', (_what, parts, expected, restLength) => {
    const { frames, rest } = splitDockerFrames(Buffer.concat(parts));
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual(expected);
    expect(rest.length).toBe(restLength);
  });
});
