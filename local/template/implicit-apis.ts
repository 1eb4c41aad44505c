import type { Template, TemplateResource } from './load';

/** SAM's name for the REST API it creates for `Api` events that name no `RestApiId`. */
export const IMPLICIT_REST_API = 'ServerlessRestApi';

/**
 * SAM's implicit API, as its ImplicitRestApiPlugin writes it before anything else is translated
 * (samtranslator/plugins/api/implicit_rest_api_plugin.py): when a function has an `Api` event without a
 * `RestApiId`, the template gets an `AWS::Serverless::Api` named `ServerlessRestApi`, with `StageName: Prod`, and
 * each such event gets `RestApiId: !Ref ServerlessRestApi`. Globals.Api applies to it like any other API, except
 * StageName, which Globals cannot set (samtranslator/plugins/globals/globals.py). So `!Ref ServerlessRestApi` and
 * `ServerlessRestApi.Stage` resolve, and the gateway serves it like an explicit API.
 *
 * Returns the template as given when no event needs it, else a copy; a template that declares its own
 * `ServerlessRestApi` keeps it, as SAM does.
 */
export function withImplicitApis(template: Template): Template {
  let resources: Record<string, TemplateResource> | undefined;
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Serverless::Function') continue;
    const events = resource.Properties?.Events;
    if (!events || typeof events !== 'object') continue;
    let patched: Record<string, unknown> | undefined;
    for (const [name, event] of Object.entries(events as Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>)) {
      if (event?.Type !== 'Api' || !event.Properties || event.Properties.RestApiId !== undefined) continue;
      patched ??= { ...(events as Record<string, unknown>) };
      patched[name] = { ...event, Properties: { ...event.Properties, RestApiId: { Ref: IMPLICIT_REST_API } } };
    }
    if (!patched) continue;
    resources ??= { ...template.Resources };
    resources[logicalId] = { ...resource, Properties: { ...resource.Properties, Events: patched } };
  }
  if (!resources) return template;
  resources[IMPLICIT_REST_API] ??= { Type: 'AWS::Serverless::Api', Properties: { StageName: 'Prod' } };
  return { ...template, Resources: resources };
}
