import type { PoolConfig } from './config';
import { invalidLambdaResponse, messages, unexpectedLambda, userLambdaValidation } from './errors';
import type { Services } from './services';
import type { UserRecord } from './store';

/**
 * The user-lifecycle Lambda triggers of a pool's LambdaConfig, each with the event AWS sends ("Customizing user pool
 * workflows with Lambda triggers", Cognito developer guide: post confirmation, pre authentication, post
 * authentication):
 * - PostConfirmation runs once a user is confirmed: ConfirmSignUp, AdminConfirmSignUp, a PreSignUp auto-confirm
 *   (`PostConfirmation_ConfirmSignUp`) and ConfirmForgotPassword (`PostConfirmation_ConfirmForgotPassword`). The user
 *   stays confirmed if it fails, but the call still fails.
 * - PreAuthentication runs before a sign-in's password is checked, and can refuse it.
 * - PostAuthentication runs after the password is proven and before any token is issued, and can refuse the sign-in.
 * A failing function is `UserLambdaValidationException` "<Trigger> failed with error <message>.", as for PreSignUp.
 */
export type LifecycleTrigger = 'PostConfirmation' | 'PreAuthentication' | 'PostAuthentication';

export interface LifecycleInput {
  triggerSource: 'PostConfirmation_ConfirmSignUp' | 'PostConfirmation_ConfirmForgotPassword' | 'PreAuthentication_Authentication' | 'PostAuthentication_Authentication';
  user: UserRecord;
  clientId?: string;
  clientMetadata?: Record<string, string>;
}

export async function runLifecycleTrigger(s: Services, pool: PoolConfig, trigger: LifecycleTrigger, input: LifecycleInput): Promise<void> {
  const arn = pool.lifecycleTriggers[trigger];
  if (!arn) return;
  if (!s.invoker.functionFor(arn)) throw unexpectedLambda(`${trigger} invocation failed due to error ResourceNotFoundException: ${arn}.`);
  const userAttributes = { ...input.user.attributes, 'cognito:user_status': input.user.status };
  const event = {
    version: '1',
    triggerSource: input.triggerSource,
    region: pool.region,
    userPoolId: pool.id,
    userName: input.user.username,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: input.clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
    request: {
      userAttributes,
      ...(trigger === 'PostAuthentication' ? { newDeviceUsed: false } : {}),
      ...(input.clientMetadata ? { clientMetadata: input.clientMetadata } : {}),
    },
    response: {},
  };
  const result = await s.invoker.invoke(arn, event);
  if (result.status === 'error' || result.status === 'crash') throw userLambdaValidation(`${trigger} failed with error ${result.errorMessage}.`);
  if (result.status === 'timeout') throw unexpectedLambda(`${trigger} invocation failed due to error Socket timeout while invoking Lambda function.`);
  if (result.payload === null || typeof result.payload !== 'object') throw invalidLambdaResponse(messages.unrecognizableLambdaOutput);
}
