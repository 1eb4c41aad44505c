/**
 * Every error the local Cognito answers with, in one place, so the wording matches AWS everywhere.
 * Messages marked "(AWS)" are AWS's own wording as clients see it (SDK `error.message`); clients and
 * tests compare them literally, so do not rephrase them.
 */

/** A JSON-API error: `400 {"__type": type, "message": message}`. */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** A token/revoke endpoint error: `{"error": code}` (RFC 6749 §5.2 / RFC 7009 §2.2.1). */
export class OAuthError extends Error {
  constructor(
    readonly code: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope' | 'unsupported_token_type',
    readonly status = 400,
  ) {
    super(code);
  }
}

const error = (type: string) => (message: string) => new CognitoError(type, message);

export const notAuthorized = error('NotAuthorizedException');
export const invalidParameter = error('InvalidParameterException');
export const invalidPassword = error('InvalidPasswordException');
export const resourceNotFound = error('ResourceNotFoundException');
export const usernameExists = error('UsernameExistsException');
export const userLambdaValidation = error('UserLambdaValidationException');
export const unexpectedLambda = error('UnexpectedLambdaException');
export const invalidLambdaResponse = error('InvalidLambdaResponseException');
export const unsupportedOperation = error('UnsupportedOperationException');
export const unsupportedTokenType = error('UnsupportedTokenTypeException');
export const unauthorized = error('UnauthorizedException');
export const serialization = error('SerializationException');
export const unknownOperation = error('UnknownOperationException');

export const userNotFound = () => new CognitoError('UserNotFoundException', messages.userDoesNotExist);
export const userNotConfirmed = () => new CognitoError('UserNotConfirmedException', messages.userNotConfirmed);
export const codeMismatch = () => new CognitoError('CodeMismatchException', messages.codeMismatch);
export const expiredCode = () => new CognitoError('ExpiredCodeException', messages.expiredCode);
/** (AWS) signing in after AdminResetUserPassword. */
export const passwordResetRequired = () => new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
export const limitExceeded = () => new CognitoError('LimitExceededException', messages.attemptLimit);
export const internalError = () => new CognitoError('InternalErrorException', 'An internal error occurred in the local Cognito.', 500);

export const messages = {
  /** (AWS) wrong password, and with PreventUserExistenceErrors an unknown user too. */
  incorrectCredentials: 'Incorrect username or password.',
  /** (AWS) */
  userDoesNotExist: 'User does not exist.',
  /** (AWS) */
  userNotConfirmed: 'User is not confirmed.',
  /** (AWS) */
  userDisabled: 'User is disabled.',
  /** (AWS) */
  codeMismatch: 'Invalid verification code provided, please try again.',
  /** (AWS, aws-sdk-android#627) too many wrong codes. */
  attemptLimit: 'Attempt limit exceeded, please try after some time.',
  /** (AWS) ForgotPassword for a user with no verified email. */
  noVerifiedContact: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
  /** (AWS, amplify-ui#219) */
  alreadyConfirmed: 'User is already confirmed.',
  /** (AWS) */
  expiredCode: 'Invalid code provided, please request a code again.',
  /** (AWS) SignUp with AllowAdminCreateUserOnly. */
  signUpNotPermitted: 'SignUp is not permitted for this user pool',
  /** (AWS) SignUp of an email that is taken, in a pool whose usernames are emails. */
  emailExists: 'An account with the given email already exists.',
  /** (AWS) AdminCreateUser of a username that is taken. */
  userAccountExists: 'User account already exists',
  /** (AWS) an email-username pool given something else as Username. */
  usernameShouldBeEmail: 'Username should be an email.',
  /** (AWS) */
  secretHashMissing: (clientId: string) => `Client ${clientId} is configured with secret but SECRET_HASH was not received`,
  /** (AWS) */
  secretHashWrong: (clientId: string) => `Unable to verify secret hash for client ${clientId}`,
  /** (AWS) */
  missingParameter: (name: string) => `Missing required parameter ${name}`,
  /** (AWS) */
  userPoolNotFound: (poolId: string) => `User pool ${poolId} does not exist.`,
  /** (AWS) */
  clientNotFound: (clientId: string) => `User pool client ${clientId} does not exist.`,
  /** (AWS) InitiateAuth USER_PASSWORD_AUTH on a client without ALLOW_USER_PASSWORD_AUTH. */
  userPasswordFlowDisabled: 'USER_PASSWORD_AUTH flow not enabled for this client',
  /** (AWS) AdminInitiateAuth on a client without ALLOW_ADMIN_USER_PASSWORD_AUTH. */
  adminFlowDisabled: 'Auth flow not enabled for this client',
  /** Not seen verbatim from AWS (every client in practice allows refresh): modelled on the two above. */
  refreshFlowDisabled: 'Refresh Token flow not enabled for this client',
  /** (AWS) the wording of the other disabled flows. */
  srpFlowDisabled: 'Auth flow not enabled for this client',
  /** (AWS) */
  invalidRefreshToken: 'Invalid Refresh Token',
  /** (AWS) */
  refreshTokenRevoked: 'Refresh Token has been revoked',
  /** (AWS) */
  refreshTokenExpired: 'Refresh Token has expired',
  /** (AWS) a refresh token presented by a client other than the one it was issued to. */
  refreshTokenOtherClient: 'Refresh Token has different Client',
  /** (AWS) */
  invalidAccessToken: 'Invalid Access Token',
  /** (AWS) */
  accessTokenRevoked: 'Access Token has been revoked',
  /** (AWS) */
  accessTokenExpired: 'Access Token has expired',
  /** (AWS) an access token without aws.cognito.signin.user.admin (e.g. client credentials) on GetUser. */
  accessTokenScopes: 'Access Token does not have required scopes',
  /** (AWS) */
  temporaryPasswordExpired: 'Temporary password has expired and must be reset by an administrator.',
  /** (AWS) */
  invalidSession: 'Invalid session for the user.',
  /** (AWS) */
  sessionExpired: 'Invalid session for the user, session is expired.',
  /** (AWS) */
  sessionUsed: 'Invalid session for the user, session can only be used once.',
  /** (AWS) ConfirmSignUp / AdminConfirmSignUp on a user that is not UNCONFIRMED. */
  cannotConfirm: (status: string) => `User cannot be confirmed. Current status is ${status}`,
  /** (AWS) a PreSignUp function that threw: its message, then a period. */
  preSignUpFailed: (message: string) => `PreSignUp failed with error ${message}.`,
  preTokenGenerationFailed: (message: string) => `PreTokenGeneration failed with error ${message}.`,
  /** (AWS) a PreSignUp function that did not answer. */
  preSignUpTimedOut: 'PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.',
  /** (AWS) */
  unrecognizableLambdaOutput: 'Unrecognizable lambda output',
} as const;
