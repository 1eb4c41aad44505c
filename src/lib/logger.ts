import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger of a function. Service name and level come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_LOG_LEVEL; POWERTOOLS_DEV=true pretty-prints for local runs.
 */
export const logger = new Logger();
