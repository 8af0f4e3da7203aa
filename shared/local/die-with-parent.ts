/**
 * Preloaded (`node -r`) into every Node child of the launcher: the launcher
 * holds the write end of the child's stdin, and the kernel closes it when the
 * launcher dies, however it dies (SIGKILL included). End-of-file on stdin
 * then stops the child with SIGTERM, so its own shutdown runs (cut short
 * after 10 s) and no child keeps a port after its launcher is gone. Node has no PR_SET_PDEATHSIG; a
 * pipe's EOF is immediate and needs no polling. Acts only when the launcher
 * set PODFLOW_DIE_WITH_PARENT, and never keeps the process alive by itself.
 */
if (process.env.PODFLOW_DIE_WITH_PARENT === '1') {
  const stdin = process.stdin as NodeJS.ReadStream & { unref?: () => void };
  // Its own shutdown first; if that waits on a broker that died with the launcher, exit anyway after a grace period.
  const stop = () => {
    setTimeout(() => process.exit(1), 10_000).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  stdin.on('end', stop);
  stdin.on('error', stop);
  stdin.on('data', () => undefined);
  stdin.resume();
  stdin.unref?.();
}
