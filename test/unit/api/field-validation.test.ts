import { memoryPorts } from '../../../shared/adapters/memory';
import { podManifest } from '../../../shared/pod/schema';
import { silentLogger } from '../../../shared/runtime/logger';
import { PodFeed } from '../../../api/feed';
import { decodeFields, readFieldValidation, unknownFields, warningHeader } from '../../../api/field-validation';
import { buildApi } from '../../../api/server';

const TOKEN = 'field-validation-test-token-0123';
const manifest = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'podflow/web:1', ...extra }] },
});

describe('fieldValidation: the decision', () => {
  it.each([
    [{}, 'Warn'],
    [{ fieldValidation: '' }, 'Warn'],
    [{ fieldValidation: 'Strict' }, 'Strict'],
    [{ fieldValidation: 'Warn' }, 'Warn'],
    [{ fieldValidation: 'Ignore' }, 'Ignore'],
  ])('reads %p as %s', (query, directive) => {
    expect(readFieldValidation(query)).toEqual({ ok: true, directive });
  });

  it('refuses an unsupported directive as CreateOptions validation does', () => {
    const read = readFieldValidation({ fieldValidation: 'strict' });
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.status).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(read.status.message).toContain('fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"');
    }
  });

  it('finds unknown fields at their paths, however deep', () => {
    const input = { ...manifest({ imagePullPolixy: 'Always' }), spek: {} };
    expect(unknownFields(podManifest, input)).toEqual(expect.arrayContaining([['spek'], ['spec', 'containers', 0, 'imagePullPolixy']]));
    expect(unknownFields(podManifest, manifest())).toEqual([]);
  });

  it.each([
    ['Strict', { ok: false }],
    ['Warn', { ok: true, warnings: ['unknown field "spec.containers[0].imagePullPolixy"'] }],
    ['Ignore', { ok: true, warnings: [] }],
  ] as const)('under %s an unknown field is %p', (directive, expected) => {
    const input = manifest({ imagePullPolixy: 'Always' });
    const decoded = decodeFields(directive, 'Pod', input, unknownFields(podManifest, input));
    expect(decoded).toMatchObject(expected);
    if (decoded.ok) {
      expect(decoded.input).toEqual(manifest());
      expect(input.spec.containers[0]).toHaveProperty('imagePullPolixy'); // the request's object is left as it came
    } else {
      expect(decoded.status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolixy"' });
    }
  });

  it('names every unknown field in one strict decoding error', () => {
    const input = { ...manifest({ imagePullPolixy: 'Always' }), spek: {} };
    const decoded = decodeFields('Strict', 'Pod', input, unknownFields(podManifest, input));
    expect(!decoded.ok && decoded.status.message).toMatch(/strict decoding error: unknown field "[^"]+", unknown field "[^"]+"$/);
  });

  it.each([
    ['unknown field "spec.x"', '299 - "unknown field \\"spec.x\\""'],
    ['a \\ b', '299 - "a \\\\ b"'],
    ['the engine’s DNS', '299 - "the engine\'s DNS"'],
    ['unknown field "spec.é"', '299 - "unknown field \\"spec.\\u00e9\\""'],
  ])('writes the Warning header for %p as %p', (text, header) => {
    expect(warningHeader(text)).toBe(header);
  });
});

describe('fieldValidation on POST /pods (API on in-memory ports)', () => {
  let app: ReturnType<typeof buildApi>;
  let base: string;
  const post = async (query: string, body: unknown) => {
    const res = await fetch(`${base}/api/v1/namespaces/default/pods?${query}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, warning: res.headers.get('warning'), body: (await res.json()) as { message?: string; spec?: { containers: Record<string, unknown>[] } } };
  };

  beforeAll(async () => {
    app = buildApi({ ...memoryPorts(), feed: new PodFeed(silentLogger), logger: silentLogger, token: TOKEN, agentToken: 'agent-token-0123456789abcdef' });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses an unknown field under Strict with the strict decoding error', async () => {
    const r = await post('fieldValidation=Strict', manifest({ imagePullPolixy: 'Always' }));
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolixy"');
  });

  it('drops it with a Warning header under Warn, and by default', async () => {
    for (const query of ['fieldValidation=Warn&dryRun=All', 'dryRun=All']) {
      const r = await post(query, manifest({ imagePullPolixy: 'Always' }));
      expect(r.status).toBe(201);
      expect(r.warning).toBe('299 - "unknown field \\"spec.containers[0].imagePullPolixy\\""');
      expect(r.body.spec?.containers[0]).not.toHaveProperty('imagePullPolixy');
    }
  });

  it('drops it silently under Ignore', async () => {
    const r = await post('fieldValidation=Ignore&dryRun=All', manifest({ imagePullPolixy: 'Always' }));
    expect(r.status).toBe(201);
    expect(r.warning).toBeNull();
  });

  it('still reports validation causes of the known fields after dropping unknown ones', async () => {
    const r = await post('dryRun=All', manifest({ imagePullPolixy: 'Always', image: '' }));
    expect(r.status).toBe(422);
    expect(r.warning).toContain('imagePullPolixy');
    expect(r.body.message).toBe('The Pod "web" is invalid: spec.containers[0].image: Required value');
  });
});
