import { PassThrough, Readable } from 'node:stream';
import { hostConfigLimits, KUBELET_LIKE_DEFAULTS } from '../../../agent/runtime/node-defaults';
import { limitBytes } from '../../../agent/logs/limit-bytes';

describe('node defaults for pod containers', () => {
  const defaults = { pidsLimit: 256, memoryBytes: 512 * 1024 * 1024, logMaxSizeBytes: 10 * 1024 * 1024, logMaxFiles: 5 };

  it.each([
    ['a container without a memory limit gets the node default', {}, { PidsLimit: 256, Memory: 512 * 1024 * 1024, MemorySwap: 512 * 1024 * 1024 }],
    ['a container with its own limit keeps it', { memoryBytes: 64 * 1024 * 1024 }, { PidsLimit: 256, Memory: 64 * 1024 * 1024 }],
  ])('%s', (_name, own, expected) => {
    expect(hostConfigLimits(own, defaults)).toMatchObject({ ...expected, LogConfig: { Type: 'json-file', Config: { 'max-size': '10485760', 'max-file': '5' } } });
  });

  it('leaves out what a node turns off (0)', () => {
    const limits = hostConfigLimits({}, { pidsLimit: 0, memoryBytes: 0, logMaxSizeBytes: 0, logMaxFiles: 1 });
    expect(limits).toEqual({ LogConfig: { Type: 'json-file', Config: {} } });
  });

  it('defaults like the kubelet: 1024 pids, 10Mi x 5 log files', () => {
    expect(hostConfigLimits({}, undefined)).toMatchObject({ PidsLimit: 1024, LogConfig: { Config: { 'max-size': String(10 * 1024 * 1024), 'max-file': '5' } } });
    expect(KUBELET_LIKE_DEFAULTS.memoryBytes).toBeGreaterThan(0);
  });
});

describe('limitBytes', () => {
  it('ends the stream after the limit and releases the source', async () => {
    const source = new PassThrough();
    const out = limitBytes(source, 5);
    source.write('hello ');
    source.write('world\n');
    const chunks: Buffer[] = [];
    for await (const chunk of out) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    expect(source.destroyed).toBe(true);
  });

  it('passes a shorter log whole', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of limitBytes(Readable.from([Buffer.from('a\n'), Buffer.from('b\n')]), 100)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('a\nb\n');
  });
});
