/**
 * The twin's console lines (local/lambda/log-format.ts, log-sink.ts): one compact line per function log entry
 * by default, every field with --log-format json, and never a secret either way. The entries are written by the
 * real Powertools Logger, as a function's process writes them (one JSON line each, as in CloudWatch).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { formatLogLine, REDACTED } from '../../local/lambda/log-format';
import { createLogSink } from '../../local/lambda/log-sink';
import { captureOutput } from '../support/output';

const TOKEN = 'eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJsZWFrLWNhbmFyeSJ9.c2lnbmF0dXJlLWNhbmFyeS1kby1ub3QtbG9n';
const SIGNATURE = TOKEN.split('.')[2]!;
const REQUEST_ID = '3f2a9c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b';

/** What Powertools writes for one entry (the function's stdout), as lines. */
async function powertoolsLines(write: (logger: Logger) => void): Promise<string[]> {
  const logger = new Logger({ serviceName: 'links-api' });
  logger.addContext({ awsRequestId: REQUEST_ID, functionName: 'links-api-GetLink', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:links-api-GetLink', memoryLimitInMB: '256' } as never);
  const output = await captureOutput(async () => write(logger));
  return output.split('\n').filter(Boolean);
}

describe('compact log lines (the default)', () => {
  test('a Powertools entry becomes one line: time, function, short request id, level, message, its own keys', async () => {
    const lines = await powertoolsLines((logger) => {
      logger.appendKeys({ route: 'GET /links/{linkId}' });
      logger.info('Request handled', { statusCode: 200, tags: ['a', 'b'] });
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as { timestamp: string };
    const compact = formatLogLine(`[GetLinkFunction] ${lines[0]}`, 'compact');
    expect(compact).not.toContain('\n');
    const time = new Date(entry.timestamp);
    const clock = [time.getHours(), time.getMinutes(), time.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    expect(compact).toBe(`${clock}.${String(time.getMilliseconds()).padStart(3, '0')} GetLink 3f2a9c1e INFO Request handled route="GET /links/{linkId}" statusCode=200 tags=["a","b"]`);
    // The standard keys, the same on every entry, are left out.
    expect(compact).not.toMatch(/service=|function_arn=|cold_start=|sampling_rate=/);
  });

  test('secrets never printed: secret-named keys at any depth and JWT-shaped text anywhere', async () => {
    const lines = await powertoolsLines((logger) => {
      logger.warn(`Refused ${TOKEN}`, {
        authorization: `Bearer ${TOKEN}`,
        headers: { Authorization: TOKEN, 'x-amz-security-token': 'IQoJb3JpZ2luX2VjEXAMPLE', accept: '*/*' },
        password: 'Hunter2-Passw0rd!',
        client_secret: 'abcdef0123456789',
        refreshToken: 'opaque-refresh-token-value',
        note: `copied ${TOKEN} by mistake`,
      });
    });
    for (const format of ['compact', 'json'] as const) {
      const printed = formatLogLine(`[CreateLinkFunction] ${lines[0]}`, format);
      for (const secret of [TOKEN, SIGNATURE, 'IQoJb3JpZ2luX2VjEXAMPLE', 'Hunter2-Passw0rd!', 'abcdef0123456789', 'opaque-refresh-token-value']) {
        expect(printed).not.toContain(secret);
      }
      expect(printed).toContain(REDACTED);
      // What is not secret stays readable.
      expect(printed).toContain('*/*');
    }
  });

  test('an error entry shows name, message and where, on the same line', async () => {
    const lines = await powertoolsLines((logger) => logger.error('Unhandled error', new TypeError('x is not a function')));
    const compact = formatLogLine(`[TagLinkFunction] ${lines[0]}`, 'compact');
    expect(compact).toMatch(/^\d\d:\d\d:\d\d\.\d{3} TagLink 3f2a9c1e ERROR Unhandled error error="TypeError: x is not a function @ [^"]+"$/);
  });

  test("console lines in Lambda's text format, REPORT lines, access lines and notes stay one line each", () => {
    const at = new Date(2030, 0, 2, 3, 4, 5, 6);
    expect(formatLogLine(`[CounterFunction] 2030-01-02T03:04:05.006Z\t${REQUEST_ID}\tINFO\tinvocation 3`, 'compact')).toMatch(/^\d\d:04:05\.006 Counter 3f2a9c1e INFO invocation 3$/);
    expect(formatLogLine(`[GetLinkFunction] REPORT RequestId: ${REQUEST_ID} Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 256 MB Max Memory Used: 71 MB Init Duration: 180.52 ms`, 'compact', at))
      .toBe('03:04:05.006 GetLink 3f2a9c1e REPORT 12.3 ms, 71 MB, init 181 ms');
    expect(formatLogLine(`[GetLinkFunction] REPORT RequestId: ${REQUEST_ID} Duration: 3000.00 ms Billed Duration: 3000 ms Memory Size: 256 MB Status: timeout`, 'compact', at))
      .toBe('03:04:05.006 GetLink 3f2a9c1e REPORT 3000.0 ms, timeout');
    expect(formatLogLine('[api] GET /v1/links 200 12ms principal=abc client=def requestId=r', 'compact', at)).toBe('03:04:05.006 [api] GET /v1/links 200 12ms principal=abc client=def requestId=r');
    expect(formatLogLine('[GetLinkFunction] built in 154 ms', 'compact', at)).toBe('03:04:05.006 [GetLinkFunction] built in 154 ms');
    expect(formatLogLine(`Cognito: sign-in with ${TOKEN}`, 'compact', at)).toBe(`03:04:05.006 Cognito: sign-in with ${REDACTED}`);
  });
});

describe('--log-format json', () => {
  test('every field of the entry, pretty-printed under the function name', async () => {
    const lines = await powertoolsLines((logger) => logger.info('Request handled', { statusCode: 201 }));
    const printed = formatLogLine(`[CreateLinkFunction] ${lines[0]}`, 'json');
    expect(printed.startsWith('[CreateLinkFunction] {\n')).toBe(true);
    expect(JSON.parse(printed.slice('[CreateLinkFunction] '.length))).toEqual(JSON.parse(lines[0]!));
  });
});

describe('the console sink', () => {
  test('writes the lines of one turn of the event loop in one write, and flush() writes at once', async () => {
    const writes: string[] = [];
    const sink = createLogSink({ format: 'compact', write: (chunk) => void writes.push(chunk) });
    sink.log('[api] one');
    sink.log('[api] two');
    expect(writes).toEqual([]);
    await new Promise((done) => setImmediate(done));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\S+ \[api\] one\n\S+ \[api\] two\n$/);
    sink.log('[api] three');
    sink.flush();
    expect(writes).toHaveLength(2);
  });

  test('a queue above its high-water mark is written without waiting', () => {
    const writes: string[] = [];
    const sink = createLogSink({ format: 'json', write: (chunk) => void writes.push(chunk), highWaterBytes: 10 });
    sink.log('a line longer than ten characters');
    expect(writes).toEqual(['a line longer than ten characters\n']);
  });
});
