import type { Context, PreSignUpTriggerEvent } from 'aws-lambda';
import { handler } from '../../src/handlers/preSignUp';
import { lambdaContext } from '../support/apiEvent';

function preSignUpEvent(triggerSource: PreSignUpTriggerEvent['triggerSource'], userAttributes: Record<string, string>): PreSignUpTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_Examp1e00',
    userName: '3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'userclient0000000000000000' },
    triggerSource,
    request: { userAttributes, validationData: {} },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

async function run(event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  const result = await handler(event, lambdaContext('pre-sign-up') as Context, () => undefined);
  if (!result) throw new Error('the trigger must return the event');
  return result;
}

describe('PreSignUp trigger', () => {
  test('self sign-up with an email: confirmed and email verified', async () => {
    const result = await run(preSignUpEvent('PreSignUp_SignUp', { email: 'new@example.com' }));

    expect(result.response).toEqual({ autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false });
  });

  test('self sign-up without an email: confirmed, nothing verified', async () => {
    const result = await run(preSignUpEvent('PreSignUp_SignUp', { phone_number: '+15555550100' }));

    expect(result.response).toEqual({ autoConfirmUser: true, autoVerifyEmail: false, autoVerifyPhone: false });
  });

  test.each(['PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider'] as const)('%s passes through unchanged', async (source) => {
    const event = preSignUpEvent(source, { email: 'admin-made@example.com' });

    expect(await run(structuredClone(event))).toEqual(event);
  });
});
