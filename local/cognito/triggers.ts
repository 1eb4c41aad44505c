import type { PoolConfig } from './config';
import { invalidLambdaResponse, messages, unexpectedLambda, userLambdaValidation } from './errors';
import type { Services } from './services';

/**
 * The PreSignUp trigger named by the pool's LambdaConfig, run through the twin's FunctionInvoker with the
 * event AWS sends. Its failures surface as AWS surfaces them: a function error is a
 * UserLambdaValidationException ("PreSignUp failed with error <message>."), a function that does not
 * answer an UnexpectedLambdaException, an answer that is not an event an InvalidLambdaResponseException.
 */

export interface PreSignUpInput {
  triggerSource: 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser';
  /** The internal username the user will get. */
  userName: string;
  /** SignUp: the app client; AdminCreateUser has none (AWS sends CLIENT_ID_NOT_APPLICABLE). */
  clientId?: string;
  userAttributes: Record<string, string>;
  validationData?: Record<string, string>;
  clientMetadata?: Record<string, string>;
}

export interface PreSignUpDecision {
  autoConfirmUser: boolean;
  autoVerifyEmail: boolean;
}

const NO_DECISION: PreSignUpDecision = { autoConfirmUser: false, autoVerifyEmail: false };

export async function runPreSignUp(s: Services, pool: PoolConfig, input: PreSignUpInput): Promise<PreSignUpDecision> {
  if (!pool.preSignUpArn) return NO_DECISION;
  if (!s.invoker.functionFor(pool.preSignUpArn)) throw unexpectedLambda(`PreSignUp invocation failed due to error ResourceNotFoundException: ${pool.preSignUpArn}.`);
  const result = await s.invoker.invoke(pool.preSignUpArn, preSignUpEvent(pool, input));
  switch (result.status) {
    case 'error':
      throw userLambdaValidation(messages.preSignUpFailed(result.errorMessage));
    case 'crash':
      // A runtime that exits is a function error in Lambda's terms (Runtime.ExitError), reported the same way.
      throw userLambdaValidation(messages.preSignUpFailed(result.errorMessage));
    case 'timeout':
      throw unexpectedLambda(messages.preSignUpTimedOut);
    case 'ok':
      return decision(result.payload, input.triggerSource);
  }
}

export function preSignUpEvent(pool: PoolConfig, input: PreSignUpInput): Record<string, unknown> {
  return {
    version: '1',
    triggerSource: input.triggerSource,
    region: pool.region,
    userPoolId: pool.id,
    userName: input.userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: input.clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
    request: {
      userAttributes: input.userAttributes,
      validationData: input.validationData ?? null,
      ...(input.clientMetadata ? { clientMetadata: input.clientMetadata } : {}),
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

function decision(payload: unknown, triggerSource: PreSignUpInput['triggerSource']): PreSignUpDecision {
  const response = payload !== null && typeof payload === 'object' ? (payload as { response?: unknown }).response : undefined;
  if (response === null || typeof response !== 'object') throw invalidLambdaResponse(messages.unrecognizableLambdaOutput);
  // AWS ignores autoConfirmUser/autoVerify* when the trigger ran for AdminCreateUser (pre sign-up trigger docs).
  if (triggerSource === 'PreSignUp_AdminCreateUser') return NO_DECISION;
  const { autoConfirmUser, autoVerifyEmail } = response as Record<string, unknown>;
  return { autoConfirmUser: autoConfirmUser === true, autoVerifyEmail: autoVerifyEmail === true };
}
