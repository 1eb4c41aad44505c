import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler as createLink } from '../../src/handlers/createLink';
import { handler as getLink } from '../../src/handlers/getLink';
import { handler as listTags } from '../../src/handlers/listTags';
import { ErrorBodySchema } from '../../src/links/schemas';
import { useLinksTable } from '../data/linksTable';
import { apiEvent, claims, invoke } from '../support/apiEvent';

useLinksTable('errors');

const who = claims.machine();

describe('error mapping', () => {
  test('no authorizer claims (function reached without the authorizer): 401 Unauthorized', async () => {
    const event = apiEvent({ method: 'GET', resource: '/tags', claims: who });
    const withoutAuthorizer = { ...event, requestContext: { ...event.requestContext, authorizer: undefined } } as unknown as APIGatewayProxyEvent;

    const response = await invoke(listTags, withoutAuthorizer);

    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
    expect(response.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
  });

  test('claims without a sub: 401', async () => {
    const { sub: _sub, ...withoutSub } = who;

    expect((await invoke(listTags, apiEvent({ method: 'GET', resource: '/tags', claims: withoutSub }))).statusCode).toBe(401);
  });

  test('a DynamoDB failure is a 500 with a message that reveals nothing', async () => {
    const table = process.env.TABLE_NAME;
    process.env.TABLE_NAME = 'table-that-does-not-exist';
    try {
      const response = await invoke(listTags, apiEvent({ method: 'GET', resource: '/tags', claims: who }));

      expect(response.statusCode).toBe(500);
      expect(response.body).toEqual({ message: 'Internal server error' });
      expect(response.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    } finally {
      process.env.TABLE_NAME = table;
    }
  });

  /** listTags as a fresh container would load it, its SDK pointed at `endpoint` (the SDK reads the variable at load). */
  async function listTagsAgainst(endpoint: string) {
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    const savedLevel = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    // The freshly loaded logger reads its level now: keep the expected warnings out of the test output.
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    try {
      let isolated: typeof listTags | undefined;
      await jest.isolateModulesAsync(async () => {
        isolated = (await import('../../src/handlers/listTags')).handler;
      });
      return await invoke(isolated!, apiEvent({ method: 'GET', resource: '/tags', claims: who }));
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      if (savedLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
      else process.env.POWERTOOLS_LOG_LEVEL = savedLevel;
    }
  }

  test('DynamoDB unreachable (connection refused: down or restarting) is a 503 with Retry-After, not a 500', async () => {
    const closed = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => done(port));
      });
    });
    const response = await listTagsAgainst(`http://127.0.0.1:${closed}`);
    expect(response.statusCode).toBe(503);
    expect(response.headers['Retry-After']).toBe('1');
    expect(response.body).toEqual({ message: 'The service is temporarily unavailable; please retry shortly' });
  });

  test('DynamoDB answering 5xx (InternalServerError) after the SDK\'s retries is a 503 too', async () => {
    let calls = 0;
    const failing = createHttpServer((_, res) => {
      calls += 1;
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'r' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }));
    });
    await new Promise<void>((done) => failing.listen(0, '127.0.0.1', done));
    try {
      const response = await listTagsAgainst(`http://127.0.0.1:${(failing.address() as AddressInfo).port}`);
      expect(response.statusCode).toBe(503);
      expect(response.headers['Retry-After']).toBe('1');
      expect(calls).toBeGreaterThan(1);
    } finally {
      failing.close();
    }
  });

  test('an event API Gateway would never send is our problem: 500, not 400', async () => {
    const event = apiEvent({ method: 'GET', resource: '/links/{linkId}', claims: who, pathParameters: { linkId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } });
    // The handlers read requestContext.path (for Location); API Gateway always sends it as a string.
    const broken = { ...event, requestContext: { ...event.requestContext, path: 42 } } as unknown as APIGatewayProxyEvent;

    const response = await invoke(getLink, broken);

    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({ message: 'Internal server error' });
  });

  test('several bad inputs are all named at once', async () => {
    const event = apiEvent({
      method: 'POST',
      resource: '/links',
      claims: who,
      body: { url: 'ftp://example.com', title: '', tags: ['ok', 'NOT OK'], extra: 1, more: 2 },
    });

    const response = await invoke(createLink, event);

    expect(response.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(response.body)).toEqual({
      message: 'Invalid request',
      errors: expect.any(Array),
    });
    expect(ErrorBodySchema.parse(response.body).errors?.map((entry) => entry.field).sort()).toEqual(
      ['body.extra', 'body.more', 'body.tags[1]', 'body.title', 'body.url'].sort(),
    );
  });
});
