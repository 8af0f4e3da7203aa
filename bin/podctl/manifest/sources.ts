/**
 * Turns `-f` arguments into sources: a file, `-` for standard input, or a
 * directory (its .yaml, .yml and .json files in name order, as kubectl reads it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Source } from './documents';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

export function readSources(paths: string[], readStdin: () => string): Source[] {
  if (paths.length === 0) throw new Error('must specify one of -f and -k');
  const sources: Source[] = [];
  for (const path of paths) {
    if (path === '-') {
      sources.push({ name: 'STDIN', text: readStdin() });
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new Error(`the path "${path}" does not exist`);
    }
    if (isDirectory) {
      const files = readdirSync(path)
        .filter((f) => MANIFEST_EXTENSIONS.test(f))
        .sort();
      for (const f of files) sources.push({ name: join(path, f), text: readFileSync(join(path, f), 'utf8') });
    } else {
      sources.push({ name: path, text: readFileSync(path, 'utf8') });
    }
  }
  return sources;
}
