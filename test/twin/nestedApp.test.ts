/**
 * A nested application with a local template (`AWS::Serverless::Application`, `Location: ./backend/template.yaml`),
 * as `sam build` builds it, from test/fixtures/nested-app. The child is resolved as a stack of its own, named
 * as CloudFormation names nested stacks. Its parameters come from the parent. Its API and function run. Its
 * outputs reach the parent through `Fn::GetAtt Backend.Outputs.Endpoint`, localized like any URL.
 */
import { join } from 'node:path';
import { loadSystem } from '../../local/template/system';
import type { Twin } from '../../local/twin';
import { http, startTestTwin } from '../support/twin';

const FIXTURE = join(__dirname, '..', 'fixtures', 'nested-app');
let twin: Twin;

beforeAll(async () => {
  twin = await startTestTwin({ rootDir: FIXTURE });
});
afterAll(async () => {
  await twin?.stop();
});

test('the child template is a stack of its own after its parent; Ref of the application is its ARN', () => {
  const system = loadSystem({ rootDir: FIXTURE });
  expect(system.stacks.map((stack) => stack.name)).toEqual(['nested-demo', expect.stringMatching(/^nested-demo-Backend-[A-Z0-9]+$/)]);
  const child = system.stacks[1]!;
  expect(system.api.outputs.BackendStack).toBe(`arn:aws:cloudformation:us-east-1:000000000000:stack/${child.name}/${child.stackId.split('/').pop()}`);
  expect(child.parameters.Greeting).toBe('hello from nested-demo');
});

test("the child's API answers, with the parameter the parent passed; the parent's output points at it", async () => {
  expect(twin.outputs.api.BackendUrl).toBe(twin.apiGateways[0]!.url);
  const reply = await http(`${twin.outputs.api.BackendUrl}/greet`);
  expect(reply).toMatchObject({ status: 200, body: { greeting: 'hello from nested-demo' } });
});
