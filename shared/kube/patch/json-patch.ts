/**
 * JSON patch (RFC 6902, `application/json-patch+json`): a list of operations
 * (add, remove, replace, move, copy, test) applied in order, all or nothing.
 * fast-json-patch does the work; this edge checks the shape and turns its
 * errors into PatchError with the failing operation's index. Pure.
 */
import { applyPatch, type Operation } from 'fast-json-patch';
import { PatchError } from './strategic-merge';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export function jsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new PatchError('a JSON patch must be a list of operations');
  patch.forEach((op: unknown, i) => {
    const o = op as { op?: unknown; path?: unknown } | null;
    if (!o || typeof o !== 'object' || typeof o.op !== 'string' || !OPS.has(o.op) || typeof o.path !== 'string') {
      throw new PatchError(`operation ${i} is not a JSON patch operation (op and path are required; op is one of add, remove, replace, move, copy, test)`);
    }
  });
  try {
    return applyPatch(structuredClone(document), patch as Operation[], true, true).newDocument;
  } catch (err) {
    const e = err as { name?: string; index?: number; message: string };
    const where = e.index !== undefined ? `operation ${e.index}: ` : '';
    if (e.name === 'TEST_OPERATION_FAILED') throw new PatchError(`${where}the test operation failed: the value does not match`);
    throw new PatchError(`${where}${e.message.split('\n')[0]}`);
  }
}
