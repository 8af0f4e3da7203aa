/** Kubernetes label and field selectors (equality and set-based), parsed once and matched as data. */
import { badRequest, StatusError } from '../shared/kube/status';

export type Requirement =
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export class SelectorError extends StatusError {
  constructor(message: string) {
    super(badRequest(message));
  }
}

/** Splits on commas that are not inside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

export function parseSelector(selector: string | undefined): Requirement[] {
  if (!selector) return [];
  return terms(selector).map((term) => {
    let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) return { key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter(Boolean) };
    m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(term);
    if (m) return { key: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] };
    m = /^(!?)([^\s!=()]+)$/.exec(term);
    if (m) return { key: m[2], op: m[1] ? '!exists' : 'exists' };
    throw new SelectorError(`unable to parse requirement: ${term}`);
  });
}

export function matches(requirements: readonly Requirement[], fields: Record<string, string | undefined>): boolean {
  return requirements.every((r) => {
    const v = fields[r.key];
    switch (r.op) {
      case '=':
        return v === r.value;
      case '!=':
        return v !== r.value;
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case 'exists':
        return v !== undefined;
      case '!exists':
        return v === undefined;
    }
  });
}
