/**
 * Shell completion the way kubectl does it: `podctl completion bash|zsh` prints
 * a small script whose only job is to ask podctl itself for candidates
 * (`podctl __complete WORDS... CURRENT`). The candidates come from the commander
 * tree (subcommands, their flags, the globals) and, for object names, from the
 * cluster, so a new command or flag completes without touching the scripts.
 */
import type { Command } from 'commander';
import { RESOURCE_NAMES, collectionPath, lookupResource } from '../api/resources';
import type { ConnectionFlags } from '../api/kubeconfig';
import { line, type CommandContext } from './context';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a positional argument of a command completes to. */
export type ArgKind = 'resources' | 'pod' | 'container' | 'shell' | 'none';

export interface CompletionCommand {
  name: string;
  flags: string[];
  /** Flags that take a value (the next word is not a positional). */
  valueFlags: string[];
  args: ArgKind[];
  /** The last argument is variadic (`<resource...>`). */
  variadic: boolean;
}

export interface CompletionTree {
  globalFlags: string[];
  globalValueFlags: string[];
  commands: CompletionCommand[];
}

/** Argument names in program.ts mapped to what they complete to. */
const ARG_KINDS: Record<string, ArgKind> = { resource: 'resources', pod: 'pod', container: 'container', shell: 'shell' };

function flagsOf(cmd: Command): { flags: string[]; valueFlags: string[] } {
  const flags: string[] = [];
  const valueFlags: string[] = [];
  for (const option of cmd.options) {
    const names = [option.long, option.short].filter((n): n is string => Boolean(n));
    flags.push(...names);
    if (option.required) valueFlags.push(...names);
  }
  return { flags, valueFlags };
}

/** The completion view of a commander program (hidden commands left out). */
export function completionTree(program: Command): CompletionTree {
  const global = flagsOf(program);
  return {
    globalFlags: global.flags,
    globalValueFlags: global.valueFlags,
    commands: program.commands
      .filter((c) => !(c as Command & { _hidden?: boolean })._hidden && c.name() !== 'help')
      .map((c) => {
        const { flags, valueFlags } = flagsOf(c);
        const args = c.registeredArguments;
        return {
          name: c.name(),
          flags: [...flags, '--help'],
          valueFlags,
          args: args.map((a) => ARG_KINDS[a.name()] ?? 'none'),
          variadic: args.length > 0 && args[args.length - 1].variadic,
        };
      }),
  };
}

/** What the shell should offer: fixed words, or the names of a resource (fetched from the cluster). */
export interface CompletionRequest {
  words: string[];
  /** Object names to fetch: their resource, and a prefix for TYPE/NAME words. */
  names?: { resource: string; prefix: string };
  /** The containers of this pod. */
  containersOf?: string;
  /** Connection flags found among the words (-n, --context, --kubeconfig, ...). */
  flags: ConnectionFlags;
}

const CONNECTION_FLAGS: Record<string, keyof ConnectionFlags> = {
  '-n': 'namespace',
  '--namespace': 'namespace',
  '--context': 'context',
  '--kubeconfig': 'kubeconfig',
  '-s': 'server',
  '--server': 'server',
  '--token': 'token',
};

const isResourceName = (word: string): boolean => RESOURCE_NAMES.includes(word.toLowerCase());

/**
 * Pure: the candidates for `current`, given the words before it (without the
 * program name). Flags are offered when `current` starts with `-`; the value
 * of a flag that takes one is left to the shell (file names, as for `-f`).
 */
