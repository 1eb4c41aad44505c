import type { IncomingMessage } from 'node:http';
import { CognitoError } from './errors';

/**
 * Which JSON-API operations need an IAM (SigV4-signed) request, as on AWS. Cognito has three authorization
 * models: public, token-authorized and IAM-authorized ("Authorization models for API and SDK
 * authentication", docs.aws.amazon.com/cognito/latest/developerguide/user-pools-API-operations.html); each
 * operation's API reference says whether "Amazon Cognito evaluates IAM policies in requests for this API
 * operation". The operations that need no signature are exactly those the service model marks
 * `smithy.api#noAuth` (the list below is the AWS SDK v3 client's, @aws-sdk/client-cognito-identity-provider
 * 3.1169); every other operation, admin, describe and list included, is IAM-authorized. An operation the
 * twin adds later is therefore signed-only unless it is listed here.
 *
 * The twin checks that the request is signed, not the signature: any credentials do locally. So that no web page
 * can use that, an IAM-authorized operation runs only for a request no page can make (browserRefusal below): the
 * SDKs and the CLI sign with an Authorization header and send no Origin or Sec-Fetch-* header; a page on another
 * origin cannot send Authorization without a preflight the twin refuses (server.ts), and a page on a rebound name
 * never gets past the Host check (local/host-check.ts).
 */
const NO_AUTH_OPERATIONS = new Set([
  'AssociateSoftwareToken', 'ChangePassword', 'CompleteWebAuthnRegistration', 'ConfirmDevice', 'ConfirmForgotPassword',
  'ConfirmSignUp', 'DeleteUser', 'DeleteUserAttributes', 'DeleteWebAuthnCredential', 'ForgetDevice', 'ForgotPassword',
  'GetDevice', 'GetTokensFromRefreshToken', 'GetUser', 'GetUserAttributeVerificationCode', 'GetUserAuthFactors',
  'GlobalSignOut', 'InitiateAuth', 'ListDevices', 'ListUserSessions', 'ListWebAuthnCredentials', 'ResendConfirmationCode',
  'RespondToAuthChallenge', 'RevokeToken', 'RevokeUserSession', 'SetUserMFAPreference', 'SetUserSettings', 'SignUp',
  'StartWebAuthnRegistration', 'UpdateAuthEventFeedback', 'UpdateDeviceStatus', 'UpdateUserAttributes',
  'VerifySoftwareToken', 'VerifyUserAttribute',
]);

export function needsIamAuth(operation: string): boolean {
  return !NO_AUTH_OPERATIONS.has(operation);
}

/**
 * AWS's answer to an IAM-authorized call that is not SigV4-signed with an Authorization header, or undefined when it
 * is. No Authorization header: `MissingAuthenticationTokenException` "Missing Authentication Token", the error
 * cognito-idp gives clients that send admin calls with anonymous credentials
 * (github.com/aws/aws-aspnet-cognito-identity-provider/issues/155, AdminCreateUser). A presigned query
 * (`?X-Amz-Algorithm=…&X-Amz-Signature=…`) counts as none: the SDKs and the CLI never presign cognito-idp's JSON
 * calls (aws-behaviour.md), and a query string is the one place a page can put a "signature" without any header.
 * An Authorization header that is not a complete `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
 * with an X-Amz-Date or Date header: `IncompleteSignatureException` (AWS common errors: "The request signature does
 * not conform to AWS standards", HTTP 400). Status 400 for both, as AWS's JSON-protocol services answer them
 * (DynamoDB's error table lists MissingAuthenticationTokenException under HTTP 400; cognito-idp's sibling
 * UnrecognizedClientException is a 400 too, github.com/aws/aws-sdk-php/issues/2444). No report found gives the
 * status cognito-idp itself uses for MissingAuthenticationTokenException; the README says so.
 */
export function unsignedError(request: IncomingMessage): CognitoError | undefined {
  const authorization = request.headers.authorization;
  if (authorization === undefined) return new CognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const missing = missingSignatureParts(authorization, request.headers['x-amz-date'] !== undefined || request.headers.date !== undefined);
  if (missing.length === 0) return undefined;
  return new CognitoError('IncompleteSignatureException', missing.join(' '));
}

/**
 * Refuses an IAM-authorized call made by a web page. Browsers mark every fetch and form post they send: `Origin`
 * on cross-origin requests and on every POST, `Sec-Fetch-Site` on all requests (Fetch Metadata,
 * w3.org/TR/fetch-metadata). The SDKs and the CLI send neither. (`Sec-Fetch-Mode` alone is no sign of a page:
 * Node's own fetch sends it.) The twin accepts any credentials, so a page must never get this far:
 * AccessDeniedException (AWS common errors, HTTP 400), naming why.
 */
export function browserRefusal(request: IncomingMessage): CognitoError | undefined {
  const { origin } = request.headers;
  const site = request.headers['sec-fetch-site'];
  if (origin === undefined && site === undefined) return undefined;
  const from = origin !== undefined ? `Origin ${origin}` : `Sec-Fetch-Site ${String(site)}`;
  return new CognitoError(
    'AccessDeniedException',
    `The local twin does not run IAM-authorized operations for web pages (${from}): call them from the AWS CLI or an SDK.`,
  );
}

/** What a SigV4 Authorization header lacks, worded as AWS's IncompleteSignatureException messages word it. */
function missingSignatureParts(authorization: string, hasDate: boolean): string[] {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(authorization.trim());
  const parameters = new Set((match?.[1] ?? '').split(',').map((part) => part.trim().split('=')[0]));
  const missing = ['Credential', 'Signature', 'SignedHeaders']
    .filter((name) => !parameters.has(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  if (!hasDate) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  return missing;
}
