/** AWS Lambda entry of node-lifecycle: heartbeats from the MSK event source, sweeps from the EventBridge schedule, one handler module. */
import { makeLambdaHandler } from '../../shared/adapters/lambda';
import { build } from './index';

export const handler = makeLambdaHandler(build);
