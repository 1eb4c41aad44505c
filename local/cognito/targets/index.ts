import { adminAddUserToGroup } from './adminAddUserToGroup';
import { adminConfirmSignUp } from './adminConfirmSignUp';
import { adminCreateUser } from './adminCreateUser';
import { adminDeleteUser } from './adminDeleteUser';
import { adminDisableUser } from './adminDisableUser';
import { adminEnableUser } from './adminEnableUser';
import { adminGetUser } from './adminGetUser';
import { adminInitiateAuth } from './adminInitiateAuth';
import { adminListGroupsForUser } from './adminListGroupsForUser';
import { adminRemoveUserFromGroup } from './adminRemoveUserFromGroup';
import { adminResetUserPassword } from './adminResetUserPassword';
import { adminSetUserPassword } from './adminSetUserPassword';
import { adminUpdateUserAttributes } from './adminUpdateUserAttributes';
import { adminUserGlobalSignOut } from './adminUserGlobalSignOut';
import { changePassword } from './changePassword';
import { confirmForgotPassword } from './confirmForgotPassword';
import { confirmSignUp } from './confirmSignUp';
import { createGroup } from './createGroup';
import { deleteGroup } from './deleteGroup';
import { deleteUser } from './deleteUser';
import { describeResourceServer } from './describeResourceServer';
import { describeUserPool } from './describeUserPool';
import { describeUserPoolClient } from './describeUserPoolClient';
import { forgotPassword } from './forgotPassword';
import { getGroup } from './getGroup';
import { getTokensFromRefreshToken } from './getTokensFromRefreshToken';
import { getUser } from './getUser';
import { globalSignOut } from './globalSignOut';
import { initiateAuth } from './initiateAuth';
import { listGroups } from './listGroups';
import { listResourceServers } from './listResourceServers';
import { listUserPoolClients } from './listUserPoolClients';
import { listUsers } from './listUsers';
import { listUsersInGroup } from './listUsersInGroup';
import { resendConfirmationCode } from './resendConfirmationCode';
import { respondToAuthChallenge } from './respondToAuthChallenge';
import { revokeToken } from './revokeToken';
import { signUp } from './signUp';
import { updateGroup } from './updateGroup';
import { updateUserAttributes } from './updateUserAttributes';
import { verifyUserAttribute } from './verifyUserAttribute';
import type { Target } from './target';

/** The emulated operations, by their X-Amz-Target name (AWSCognitoIdentityProviderService.<name>). */
export const targets: Readonly<Record<string, Target>> = {
  AdminAddUserToGroup: adminAddUserToGroup,
  AdminConfirmSignUp: adminConfirmSignUp,
  AdminCreateUser: adminCreateUser,
  AdminDeleteUser: adminDeleteUser,
  AdminDisableUser: adminDisableUser,
  AdminEnableUser: adminEnableUser,
  AdminGetUser: adminGetUser,
  AdminInitiateAuth: adminInitiateAuth,
  AdminListGroupsForUser: adminListGroupsForUser,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroup,
  AdminResetUserPassword: adminResetUserPassword,
  AdminSetUserPassword: adminSetUserPassword,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  ChangePassword: changePassword,
  ConfirmForgotPassword: confirmForgotPassword,
  ConfirmSignUp: confirmSignUp,
  CreateGroup: createGroup,
  DeleteGroup: deleteGroup,
  DeleteUser: deleteUser,
  DescribeResourceServer: describeResourceServer,
  DescribeUserPool: describeUserPool,
  DescribeUserPoolClient: describeUserPoolClient,
  ForgotPassword: forgotPassword,
  GetGroup: getGroup,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  GetUser: getUser,
  GlobalSignOut: globalSignOut,
  InitiateAuth: initiateAuth,
  ListGroups: listGroups,
  ListResourceServers: listResourceServers,
  ListUserPoolClients: listUserPoolClients,
  ListUsers: listUsers,
  ListUsersInGroup: listUsersInGroup,
  ResendConfirmationCode: resendConfirmationCode,
  RespondToAuthChallenge: respondToAuthChallenge,
  RevokeToken: revokeToken,
  SignUp: signUp,
  UpdateGroup: updateGroup,
  UpdateUserAttributes: updateUserAttributes,
  VerifyUserAttribute: verifyUserAttribute,
};
