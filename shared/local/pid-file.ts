/**
 * One launcher per state directory: `.podflow/launcher.pid` names the running
 * launcher, and a second `npm start` refuses with that pid instead of fighting
 * it for the ports and the data. A pid file whose process is gone (a crash, a
 * reboot) is taken over. Created with O_EXCL, so two launchers starting at once
 * cannot both win.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';

export class AlreadyRunningError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the pid file or throws AlreadyRunningError; returns the function that gives it back. */
export function takePidFile(file: string, pid = process.pid): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return () => {
        if (readPid(file) === pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readPid(file);
      if (holder !== null && holder !== pid && alive(holder)) {
        throw new AlreadyRunningError(`podflow is already running from this state directory (launcher pid ${holder}, ${file}); stop it first (Ctrl-C in its terminal, or kill ${holder})`);
      }
      rmSync(file, { force: true }); // stale: its launcher is gone
    }
  }
  throw new AlreadyRunningError(`could not take ${file}: another launcher is starting`);
}