export function completionFor(tree: CompletionTree, before: string[], current: string): CompletionRequest {
  const flags: ConnectionFlags = {};
  let command: CompletionCommand | undefined;
  const positionals: string[] = [];
  let expectsValue = false;
  for (let i = 0; i < before.length; i++) {
    const word = before[i];
    if (expectsValue) {
      expectsValue = false;
      continue;
    }
    if (word.startsWith('-')) {
      const [name, inline] = word.split(/=(.*)/s, 2);
      const valueFlags = [...tree.globalValueFlags, ...(command?.valueFlags ?? [])];
      const key = CONNECTION_FLAGS[name];
      if (key) flags[key] = inline ?? before[i + 1];
      if (valueFlags.includes(name) && inline === undefined) expectsValue = true;
      continue;
    }
    if (!command) command = tree.commands.find((c) => c.name === word);
    else positionals.push(word);
  }
  const startsWith = (words: string[]) => ({ words: [...new Set(words)].filter((w) => w.startsWith(current)), flags });
  if (expectsValue) return { words: [], flags };
  if (current.startsWith('-')) return startsWith([...(command?.flags ?? []), ...tree.globalFlags]);
  if (!command) return startsWith(tree.commands.map((c) => c.name));

  const index = positionals.length;
  const kind = command.args[Math.min(index, command.args.length - 1)] ?? 'none';
  if (!command.variadic && index >= command.args.length) return { words: [], flags };
  switch (kind) {
    case 'shell':
      return startsWith([...SHELLS]);
    case 'pod':
      return { ...startsWith([]), names: { resource: 'pods', prefix: '' } };
    case 'container':
      return { ...startsWith([]), containersOf: positionals[0]?.replace(/^pods?\//, '') };
    case 'resources': {
      const slash = current.indexOf('/');
      if (slash > 0 && isResourceName(current.slice(0, slash))) {
        return { ...startsWith([]), names: { resource: current.slice(0, slash), prefix: current.slice(0, slash + 1) } };
      }
      const type = positionals.find((p) => !p.includes('/') && isResourceName(p));
      if (type) return { ...startsWith([]), names: { resource: type, prefix: '' } };
      return startsWith(RESOURCE_NAMES);
    }
    default:
      return { words: [], flags };
  }
}

/** Prints the candidates, object names filled in from the cluster; an unreachable cluster completes to nothing, silently. */
export async function completeCommand(request: CompletionRequest, current: string, io: { out(t: string): void }, ctx: () => CommandContext): Promise<number> {
  let words = request.words;
  try {
    if (request.names) {
      const { resource: type, prefix } = request.names;
      const resource = lookupResource(type);
      const c = ctx();
      const list = await c.client.get<{ items?: { metadata?: { name?: string } }[] }>(collectionPath(resource, resource.namespaced ? c.namespace : undefined));
      words = (list.items ?? []).map((o) => `${prefix}${o.metadata?.name ?? ''}`);
    } else if (request.containersOf) {
      const c = ctx();
      const path = `${collectionPath(lookupResource('pods'), c.namespace)}/${encodeURIComponent(request.containersOf)}`;
      const pod = await c.client.get<{ spec?: { containers?: { name: string }[] } }>(path);
      words = (pod.spec?.containers ?? []).map((x) => x.name);
    }
  } catch {
    words = [];
  }
  for (const word of words.filter((w) => w.startsWith(current))) io.out(line(word));
  return 0;
}

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The script for a shell. `self` is how to run this podctl (node and script
 * path), so completion works without podctl on PATH (`npx podctl`).
 */
export function completionScript(shell: Shell, self: string[]): string {
  const run = self.map(quote).join(' ');
  if (shell === 'bash') {
    return `# podctl completion for bash. Load it with: source <(npx podctl completion bash)
# or install it: npx podctl completion bash > /etc/bash_completion.d/podctl
_podctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  COMPREPLY=($(${run} __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null))
}
complete -o default -F _podctl podctl
`;
  }
  return `#compdef podctl
# podctl completion for zsh. Load it (after compinit) with: source <(npx podctl completion zsh)
# or install it as _podctl in a directory of $fpath.
_podctl() {
  local -a candidates
  candidates=(\${(f)"$(${run} __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null)"})
  if (( \${#candidates} )); then
    compadd -- "\${candidates[@]}"
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == _podctl ]]; then _podctl "$@"; else compdef _podctl podctl; fi
`;
}
