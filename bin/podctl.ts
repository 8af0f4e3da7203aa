#!/usr/bin/env node
/** podctl's entry point: wires the real process (stdout, stderr, stdin, environment) to the program. */
import { readFileSync } from 'node:fs';
import { runPodctl } from './podctl/program';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

runPodctl(process.argv.slice(2), {
  io: {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    readStdin: () => readFileSync(0, 'utf8'),
  },
  writeRaw: (chunk) => void process.stdout.write(chunk),
  env: process.env,
  cwd: process.cwd(),
  self: [process.execPath, process.argv[1]],
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
