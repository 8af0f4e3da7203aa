/** AWS Lambda entry of status-recorder: the MSK event source (and any schedule) feeds the same handler module the local runner runs. */
import { makeLambdaHandler } from '../../shared/adapters/lambda';
import { build } from './index';

export const handler = makeLambdaHandler(build);
