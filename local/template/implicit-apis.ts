import type { Template, TemplateResource } from './load';

/** SAM's name for the REST API it creates for `Api` events that name no `RestApiId`. */
export const IMPLICIT_REST_API = 'ServerlessRestApi';
/** …and for the HTTP API it creates for `HttpApi` events that name no `ApiId`. */
export const IMPLICIT_HTTP_API = 'ServerlessHttpApi';

/** Per event type: the property naming the API, the implicit API, and how SAM declares it. */
const IMPLICIT = [
  { eventType: 'Api', idProperty: 'RestApiId', logicalId: IMPLICIT_REST_API, resource: { Type: 'AWS::Serverless::Api', Properties: { StageName: 'Prod' } } },
  // ImplicitHttpApiPlugin: no StageName, so the `$default` stage; an HttpApi event may have no Properties at all.
  { eventType: 'HttpApi', idProperty: 'ApiId', logicalId: IMPLICIT_HTTP_API, resource: { Type: 'AWS::Serverless::HttpApi', Properties: {} } },
] as const;

/**
 * SAM's implicit API, as its ImplicitRestApiPlugin writes it before anything else is translated
 * (samtranslator/plugins/api/implicit_rest_api_plugin.py): when a function has an `Api` event without a
 * `RestApiId`, the template gets an `AWS::Serverless::Api` named `ServerlessRestApi`, with `StageName: Prod`, and
 * each such event gets `RestApiId: !Ref ServerlessRestApi`. Globals.Api applies to it like any other API, except
 * StageName, which Globals cannot set (samtranslator/plugins/globals/globals.py). So `!Ref ServerlessRestApi` and
 * `ServerlessRestApi.Stage` resolve, and the gateway serves it like an explicit API.
 *
 * The same for `HttpApi` events without `ApiId` and `ServerlessHttpApi` (ImplicitHttpApiPlugin), on the `$default`
 * stage. Returns the template as given when no event needs either, else a copy; a template that declares its own
 * `ServerlessRestApi` or `ServerlessHttpApi` keeps it, as SAM does.
 */
export function withImplicitApis(template: Template): Template {
  let resources: Record<string, TemplateResource> | undefined;
  const needed = new Set<(typeof IMPLICIT)[number]>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Serverless::Function') continue;
    const events = resource.Properties?.Events;
    if (!events || typeof events !== 'object') continue;
    let patched: Record<string, unknown> | undefined;
    for (const [name, event] of Object.entries(events as Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>)) {
      const implicit = IMPLICIT.find((kind) => kind.eventType === event?.Type);
      if (!implicit) continue;
      if (!event.Properties && implicit.eventType === 'Api') continue;
      if (event.Properties?.[implicit.idProperty] !== undefined) continue;
      needed.add(implicit);
      patched ??= { ...(events as Record<string, unknown>) };
      patched[name] = { ...event, Properties: { ...event.Properties, [implicit.idProperty]: { Ref: implicit.logicalId } } };
    }
    if (!patched) continue;
    resources ??= { ...template.Resources };
    resources[logicalId] = { ...resource, Properties: { ...resource.Properties, Events: patched } };
  }
  // A function's FunctionUrlConfig: SAM writes an AWS::Lambda::Url named <Function>Url (sam-resource-function,
  // "Generated AWS CloudFormation resources").
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const config = resource.Type === 'AWS::Serverless::Function' ? resource.Properties?.FunctionUrlConfig : undefined;
    if (!config || typeof config !== 'object' || template.Resources[`${logicalId}Url`]) continue;
    resources ??= { ...template.Resources };
    resources[`${logicalId}Url`] = {
      Type: 'AWS::Lambda::Url',
      ...(resource.Condition ? { Condition: resource.Condition } : {}),
      Properties: { ...(config as Record<string, unknown>), TargetFunctionArn: { Ref: logicalId } },
    };
  }
  if (!resources) return template;
  for (const implicit of needed) resources[implicit.logicalId] ??= structuredClone(implicit.resource) as TemplateResource;
  return { ...template, Resources: resources };
}
