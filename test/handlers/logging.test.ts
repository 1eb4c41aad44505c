import { handler as createLink } from '../../src/handlers/createLink';
import { handler as listLinks } from '../../src/handlers/listLinks';
import { logger } from '../../src/lib/logger';
import { useLinksTable } from '../data/linksTable';
import { apiEvent, claims, invoke } from '../support/apiEvent';
import { captureOutput } from '../support/output';

useLinksTable('logging', { logs: true });

// Looks like a JWT; if any of it reaches a log line, a real one would too.
const TOKEN = 'eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJsZWFrLWNhbmFyeSJ9.c2lnbmF0dXJlLWNhbmFyeS1kby1ub3QtbG9n';
const SIGNATURE = TOKEN.split('.')[2]!;

function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('logging', () => {
  beforeAll(() => logger.setLogLevel('DEBUG'));

  const who = claims.machine();
  const headers = { Authorization: TOKEN, authorization: `Bearer ${TOKEN}` };

  test('a request logs its principal, route and correlation id, and never the token', async () => {
    const event = apiEvent({ method: 'POST', resource: '/links', claims: who, headers, body: { url: 'https://example.com/logged' } });

    let statusCode = 0;
    const output = await captureOutput(async () => {
      statusCode = (await invoke(createLink, event)).statusCode;
    });

    expect(statusCode).toBe(201);
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(SIGNATURE);
    const lines = logLines(output);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        route: 'POST /links',
        sub: who.sub,
        client_id: who.client_id,
        principalType: 'machine',
        correlation_id: event.requestContext.requestId,
        function_name: expect.any(String),
      }),
    );
  });

  test('rejected requests and an unexpected failure log no token either', async () => {
    const rejected = apiEvent({ method: 'GET', resource: '/links', claims: claims.user('c0ffee00-0000-4000-8000-000000000000', 'user'), headers, query: { limit: '0' } });
    const failing = apiEvent({ method: 'GET', resource: '/links', claims: who, headers });
    const table = process.env.TABLE_NAME;

    // Bodies a client might paste a token into by mistake: their values must not be echoed into logs.
    const notJson = apiEvent({ method: 'POST', resource: '/links', claims: who, headers, body: `{"url": ${TOKEN}}` });
    const badFields = apiEvent({ method: 'POST', resource: '/links', claims: who, headers, body: { url: TOKEN, title: 7, tags: [TOKEN] } });

    const statuses: number[] = [];
    const output = await captureOutput(async () => {
      statuses.push((await invoke(createLink, notJson)).statusCode);
      statuses.push((await invoke(createLink, badFields)).statusCode);
      statuses.push((await invoke(listLinks, rejected)).statusCode);
      process.env.TABLE_NAME = 'no-such-table';
      try {
        statuses.push((await invoke(listLinks, failing)).statusCode);
      } finally {
        process.env.TABLE_NAME = table;
      }
    });

    expect(statuses).toEqual([400, 400, 400, 500]);
    expect(output).not.toContain(TOKEN);
    // JSON.parse quotes only a few characters around the error, so look for any piece of the token.
    for (const segment of TOKEN.split('.')) expect(output).not.toContain(segment.slice(0, 8));
    expect(output).not.toContain(SIGNATURE);
    const lines = logLines(output);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'INFO', route: 'GET /links', principalType: 'user', statusCode: 400, errors: [expect.objectContaining({ field: 'query.limit' })] }),
    );
    expect(lines.filter((line) => line.level === 'WARN')).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', route: 'GET /links', sub: who.sub, message: 'Unhandled error' }));
  });

  test('keys of one request do not leak into the next on a warm container', async () => {
    const first = claims.user('aaaaaaaa-0000-4000-8000-000000000001', 'first');
    // The second caller is refused before its own principal keys are set: only resetKeys() keeps the first
    // caller's identity off its log lines (a second caller with keys of its own would overwrite them anyway).
    const stranger = { ...claims.user('bbbbbbbb-0000-4000-8000-000000000002', 'stranger'), client_id: 'client-of-another-api' };
    const second = apiEvent({ method: 'GET', resource: '/links', claims: stranger });

    let refused = 0;
    const output = await captureOutput(async () => {
      await invoke(listLinks, apiEvent({ method: 'GET', resource: '/links', claims: first }));
      refused = (await invoke(listLinks, second)).statusCode;
    });

    expect(refused).toBe(403);
    const lines = logLines(output);
    expect(lines.filter((line) => line.sub === first.sub).length).toBeGreaterThan(0);
    const ofSecond = lines.filter((line) => line.correlation_id === second.requestContext.requestId);
    expect(ofSecond.length).toBeGreaterThan(0);
    for (const line of ofSecond) {
      expect({ sub: line.sub, principalType: line.principalType, route: line.route }).toEqual({ sub: undefined, principalType: undefined, route: 'GET /links' });
    }
  });
});
