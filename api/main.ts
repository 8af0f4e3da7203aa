#!/usr/bin/env node
/** Runs the API server until SIGTERM/SIGINT. */
import { startApi } from './index';

startApi(process.env)
  .then((api) => {
    const stop = () => void api.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  })
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
