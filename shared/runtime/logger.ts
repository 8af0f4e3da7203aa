/** pino loggers behind the Logger port. */
import pino from 'pino';
import type { Logger } from '../ports';

export function makeLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { component: name } }) as unknown as Logger;
}

/** A logger that drops everything (unit tests). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
