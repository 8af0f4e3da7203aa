import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validatePodManifest } from '../../../shared/pod/validate';
import { validateReplicationController } from '../../../shared/rc/validate';

const dir = join(__dirname, '../../../examples');
const files = readdirSync(dir).filter((f) => /^rc.*\.ya?ml$/.test(f));

describe('replication examples', () => {
  it('there are examples to check', () => expect(files.length).toBeGreaterThan(0));

  it.each(files)('%s is accepted by the validation the API applies', (file) => {
    const doc = parse(readFileSync(join(dir, file), 'utf8'));
    const result = doc.kind === 'ReplicationController' ? validateReplicationController(doc) : validatePodManifest(doc);
    expect(result.ok ? [] : result.causes).toEqual([]);
  });
});
