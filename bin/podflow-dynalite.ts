#!/usr/bin/env node
/** Runs dynalite in its own process (a core of its own); prints "ENDPOINT <url>" once listening. */
import { z } from 'zod';
import { startDynalite } from '../shared/local/dynalite';

const env = z.object({ DYNALITE_PATH: z.string().optional(), DYNALITE_PORT: z.coerce.number().int().min(0).default(0) }).parse(process.env);

startDynalite({ path: env.DYNALITE_PATH, port: env.DYNALITE_PORT })
  .then((d) => {
    console.log(`ENDPOINT ${d.endpoint}`);
    const stop = () => void d.stop().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Never outlive the process that started us.
    process.stdin.on('end', stop).resume();
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
