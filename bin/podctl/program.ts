/**
 * The podctl command line (commander): global connection flags, one
 * subcommand per verb, and the one place where errors become kubectl-style
 * messages and exit codes (0 ok, 1 on any failure).
 */
import { Command, CommanderError, Option } from 'commander';
import { ApiClient, type FetchLike } from './api/client';
import { formatError } from './api/errors';
import { resolveConnection, type ConnectionFlags } from './api/kubeconfig';
import { applyCommand } from './commands/apply';
import { line, type CommandContext, type Io } from './commands/context';
import { deleteCommand } from './commands/delete';
import { describeCommand } from './commands/describe';
import { getCommand } from './commands/get';
import { logsCommand } from './commands/logs';
import { topCommand } from './commands/top';
import { scaleCommand } from './commands/scale';
import { clientVersion, versionCommand } from './commands/version';
import { SHELLS, completeCommand, completionFor, completionScript, completionTree, type Shell } from './commands/completion';

export interface ProgramEnv {
  io: Io;
  writeRaw(chunk: Uint8Array): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  fetch?: FetchLike;
  now?: () => Date;
  /** How to run this podctl again (node and script), for the completion scripts; default `podctl` on PATH. */
  self?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const bool = (value: string): boolean => {
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new Error(`invalid boolean "${value}"`);
};

/** What a command runs with, from the connection flags (the command line's, or those found by completion). */
function commandContext(flags: ConnectionFlags, penv: ProgramEnv): CommandContext {
  const connection = resolveConnection(flags, penv.env, penv.cwd);
  return {
    client: new ApiClient(connection, penv.fetch),
    io: penv.io,
    now: penv.now ?? (() => new Date()),
    namespace: connection.namespace,
    namespaceExplicit: flags.namespace !== undefined,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

export function buildProgram(penv: ProgramEnv, setCode: (code: number) => void): Command {
  const program = new Command('podctl');
  const context = (cmd: Command): CommandContext => commandContext(cmd.optsWithGlobals() as ConnectionFlags, penv);
  const run =
    <A extends unknown[]>(fn: (cmd: Command, ...args: A) => Promise<number>) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      try {
        setCode(await fn(cmd, ...(args.slice(0, -1) as A)));
      } catch (err) {
        penv.io.err(line(formatError(err)));
        setCode(1);
      }
    };

  program
    .description('podctl controls a podflow cluster, the way kubectl controls Kubernetes.')
    .version(clientVersion(), '--version', 'print the client version')
    .option('--kubeconfig <path>', 'kubeconfig file (default: every file in $KUBECONFIG, else the nearest .podflow/kubeconfig, else ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-s, --server <url>', 'API server address, overriding the kubeconfig')
    .option('--token <token>', 'bearer token, overriding the kubeconfig')
    .option('-n, --namespace <namespace>', 'namespace for this request')
    .showHelpAfterError();

  program
    .command('apply')
    .description('Create or update pods and replication controllers from files (YAML or JSON, several documents)')
    .requiredOption('-f, --filename <path>', 'file, directory or - for stdin (repeatable)', collect)
    .action(run((cmd) => applyCommand(context(cmd), cmd.opts())));

  program
    .command('get')
    .description('Display pods, nodes or replication controllers')
    .argument('<resource...>', 'pods|pod NAME|nodes|node NAME|rc [NAME] or TYPE/NAME')
    .option('-o, --output <format>', 'wide|yaml|json|name')
    .option('-l, --selector <selector>', 'label selector, such as app=web,tier!=db')
    .option('-w, --watch', 'after listing, watch for changes')
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('--no-headers', 'do not print the table header')
    .action(run((cmd, args: string[]) => getCommand(context(cmd), args, { ...cmd.opts(), noHeaders: cmd.opts().headers === false })));

  program
    .command('describe')
    .description('Show details of a pod, node or replication controller, with its events')
    .argument('<resource...>', 'pod NAME|node NAME|rc NAME or TYPE/NAME')
    .option('-l, --selector <selector>', 'label selector')
    .action(run((cmd, args: string[]) => describeCommand(context(cmd), args, cmd.opts())));

  program
    .command('delete')
    .description('Delete pods or replication controllers by name or from files')
    .argument('[resource...]', 'pod NAME... | rc NAME | TYPE/NAME')
    .option('-f, --filename <path>', 'delete what these files describe (repeatable)', collect)
    .addOption(new Option('--wait [bool]', 'wait until the objects are gone').argParser(bool).default(true))
    .option('--grace-period <seconds>', 'seconds to let the pod stop gracefully (-1: its own setting)')
    .option('--now', 'same as --grace-period=1')
    .option('--timeout <duration>', 'how long to wait, such as 60s (default: grace period + 60s)')
    .option('--ignore-not-found', 'treat a missing object as deleted')
    .action(run((cmd, args: string[]) => deleteCommand(context(cmd), args, cmd.opts())));

  program
    .command('logs')
    .description("Print a container's logs")
    .argument('<pod>', 'POD or pod/POD')
    .argument('[container]', 'container name')
    .option('-c, --container <name>', 'container name')
    .option('-f, --follow', 'stream the logs')
    .option('-p, --previous', 'the previous, terminated instance of the container')
    .option('--tail <lines>', 'only the last N lines (-1: all)')
    .option('--timestamps', 'prefix lines with timestamps')
    .action(run((cmd, pod: string, container: string | undefined) => logsCommand(context(cmd), container ? [pod, container] : [pod], cmd.opts(), penv.writeRaw)));

  program
    .command('scale')
    .description('Set the number of replicas of a replication controller')
    .argument('<resource...>', 'rc NAME or rc/NAME')
    .requiredOption('--replicas <count>', 'the new number of replicas')
    .option('--current-replicas <count>', 'only scale if the current number of replicas is this')
    .action(run((cmd, args: string[]) => scaleCommand(context(cmd), args, cmd.opts())));

  program
    .command('top')
    .description('Show CPU and memory use of pods or nodes (metrics.k8s.io)')
    .argument('<resource>', 'pod | node')
    .argument('[name]', 'one pod or node')
    .option('--containers', 'one line per container')
    .option('-l, --selector <selector>', 'label selector')
    .option('-A, --all-namespaces', 'pods of every namespace')
    .action(run((cmd, resource: string, name: string | undefined) => topCommand(context(cmd), name ? [resource, name] : [resource], cmd.opts())));

  program
    .command('version')
    .description('Print the client and server versions')
    .option('--client', 'only the client version')
    .action(run((cmd) => versionCommand(cmd.opts().client ? undefined : context(cmd), penv.io, cmd.opts())));

  program
    .command('completion')
    .description('Print a shell completion script (bash or zsh); load it with: source <(npx podctl completion bash)')
    .argument('<shell>', SHELLS.join('|'))
    .action(
      run(async (_cmd, shell: string) => {
        if (!(SHELLS as readonly string[]).includes(shell)) throw new Error(`unsupported shell "${shell}": use one of ${SHELLS.join(', ')}`);
        penv.io.out(completionScript(shell as Shell, penv.self ?? ['podctl']));
        return 0;
      }),
    );

  program.configureOutput({ writeOut: (s) => penv.io.out(s), writeErr: (s) => penv.io.err(s) });
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => penv.io.out(s), writeErr: (s) => penv.io.err(s) });
  return program;
}

/** Runs podctl with these arguments (without node and script) and returns the exit code. */
export async function runPodctl(args: string[], penv: ProgramEnv): Promise<number> {
  let code = 0;
  const program = buildProgram(penv, (c) => (code = c));
  if (args[0] === '__complete') {
    // Asked by the completion scripts: the words before the cursor, then the word under it.
    const words = args.slice(1);
    const current = words.pop() ?? '';
    const request = completionFor(completionTree(program), words, current);
    return completeCommand(request, current, penv.io, () => commandContext(request.flags, penv));
  }
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    penv.io.err(line(formatError(err)));
    return 1;
  }
  return code;
}
