import type { Services } from '../services';

/** One emulated JSON-API operation: the parsed request body in, the response body out (or a CognitoError). */
export type Target = (s: Services, body: unknown) => Promise<Record<string, unknown>>;
