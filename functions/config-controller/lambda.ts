/** AWS Lambda entry of config-controller: the MSK event source (config-events) feeds the same handler module the local runner runs. */
import { makeLambdaHandler } from '../../shared/adapters/lambda';
import { build } from './index';

export const handler = makeLambdaHandler(build);
