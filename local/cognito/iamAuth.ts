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
 * The twin checks that the request is signed, not the signature: any credentials do locally. With the CORS
 * rule in server.ts that is enough to keep web pages away from client secrets: a page cannot send the
 * Authorization header cross-origin, so it cannot call these operations.
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
 * AWS's answer to an IAM-authorized call that is not SigV4-signed, or undefined when it is. No Authorization
 * header (and no presigned query): `MissingAuthenticationTokenException` "Missing Authentication Token", the
 * error cognito-idp gives clients that send admin calls with anonymous credentials
 * (github.com/aws/aws-aspnet-cognito-identity-provider/issues/155, AdminCreateUser). An Authorization
 * header that is not a complete `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with an
 * X-Amz-Date or Date header: `IncompleteSignatureException` (AWS common errors: "The request signature does
 * not conform to AWS standards", HTTP 400). Status 400 for both, as AWS's JSON-protocol services answer them
 * (DynamoDB's error table lists MissingAuthenticationTokenException under HTTP 400; cognito-idp's sibling
 * UnrecognizedClientException is a 400 too, github.com/aws/aws-sdk-php/issues/2444) (verify for cognito-idp).
 */
export function unsignedError(request: IncomingMessage, query: URLSearchParams): CognitoError | undefined {
  const authorization = request.headers.authorization;
  if (authorization === undefined) {
    if (query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && query.has('X-Amz-Signature') && query.has('X-Amz-Credential')) return undefined;
    return new CognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const missing = missingSignatureParts(authorization, request.headers['x-amz-date'] !== undefined || request.headers.date !== undefined);
  if (missing.length === 0) return undefined;
  return new CognitoError('IncompleteSignatureException', missing.join(' '));
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
