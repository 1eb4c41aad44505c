import Ajv from 'ajv';
import draft04 from 'ajv/lib/refs/json-schema-draft-04.json';
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayError } from './gateway-responses';
import { queryMaps } from './proxy-event';

/**
 * A REST method's request validation ("Use request validation in API Gateway", api-gateway-method-request-validation),
 * as SAM writes it from an Api event (`RequestParameters` with Required, `RequestModel` with ValidateBody /
 * ValidateParameters, the API's `Models`):
 * - validateRequestParameters: every required header, query string and path parameter present. Else
 *   400 `{"message": "Missing required request parameters: [a, b]"}` (BAD_REQUEST_PARAMETERS).
 * - validateRequestBody: the body is JSON that the model (JSON Schema draft 4) accepts. Else
 *   400 `{"message": "Invalid request body"}` (BAD_REQUEST_BODY).
 * Parameters are checked first, then the body, and either way the integration is not called.
 */
export interface RequestValidation {
  /** `header` / `querystring` / `path` and the name, for each required parameter. */
  requiredParameters: { in: 'header' | 'querystring' | 'path'; name: string }[];
  validateParameters: boolean;
  /** The model's JSON schema, when the body is validated. */
  bodySchema?: object;
}

const ajv = new Ajv({ schemaId: 'auto', allErrors: false });
ajv.addMetaSchema(draft04);
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

export const validationErrors = {
  parameters: (missing: string[]): GatewayError => ({
    responseType: 'BAD_REQUEST_PARAMETERS',
    status: 400,
    message: `Missing required request parameters: [${missing.join(', ')}]`,
    errorType: 'BadRequestException',
  }),
  body: (): GatewayError => ({ responseType: 'BAD_REQUEST_BODY', status: 400, message: 'Invalid request body', errorType: 'BadRequestException' }),
};

export function validateRequest(
  validation: RequestValidation,
  request: { headers: IncomingHttpHeaders; query: string; pathParameters: Record<string, string> | null; body: Buffer },
): GatewayError | undefined {
  if (validation.validateParameters) {
    const query = queryMaps(request.query)?.single ?? {};
    const missing = validation.requiredParameters
      .filter((parameter) => {
        const value = parameter.in === 'header' ? request.headers[parameter.name.toLowerCase()] : parameter.in === 'querystring' ? query[parameter.name] : request.pathParameters?.[parameter.name];
        return value === undefined || value === '';
      })
      .map((parameter) => parameter.name);
    if (missing.length > 0) return validationErrors.parameters(missing);
  }
  if (validation.bodySchema) {
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return validationErrors.body();
    }
    let validate = compiled.get(validation.bodySchema);
    if (!validate) {
      validate = ajv.compile(validation.bodySchema);
      compiled.set(validation.bodySchema, validate);
    }
    if (!validate(body)) return validationErrors.body();
  }
  return undefined;
}
