/**
 * Manifests as podctl reads them: every YAML or JSON document of every source
 * (`---` separated; a `kind: List` spreads into its items), each kept with its
 * parsed syntax tree and line counter so that a field path can later be traced
 * back to the line it came from.
 */
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../shared/display/kube-types';

export interface Source {
  /** A path as the user gave it, or `STDIN`. */
  name: string;
  text: string;
}

export type PathSegment = string | number;

export interface Manifest {
  source: string;
  object: KubeObject;
  /** The parsed document and where this object sits in it (`['items', 2]` inside a List). */
  document: Document.Parsed;
  basePath: PathSegment[];
  lineCounter: LineCounter;
  /** 1-based line where the object starts. */
  line: number;
}

export class ManifestError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`error parsing ${source}: ${message}`);
  }
}

function isObjectWithKind(value: unknown): value is KubeObject {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Parses one source into manifests; a syntax error or a document that is not an object is a ManifestError. */
export function parseManifests(source: Source): Manifest[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(source.text, { lineCounter, prettyErrors: true });
  if (!Array.isArray(documents)) return [];
  const manifests: Manifest[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) throw new ManifestError(source.name, error.message.split('\n')[0]);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isObjectWithKind(value)) throw new ManifestError(source.name, 'a document must be an object with apiVersion, kind and metadata');
    const start = lineCounter.linePos(document.contents?.range?.[0] ?? 0).line;
    if (value.kind === 'List' && Array.isArray((value as { items?: unknown }).items)) {
      const items = (value as unknown as { items: unknown[] }).items;
      items.forEach((item, i) => {
        if (!isObjectWithKind(item)) throw new ManifestError(source.name, `items[${i}] must be an object`);
        const m: Manifest = { source: source.name, object: item, document, basePath: ['items', i], lineCounter, line: start };
        m.line = locateField(m, '').line;
        manifests.push(m);
      });
      continue;
    }
    manifests.push({ source: source.name, object: value, document, basePath: [], lineCounter, line: start });
  }
  return manifests;
}

/**
 * Splits a field path as the API reports it into segments:
 * `spec.containers[0].securityContext.privileged`, `metadata.labels[app]`,
 * or the dotted form `spec.containers.0.image`.
 */
export function parseFieldPath(field: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(field)) !== null) {
    const text = m[1] ?? m[2];
    segments.push(/^\d+$/.test(text) ? Number(text) : text);
  }
  return segments;
}

export interface FieldLocation {
  line: number;
  column: number;
  /** False when the path runs past what the document says (a missing field): the line is its nearest present parent. */
  exact: boolean;
}

interface YamlNode {
  range?: [number, number, number] | null;
  items?: unknown[];
}

function isPairList(node: YamlNode): node is { items: { key: { value?: unknown; range?: [number, number, number] | null } | null; value: unknown }[] } {
  return Array.isArray(node.items) && node.items.every((i) => i !== null && typeof i === 'object' && 'key' in (i as object));
}

/** The file line of a field path inside a manifest (the line of its key, or of its `-` item). */
export function locateField(manifest: Manifest, field: string): FieldLocation {
  const path = [...manifest.basePath, ...parseFieldPath(field)];
  let node = manifest.document.contents as YamlNode | null;
  let offset = node?.range?.[0] ?? 0;
  let exact = true;
  for (const segment of path) {
    if (!node || !Array.isArray(node.items)) {
      exact = false;
      break;
    }
    if (isPairList(node)) {
      const pair = node.items.find((p) => p.key && String(p.key.value) === String(segment));
      if (!pair) {
        exact = false;
        break;
      }
      offset = pair.key?.range?.[0] ?? offset;
      node = pair.value as YamlNode | null;
    } else {
      const item = typeof segment === 'number' ? (node.items[segment] as YamlNode | undefined) : undefined;
      if (!item) {
        exact = false;
        break;
      }
      offset = item.range?.[0] ?? offset;
      node = item;
    }
  }
  const pos = manifest.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col, exact };
}
