import { LOCAL_ACCOUNT_ID } from '../../template/system';
import { gatewayErrors, type GatewayError } from '../gateway-responses';
import { queryMaps } from '../proxy-event';
import { headerOf, type Authorization, type AuthorizationRequest, type Authorizer } from './authorizer';

/**
 * `AWS_IAM` methods: the request must be SigV4-signed, in an Authorization header or a presigned query.
 * - Unsigned: 403 `{"message":"Missing Authentication Token"}`, MissingAuthenticationTokenException
 *   (repost.aws/knowledge-center/api-gateway-authentication-token-errors).
 * - An Authorization header that is not a whole signature: 403 IncompleteSignatureException, worded as for an
 *   unknown route (gateway-responses.ts).
 * - Signed: let in with the caller's access key in `requestContext.identity`. Like the twin's Cognito, it checks
 *   that a request is signed, not with which key: any credentials do locally.
 *
 * A request a browser marks (Origin, Sec-Fetch-Site) is refused: the twin takes any signature, so a web page must
 * not be able to forge one. There is no legitimate local caller of that kind, since the twin has no identity
 * pools to give a page credentials.
 */
export class IamAuthorizer implements Authorizer {
  readonly kind = 'iam';

  /**
   * `http`: an HTTP API's IAM authorization. Every refusal is 403 `{"message":"Forbidden"}` (as emulators record it,
   * github.com/KensioSoftware/yulin/issues/303; AWS documents no body), and the caller reaches the integration as
   * `requestContext.authorizer.iam`.
   */
  constructor(private readonly api: 'rest' | 'http' = 'rest') {}

  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    const outcome = await this.check(request);
    if (this.api === 'rest') return outcome;
    if (!outcome.ok) return { ok: false, error: { responseType: undefined, status: 403, message: 'Forbidden', errorType: 'ForbiddenException' }, detail: outcome.detail };
    return { ok: true, context: { iam: { ...outcome.identity, callerId: outcome.identity?.accessKey, userArn: null, userId: null } }, principal: outcome.principal };
  }

  private async check(request: AuthorizationRequest): Promise<Authorization> {
    const authorization = headerOf(request.headers, 'authorization');
    // The presigned form's parameters, read from the query string itself: no event needs building for it.
    const query = queryMaps(request.query)?.single ?? {};
    const credential = authorization !== undefined ? /Credential=([^/,\s]+)/.exec(authorization)?.[1] : query['X-Amz-Credential']?.split('/')[0];
    const signed = authorization !== undefined ? isWholeSignature(authorization, request) : query['X-Amz-Signature'] !== undefined && credential !== undefined;
    if (authorization === undefined && !signed) return refuse(gatewayErrors.missingAuthenticationToken(), 'not signed');
    if (!signed) return refuse(gatewayErrors.incompleteSignature(authorization!), 'incomplete signature');
    const page = headerOf(request.headers, 'origin') ?? headerOf(request.headers, 'sec-fetch-site');
    if (page !== undefined) return refuse(browserRefusal(), 'signed request from a web page');
    return {
      ok: true,
      context: undefined,
      identity: { accessKey: credential ?? '', accountId: LOCAL_ACCOUNT_ID },
      principal: credential,
    };
  }
}

function refuse(error: GatewayError, detail: string): Authorization {
  return { ok: false, error, detail };
}

function browserRefusal(): GatewayError {
  return {
    responseType: 'ACCESS_DENIED',
    status: 403,
    message: 'The local twin does not accept SigV4-signed requests from web pages: sign them from an SDK or the AWS CLI.',
    errorType: 'AccessDeniedException',
  };
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with an X-Amz-Date or Date header. */
function isWholeSignature(authorization: string, request: AuthorizationRequest): boolean {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(authorization.trim());
  if (!match) return false;
  const parameters = new Set(match[1]!.split(',').map((part) => part.trim().split('=')[0]));
  const dated = headerOf(request.headers, 'x-amz-date') !== undefined || headerOf(request.headers, 'date') !== undefined;
  return ['Credential', 'SignedHeaders', 'Signature'].every((name) => parameters.has(name)) && dated;
}
