import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger of a function. Service name and level come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_LOG_LEVEL. One JSON line per entry everywhere (the twin formats them for its console).
 */
export const logger = new Logger();
