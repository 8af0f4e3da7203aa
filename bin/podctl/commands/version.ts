/** `podctl version`: the client's version (from package.json) and, unless --client, the server's /version. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { line, type CommandContext } from './context';

/** podctl's own version: the nearest package.json above this module (source or dist layout alike). */
export function clientVersion(start = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'podflow' && pkg.version) return `v${pkg.version}`;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

export async function versionCommand(ctx: CommandContext | undefined, io: { out(t: string): void }, options: { client?: boolean }): Promise<number> {
  io.out(line(`Client Version: ${clientVersion()}`));
  if (options.client || !ctx) return 0;
  const server = await ctx.client.get<{ gitVersion?: string }>('/version');
  io.out(line(`Server Version: ${server.gitVersion ?? 'unknown'}`));
  return 0;
}
