import { adminConfirmSignUp } from './adminConfirmSignUp';
import { adminCreateUser } from './adminCreateUser';
import { adminDeleteUser } from './adminDeleteUser';
import { adminGetUser } from './adminGetUser';
import { adminInitiateAuth } from './adminInitiateAuth';
import { adminSetUserPassword } from './adminSetUserPassword';
import { changePassword } from './changePassword';
import { confirmForgotPassword } from './confirmForgotPassword';
import { confirmSignUp } from './confirmSignUp';
import { describeUserPoolClient } from './describeUserPoolClient';
import { forgotPassword } from './forgotPassword';
import { getTokensFromRefreshToken } from './getTokensFromRefreshToken';
import { getUser } from './getUser';
import { globalSignOut } from './globalSignOut';
import { initiateAuth } from './initiateAuth';
import { listUserPoolClients } from './listUserPoolClients';
import { resendConfirmationCode } from './resendConfirmationCode';
import { respondToAuthChallenge } from './respondToAuthChallenge';
import { revokeToken } from './revokeToken';
import { signUp } from './signUp';
import type { Target } from './target';

/** The emulated operations, by their X-Amz-Target name (AWSCognitoIdentityProviderService.<name>). */
export const targets: Readonly<Record<string, Target>> = {
  AdminConfirmSignUp: adminConfirmSignUp,
  AdminCreateUser: adminCreateUser,
  AdminDeleteUser: adminDeleteUser,
  AdminGetUser: adminGetUser,
  AdminInitiateAuth: adminInitiateAuth,
  AdminSetUserPassword: adminSetUserPassword,
  ChangePassword: changePassword,
  ConfirmForgotPassword: confirmForgotPassword,
  ConfirmSignUp: confirmSignUp,
  DescribeUserPoolClient: describeUserPoolClient,
  ForgotPassword: forgotPassword,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  GetUser: getUser,
  GlobalSignOut: globalSignOut,
  InitiateAuth: initiateAuth,
  ListUserPoolClients: listUserPoolClients,
  ResendConfirmationCode: resendConfirmationCode,
  RespondToAuthChallenge: respondToAuthChallenge,
  RevokeToken: revokeToken,
  SignUp: signUp,
};
