import type { Services } from './services';
import { stateOf } from './services';
import { adminCreateUser } from './targets/adminCreateUser';
import { poolGroups } from './groups';
import { findUser } from './users';

/**
 * What CloudFormation does for a pool's AWS::Cognito::UserPoolUser and UserPoolUserToGroupAttachment resources,
 * once at start: a missing user is created through AdminCreateUser, so with the invitation and temporary password in
 * the outbox unless MessageAction is SUPPRESS, and with the PreSignUp trigger. A user that exists, persisted from an
 * earlier run, is left as it is. Each attachment puts its user in its group. A user or group that cannot be made
 * is one console line, not a failed start.
 */
export async function applyTemplateUsers(s: Services): Promise<void> {
  for (const pool of s.config.pools.values()) {
    const state = stateOf(s, pool);
    for (const user of pool.templateUsers) {
      if (findUser(pool, state, user.username)) continue;
      try {
        await adminCreateUser(s, {
          UserPoolId: pool.id,
          Username: user.username,
          UserAttributes: user.attributes,
          ...(user.messageAction ? { MessageAction: user.messageAction } : {}),
          ...(user.desiredDeliveryMediums ? { DesiredDeliveryMediums: user.desiredDeliveryMediums } : {}),
        });
      } catch (error) {
        s.log(`Cognito: ${user.logicalId} (AWS::Cognito::UserPoolUser) could not be created: ${(error as Error).message}`);
      }
    }
    for (const { username, group } of pool.templateMemberships) {
      const user = findUser(pool, state, username);
      if (!user || !poolGroups(s, pool).some((g) => g.name === group)) {
        s.log(`Cognito: cannot put ${username} in group ${group} of ${pool.id}: ${user ? 'no such group' : 'no such user'}`);
        continue;
      }
      if (!(user.groups ?? []).includes(group)) user.groups = [...(user.groups ?? []), group];
    }
  }
  s.store.save();
}
