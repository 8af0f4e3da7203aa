/**
 * Preloaded (`node -r`) into every Node child of the launcher: the launcher
 * holds the write end of the child's stdin, and the kernel closes it when the
 * launcher dies, however it dies (SIGKILL included). End-of-file on stdin
 * then stops the child with SIGTERM, so its own shutdown runs (cut short
 * after 10 s) and no child keeps a port after its launcher is gone. Node has no PR_SET_PDEATHSIG; a
 * pipe's EOF is immediate, and a change of the parent pid (checked each
 * second) backs it up. Acts only when the launcher set
 * PODFLOW_DIE_WITH_PARENT, and never keeps the process alive by itself.
 * The last resort does not depend on this process's own event loop, which a
 * shutdown can block (an exit hook waiting on a stuck write): a detached
 * shell kills it outright after the grace period if it is still there.
 */
import { spawn } from 'node:child_process';

const GRACE_SECONDS = 10;

if (process.env.PODFLOW_DIE_WITH_PARENT === '1') {
  const stdin = process.stdin as NodeJS.ReadStream & { unref?: () => void };
  // Its own shutdown first; if that waits on a broker that died with the launcher, exit anyway after a grace period.
  const stop = () => {
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), GRACE_SECONDS * 1000).unref();
    try {
      // Checks that the pid is still this program before it kills, so a reused pid is never hit.
      const script = `sleep ${GRACE_SECONDS + 2}; grep -q die-with-parent /proc/${process.pid}/cmdline 2>/dev/null && kill -9 ${process.pid}`;
      spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
    } catch {
      // The in-process timer above still stands.
    }
    process.kill(process.pid, 'SIGTERM');
  };
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    stop();
  };
  stdin.on('end', once);
  stdin.on('error', once);
  stdin.on('data', () => undefined);
  stdin.resume();
  stdin.unref?.();
  // A second, independent sign: the launcher's death re-parents this process. The pipe's EOF was seen to be
  // missed once in a few hundred starts under load; a look at the parent pid each second costs one system call.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) once();
  }, 1000).unref();
}
