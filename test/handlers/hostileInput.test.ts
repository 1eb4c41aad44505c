/**
 * Requests built to hurt: huge bodies, thousands of unknown keys or tags, megabyte key names. Each gets a
 * bounded 400 naming the field — never a 5xx, never a response or log line that grows with the input.
 */
import { handler as createLink } from '../../src/handlers/createLink';
import { logger } from '../../src/lib/logger';
import { ErrorBodySchema, MAX_BODY_CHARS, MAX_LISTED_TAGS } from '../../src/links/schemas';
import { MAX_REPORTED_ERRORS } from '../../src/lib/validation';
import { useLinksTable } from '../data/linksTable';
import { apiEvent, claims, invoke } from '../support/apiEvent';
import { captureOutput } from '../support/output';

useLinksTable('hostile', { logs: true });

const who = claims.machine();
const post = (body: string) => invoke(createLink, apiEvent({ method: 'POST', resource: '/links', claims: who, body }));

describe('hostile input', () => {
  beforeAll(() => logger.setLogLevel('INFO'));

  test('a body past the size bound is one 400 on body, whatever it holds', async () => {
    const huge = JSON.stringify(Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, 1])));
    const response = await post(huge);
    expect(response.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(response.body)).toEqual({
      message: 'Invalid request',
      errors: [{ field: 'body', message: `must be at most ${MAX_BODY_CHARS} characters` }],
    });
  });

  test('a thousand unknown keys: the first twenty named, and how many there were', async () => {
    const body = JSON.stringify({ url: 'https://example.com/k', ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 1])) });
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    const error = ErrorBodySchema.parse(response.body);
    expect(error.message).toBe(`Invalid request (${MAX_REPORTED_ERRORS} of 1000 errors shown)`);
    expect(error.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(error.errors?.[0]).toEqual({ field: 'body.k0', message: 'is not a known field' });
  });

  test('more tags than can be listed: one error on body.tags, before any tag is looked at', async () => {
    const tags = Array.from({ length: MAX_LISTED_TAGS + 50 }, () => 'NOT A TAG');
    const response = await post(JSON.stringify({ url: 'https://example.com/t', tags }));
    expect(response.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(response.body).errors).toEqual([{ field: 'body.tags', message: `must list at most ${MAX_LISTED_TAGS} tags` }]);
  });

  test('an enormous unknown key name is cut short in the response and never logged whole', async () => {
    const key = `x${'A'.repeat(10_000)}`;
    let response: Awaited<ReturnType<typeof post>> | undefined;
    const output = await captureOutput(async () => {
      response = await post(JSON.stringify({ url: 'https://example.com/long', [key]: 1 }));
    });
    expect(response?.statusCode).toBe(400);
    const field = ErrorBodySchema.parse(response?.body).errors?.[0]?.field ?? '';
    expect(field).toBe(`body.${key.slice(0, 64)}…`);
    expect(output).toContain('Request rejected');
    expect(output).not.toContain(key.slice(0, 200));
  });
});
