import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { AdminCreateUserCommand, CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Twin } from '../../local/twin';
import { deliveredTemporaryPassword, outboxMessage, printedCode, uniqueEmail } from '../support/cognitoHarness';
import { PASSWORD, secretHash, startTestTwin } from '../support/twin';

/**
 * The twin's outbox: what Cognito would email is written as owner-only files under <stateDir>/outbox
 * (persistent) or a per-twin directory removed on stop (in memory); the console names the file and never
 * holds a temporary password.
 */

/** An invitation (generated temporary password) and a sign-up (confirmation code) through the twin. */
async function sendBoth(twin: Twin, logs: string[]): Promise<{ invitation: string; confirmation: string }> {
  const sdk = new CognitoIdentityProviderClient({
    endpoint: twin.cognito.url,
    region: twin.system.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const invited = uniqueEmail('twin-invite');
    await sdk.send(new AdminCreateUserCommand({ UserPoolId: twin.outputs.auth.UserPoolId!, Username: invited }));
    const invitation = outboxMessage(logs, invited, 'invitation').file;
    const password = deliveredTemporaryPassword(logs, invited);
    expect(logs.some((line) => line.includes(password))).toBe(false);

    const clientId = twin.outputs.api.UserClientId!;
    const secret = twin.outputs.local.ClientSecrets[clientId]!;
    const signedUp = uniqueEmail('twin-signup');
    await sdk.send(new SignUpCommand({
      ClientId: clientId,
      Username: signedUp,
      Password: PASSWORD,
      SecretHash: secretHash(secret, signedUp, clientId),
      UserAttributes: [{ Name: 'email', Value: signedUp }],
    }));
    const code = printedCode(logs, signedUp);
    const confirmation = outboxMessage(logs, signedUp, 'confirmation code');
    expect(confirmation.text).toContain(`Your verification code is ${code}.`);

    for (const file of [invitation, confirmation.file]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(invitation)).mode & 0o777).toBe(0o700);
    return { invitation, confirmation: confirmation.file };
  } finally {
    sdk.destroy();
  }
}

test('in memory: a per-twin outbox under .local/tmp, named relative on the console, removed on stop', async () => {
  const logs: string[] = [];
  const twin = await startTestTwin({ log: (line) => logs.push(line) });
  let outbox: string | undefined;
  try {
    const { invitation } = await sendBoth(twin, logs);
    outbox = dirname(invitation);
    expect(relative(process.cwd(), outbox)).toMatch(/^\.local\/tmp\/twin-\d+-[0-9a-f]{8}\/outbox$/);
    expect(logs.some((line) => line.includes(`written to ${relative(process.cwd(), invitation)}`))).toBe(true);
  } finally {
    await twin.stop();
  }
  expect(outbox).toBeDefined();
  expect(existsSync(outbox!)).toBe(false);
});

test('persistent: the outbox is <stateDir>/outbox and outlives the twin', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'twin-outbox-'));
  const logs: string[] = [];
  try {
    const twin = await startTestTwin({ stateDir, log: (line) => logs.push(line) });
    let files: { invitation: string; confirmation: string };
    try {
      files = await sendBoth(twin, logs);
    } finally {
      await twin.stop();
    }
    expect(dirname(files.invitation)).toBe(join(stateDir, 'outbox'));
    expect(existsSync(files.invitation) && existsSync(files.confirmation)).toBe(true);
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});
