import { handler as me } from '../../src/handlers/me';
import { IdentitySchema } from '../../src/links/schemas';
import { logger } from '../../src/lib/logger';
import { apiEvent, claims, invoke, TRUSTED_CLIENTS_ENV, type Claims } from '../support/apiEvent';

beforeAll(() => {
  logger.setLogLevel('SILENT');
  Object.assign(process.env, TRUSTED_CLIENTS_ENV);
});

function getMe(who: Claims) {
  return invoke(me, apiEvent({ method: 'GET', resource: '/me', claims: who }));
}

describe('GET /me', () => {
  test('returns the identity from the ID token claims', async () => {
    const response = await getMe(claims.idToken('9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', 'ada@example.com', { username: 'ada-login' }));

    expect(response.statusCode).toBe(200);
    expect(IdentitySchema.parse(response.body)).toEqual({
      sub: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
      email: 'ada@example.com',
      emailVerified: true,
      username: 'ada-login',
    });
  });

  test('reads email_verified as API Gateway stringifies it', async () => {
    const response = await getMe(claims.idToken('0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b', 'bob@example.com', { emailVerified: false }));

    expect(IdentitySchema.parse(response.body).emailVerified).toBe(false);
  });

  test('401 when the claims are not an ID token\'s (no cognito:username)', async () => {
    const response = await getMe(claims.machine());

    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });
});
