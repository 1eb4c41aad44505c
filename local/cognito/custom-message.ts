import type { PoolConfig } from './config';
import { invalidLambdaResponse, unexpectedLambda, userLambdaValidation } from './errors';
import type { Services } from './services';
import type { UserRecord } from './store';

/**
 * The custom message trigger ("Custom message Lambda trigger", Cognito developer guide,
 * user-pool-lambda-custom-message). Before Cognito sends a code or an invitation it calls the pool's
 * `LambdaConfig.CustomMessage` function with `codeParameter` `{####}` (and `usernameParameter` `{username}` for
 * AdminCreateUser). The function may answer an `emailSubject` and an `emailMessage` that contain those
 * placeholders. Cognito puts the real code, temporary password or username in their place; an answer without
 * a message keeps the default one. A message that lacks the code placeholder could never deliver its code, so
 * it is refused with InvalidLambdaResponseException. That is the twin's rule for what Cognito documents as
 * required.
 */
export type CustomMessageSource =
  | 'CustomMessage_SignUp'
  | 'CustomMessage_ResendCode'
  | 'CustomMessage_ForgotPassword'
  | 'CustomMessage_AdminCreateUser'
  | 'CustomMessage_UpdateUserAttribute';

export interface Message {
  subject: string;
  body: string;
}

const CODE = '{####}';
const USERNAME = '{username}';

/**
 * The message to send: the trigger's, with the secret in place of its placeholder, or `fallback(placeholder)`
 * filled in the same way when the pool has no trigger or it answers no message.
 */
export async function composeMessage(
  s: Services,
  pool: PoolConfig,
  input: { source: CustomMessageSource; user: UserRecord; secret: string; clientId?: string; fallback: (code: string) => Message },
): Promise<Message> {
  const fill = (text: string) => text.split(CODE).join(input.secret).split(USERNAME).join(input.user.attributes.email ?? input.user.username);
  const fallback = input.fallback(CODE);
  const arn = pool.customMessageArn;
  if (!arn) return { subject: fill(fallback.subject), body: fill(fallback.body) };
  if (!s.invoker.functionFor(arn)) throw unexpectedLambda(`CustomMessage invocation failed due to error ResourceNotFoundException: ${arn}.`);
  const adminInvite = input.source === 'CustomMessage_AdminCreateUser';
  const event = {
    version: '1',
    triggerSource: input.source,
    region: pool.region,
    userPoolId: pool.id,
    userName: input.user.username,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: input.clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
    request: { userAttributes: { ...input.user.attributes, 'cognito:user_status': input.user.status }, codeParameter: CODE, ...(adminInvite ? { usernameParameter: USERNAME } : {}) },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  };
  const result = await s.invoker.invoke(arn, event);
  if (result.status === 'error' || result.status === 'crash') throw userLambdaValidation(`CustomMessage failed with error ${result.errorMessage}.`);
  if (result.status === 'timeout') throw unexpectedLambda('CustomMessage invocation failed due to error Socket timeout while invoking Lambda function.');
  const response = (result.payload as { response?: { emailMessage?: unknown; emailSubject?: unknown } } | null)?.response;
  const body = typeof response?.emailMessage === 'string' ? response.emailMessage : undefined;
  const subject = typeof response?.emailSubject === 'string' ? response.emailSubject : undefined;
  if (body !== undefined && !body.includes(CODE)) throw invalidLambdaResponse(`CustomMessage: the emailMessage must contain ${CODE}`);
  return { subject: fill(subject ?? fallback.subject), body: fill(body ?? fallback.body) };
}
