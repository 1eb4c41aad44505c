import { idFormats } from '../template/ids';
import type { ResolvedStack } from '../template/stack';
import { resourcesOfType, stackOf, type System } from '../template/system';
import type { ApiModel } from './api-model';

/** An API key that may call an API's stage: its value (the `x-api-key` header) and id. */
export interface ApiKey {
  id: string;
  name: string;
  value: string;
}

/**
 * The API keys that may call this API ("Usage plans and API keys for REST APIs", api-gateway-api-usage-plans):
 * enabled `AWS::ApiGateway::ApiKey`s attached by `AWS::ApiGateway::UsagePlanKey` to a usage plan whose `ApiStages`
 * name this API, and the key SAM creates itself for `Auth.UsagePlan.CreateUsagePlan` PER_API (`<Api>ApiKey`) or
 * SHARED (`ServerlessApiKey`). A key without a `Value` gets a generated one, kept like the other ids: the outputs
 * file lists every key (it is a secret, like client secrets).
 */
export function apiKeysFor(system: System, stack: ResolvedStack, model: ApiModel): ApiKey[] {
  const keys: ApiKey[] = [];
  const keyOf = (logicalId: string, keyStack: ResolvedStack, value: unknown): string =>
    typeof value === 'string' && value !== '' ? value : system.ids.get(`${keyStack.name}/${logicalId}/Value`, idFormats.apiKeyValue);
  const plans = resourcesOfType(system, 'AWS::ApiGateway::UsagePlan').filter((plan) =>
    (Array.isArray(plan.properties.ApiStages) ? plan.properties.ApiStages : []).some((stage: { ApiId?: unknown; Stage?: unknown }) =>
      stage.ApiId === model.apiId && model.stages.includes(String(stage.Stage))),
  );
  const planIds = new Set(plans.map((plan) => plan.physicalId));
  const attached = new Set(
    resourcesOfType(system, 'AWS::ApiGateway::UsagePlanKey').filter((link) => planIds.has(String(link.properties.UsagePlanId))).map((link) => String(link.properties.KeyId)),
  );
  for (const key of resourcesOfType(system, 'AWS::ApiGateway::ApiKey')) {
    if (!attached.has(key.physicalId) || key.properties.Enabled === false) continue;
    keys.push({ id: key.physicalId, name: String(key.properties.Name ?? key.logicalId), value: keyOf(key.logicalId, stackOf(system, key), key.properties.Value) });
  }
  const usagePlan = ((stack.resources[model.logicalId]?.properties.Auth ?? {}) as { UsagePlan?: { CreateUsagePlan?: unknown } }).UsagePlan;
  const created = String(usagePlan?.CreateUsagePlan ?? 'NONE').toUpperCase();
  if (created === 'PER_API' || created === 'SHARED') {
    const logicalId = created === 'SHARED' ? 'ServerlessApiKey' : `${model.logicalId}ApiKey`;
    keys.push({ id: system.ids.get(`${stack.name}/${logicalId}/Id`, idFormats.restApiId), name: logicalId, value: keyOf(logicalId, stack, undefined) });
  }
  return keys;
}
