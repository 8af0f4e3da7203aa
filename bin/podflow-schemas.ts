#!/usr/bin/env node
/**
 * Writes the public event contract as JSON Schema (docs/events/<topic>.schema.json),
 * generated from the same zod schemas the handlers parse with. A unit test keeps
 * the committed files equal to what this generates.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SPEC_VERSION, TOPIC_SCHEMAS, TOPIC_SPECS } from '../shared/events';
import { REPO_ROOT } from '../shared/local/paths';

export function eventSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of TOPIC_SPECS) {
    out[`${spec.name}.schema.json`] = {
      $id: `https://podflow.dev/events/v${SPEC_VERSION}/${spec.name}.schema.json`,
      title: `podflow topic ${spec.name} (event contract v${SPEC_VERSION})`,
      description: `${spec.description} Record key: ${spec.key}. Partitions (local default): ${spec.partitions}. Retention: ${spec.retention}.`,
      ...z.toJSONSchema(TOPIC_SCHEMAS[spec.name], { io: 'input', unrepresentable: 'any' }),
    };
  }
  return out;
}

if (require.main === module) {
  const dir = path.join(REPO_ROOT, 'docs', 'events');
  mkdirSync(dir, { recursive: true });
  for (const [file, schema] of Object.entries(eventSchemas())) {
    writeFileSync(path.join(dir, file), JSON.stringify(schema, null, 2) + '\n');
    console.log(`wrote docs/events/${file}`);
  }
}
