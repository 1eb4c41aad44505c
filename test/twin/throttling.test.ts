/**
 * Stage throttling as the template's MethodSettings say (local/apigateway/throttle.ts cites API Gateway's guide): a
 * token bucket per method, 429 "Too Many Requests" (gateway response THROTTLED, shaped by DEFAULT_4XX) once it is
 * empty, before the authorizer runs.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalGateway } from '../../local/contracts';
import { startGateway } from '../../local/apigateway/server';
import { methodThrottlesOf, StageThrottle } from '../../local/apigateway/throttle';
import { createFunctionInvoker, type LocalFunctionInvoker } from '../../local/lambda/invoker';
import { loadSystem } from '../../local/template/system';
import { http } from '../support/twin';
import { startFakeCognito, type FakeCognito } from './gatewaySupport';

describe('the token bucket', () => {
  const settings = [
    { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 2, ThrottlingBurstLimit: 3 },
    { ResourcePath: '/~1links~1{linkId}', HttpMethod: 'DELETE', ThrottlingRateLimit: 0, ThrottlingBurstLimit: 1 },
    { ResourcePath: '/*', HttpMethod: '*', MetricsEnabled: true },
  ];

  test('reads MethodSettings as the Stage resource writes them (~1 for /), skipping entries without limits', () => {
    expect(methodThrottlesOf(settings)).toEqual([
      { resourcePath: '/*', httpMethod: '*', limits: { rate: 2, burst: 3 } },
      { resourcePath: '/links/{linkId}', httpMethod: 'DELETE', limits: { rate: 0, burst: 1 } },
    ]);
  });

  test('a burst passes, then one request per 1/rate seconds; each method has its own bucket', () => {
    let now = 0;
    const throttle = new StageThrottle(methodThrottlesOf(settings), () => now);
    const burst = () => Array.from({ length: 5 }, () => throttle.admit('/links', 'GET'));
    expect(burst()).toEqual([true, true, true, false, false]);
    now += 499;
    expect(throttle.admit('/links', 'GET')).toBe(false);
    now += 2;
    expect(throttle.admit('/links', 'GET')).toBe(true);
    expect([throttle.admit('/tags', 'GET'), throttle.admit('/links', 'POST')]).toEqual([true, true]);
    now += 60_000;
    expect(burst()).toEqual([true, true, true, false, false]);
  });

  test('a method\'s own setting overrides the stage default; rate 0 never refills', () => {
    let now = 0;
    const throttle = new StageThrottle(methodThrottlesOf(settings), () => now);
    expect(throttle.limitsFor('/links/{linkId}', 'delete')).toEqual({ rate: 0, burst: 1 });
    expect(throttle.admit('/links/{linkId}', 'DELETE')).toBe(true);
    now += 3_600_000;
    expect(throttle.admit('/links/{linkId}', 'DELETE')).toBe(false);
    expect(new StageThrottle([]).admit('/links', 'GET')).toBe(true);
  });
});

describe('the gateway throttles as the template says', () => {
  const SCRATCH = join(process.cwd(), '.local', 'test-build', `throttling-${randomBytes(4).toString('hex')}`);
  let cognito: FakeCognito;
  let invoker: LocalFunctionInvoker;
  let gateway: LocalGateway;

  beforeAll(async () => {
    cognito = await startFakeCognito();
    // Rate 0 never refills, so the test does not depend on how fast this machine sends requests.
    const system = loadSystem({ rootDir: process.cwd(), apiParameters: { ThrottlingRateLimit: '0', ThrottlingBurstLimit: '3' } });
    invoker = createFunctionInvoker({ system, buildDir: SCRATCH, baseEnvironment: {}, log: () => {} });
    gateway = await startGateway({ system, stack: system.api, cognito, invoker });
  });
  afterAll(async () => {
    await gateway?.stop();
    await invoker?.stop();
    await cognito?.stop();
    rmSync(SCRATCH, { recursive: true, force: true });
  });

  test('ThrottlingBurstLimit requests reach the authorizer; the next gets 429 with AWS\'s body, through DEFAULT_4XX', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await http(`${gateway.stageUrl}links`)).status);
    const throttled = await http(`${gateway.stageUrl}links`);
    expect([...statuses, throttled.status]).toEqual([401, 401, 401, 429]);
    expect(throttled.body).toEqual({ message: 'Too Many Requests' });
    expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(throttled.headers.get('access-control-allow-origin')).toBe('*');
    // Another method has its own bucket.
    expect((await http(`${gateway.stageUrl}tags`)).status).toBe(401);
  });
});
