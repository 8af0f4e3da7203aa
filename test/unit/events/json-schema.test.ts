import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventSchemas } from '../../../bin/podflow-schemas';

describe('the published event contract', () => {
  it.each(Object.entries(eventSchemas()))('docs/events/%s matches the zod schemas (run npm run schemas after a change)', (file, schema) => {
    const committed = JSON.parse(readFileSync(path.join(__dirname, '../../../docs/events', file), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(schema)));
  });
});
