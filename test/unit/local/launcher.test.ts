import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nextRestartDelay } from '../../../shared/local/restart-policy';
import { auditModes, checkStateDir, UnsafeStateDirError } from '../../../shared/local/state-dir';
import { AlreadyRunningError, takePidFile } from '../../../shared/local/pid-file';
import { RotatingLog } from '../../../shared/local/rotating-log';

const policy = { initialMs: 1000, maxMs: 8000, resetAfterMs: 60_000 };

describe('launcher restart back-off', () => {
  it.each([
    ['first death', null, 10, 1000],
    ['dies again soon', 1000, 10, 2000],
    ['doubling', 4000, 10, 8000],
    ['capped', 8000, 10, 8000],
    ['ran cleanly long enough', 8000, 60_000, 1000],
  ])('%s: previous %s ms, ran %i ms → %i ms', (_name, previous, ran, expected) => {
    expect(nextRestartDelay(previous, ran, policy)).toBe(expected);
  });
});

describe('state directory modes', () => {
  it.each([
    [0o700, 0o600, false, false],
    [0o755, 0o600, true, false],
    [0o700, 0o644, false, true],
    [0o700, 0o640, false, true],
  ])('dir %o, secret %o → dir open %s, secret exposed %s', (dirMode, fileMode, openDir, exposed) => {
    const audit = auditModes(dirMode, [{ path: 'token', mode: fileMode, directory: false }]);
    expect(audit.openDir).toBe(openDir);
    expect(audit.exposed.length > 0).toBe(exposed);
  });

  it('tightens an open directory and refuses a world-readable token, naming the chmod', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'podflow-state-'));
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'token'), 'secret\n', { mode: 0o600 });
    expect(checkStateDir(dir)).toEqual([expect.stringContaining('mode is now 0700')]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(path.join(dir, 'token'), 0o644);
    expect(() => checkStateDir(dir)).toThrow(UnsafeStateDirError);
    expect(() => checkStateDir(dir)).toThrow(/chmod 600 ".*token"/);
  });
});

describe('launcher pid file', () => {
  it('refuses a second launcher while the first is alive, and takes over a stale file', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'podflow-pid-')), 'launcher.pid');
    const release = takePidFile(file);
    expect(() => takePidFile(file, process.pid + 1)).toThrow(AlreadyRunningError);
    release();
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, '999999999\n'); // no such process
    const again = takePidFile(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    again();
  });
});

describe('rotating log', () => {
  it('keeps at most `keep` old files of about maxBytes each', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'podflow-logs-'));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'api.log');
    const log = new RotatingLog(file, { maxBytes: 100, keep: 2 });
    for (let i = 0; i < 50; i++) log.write(`line ${String(i).padStart(3, '0')} ........\n`);
    await new Promise<void>((resolve) => log.end(resolve));
    expect(readdirSync(dir).sort()).toEqual(['api.log', 'api.log.1', 'api.log.2']);
    for (const name of readdirSync(dir)) expect(statSync(path.join(dir, name)).size).toBeLessThanOrEqual(100);
    expect(readFileSync(file, 'utf8')).toContain('line 049');
  });
});
