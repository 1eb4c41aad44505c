import type { PreSignUpTriggerEvent, PreSignUpTriggerHandler } from 'aws-lambda';

/**
 * Cognito PreSignUp trigger (deployed only when the auth stack enables auto-confirmation): users who
 * sign themselves up are confirmed at once, and their email counts as verified so they can recover
 * their account by it. Admin-created users and federated sign-ups pass through untouched.
 */
export const handler: PreSignUpTriggerHandler = async (event: PreSignUpTriggerEvent) => {
  if (event.triggerSource !== 'PreSignUp_SignUp') return event;
  const hasEmail = Boolean(event.request.userAttributes.email);
  return {
    ...event,
    response: { ...event.response, autoConfirmUser: true, autoVerifyEmail: hasEmail || event.response.autoVerifyEmail },
  };
};
