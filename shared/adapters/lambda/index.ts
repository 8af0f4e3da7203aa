/** The Lambda side of the handler contract: MSK events and schedule ticks in, batchItemFailures out. */
export * from './msk-event';
export * from './scheduled-event';
export * from './handler';
