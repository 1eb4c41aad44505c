/**
 * What `sam local` needs to run one stack's functions against the twin: the values of the variables each
 * function's template declares, and the sample events with claims naming that stack's own app clients.
 */
import { readSampleEvent, SAMPLE_CLIENT_IDS, sampleEventIds } from '../../events';
import { functionSpecsOf } from '../../local/lambda/function-spec';
import type { ResolvedStack } from '../../local/template/stack';
import type { System } from '../../local/template/system';

export interface SamLocalFiles {
  /** LogicalId → every variable its template declares, resolved, with the endpoint pointed at DynamoDB Local. */
  environment: Record<string, Record<string, string>>;
  /** LogicalId → its sample event, claims naming this stack's own app clients. */
  events: Record<string, Record<string, unknown>>;
}

/** Pure: what the files hold for one stack of a resolved system. */
export function samLocalFiles(system: System, stack: ResolvedStack, dynamodbEndpoint: string): SamLocalFiles {
  const environment: SamLocalFiles['environment'] = {};
  for (const spec of functionSpecsOf(system).filter((s) => s.stackName === stack.name)) {
    environment[spec.logicalId] = {
      ...spec.environment,
      ...('AWS_ENDPOINT_URL_DYNAMODB' in spec.environment ? { AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint } : {}),
    };
  }
  const ownClient: Record<string, string | undefined> = {
    [SAMPLE_CLIENT_IDS.user]: stack.outputs.UserClientId,
    [SAMPLE_CLIENT_IDS.machine]: stack.outputs.M2MClientId,
  };
  const events: SamLocalFiles['events'] = {};
  for (const logicalId of sampleEventIds().filter((id) => id in environment)) {
    events[logicalId] = withClients(readSampleEvent(logicalId), ownClient);
  }
  return { environment, events };
}

/** The sample event with its claims' `client_id` / `aud` (and a machine's `sub`) naming the stack's clients. */
function withClients(event: Record<string, unknown>, ownClient: Record<string, string | undefined>): Record<string, unknown> {
  const claims = (event.requestContext as { authorizer?: { claims?: Record<string, string> } } | undefined)?.authorizer?.claims;
  if (!claims) return event;
  const renamed = { ...claims };
  for (const key of ['client_id', 'aud', 'sub'] as const) {
    const value = renamed[key];
    if (value !== undefined && ownClient[value]) renamed[key] = ownClient[value];
  }
  const requestContext = event.requestContext as Record<string, unknown>;
  return { ...event, requestContext: { ...requestContext, authorizer: { ...(requestContext.authorizer as object), claims: renamed } } };
}

