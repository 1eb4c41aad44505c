import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { distributionDomainName, idFormats, type IdStore } from './ids';
import { withImplicitApis } from './implicit-apis';
import { loadTemplate, type Template, type TemplateParameter, type TemplateResource } from './load';

/** A resource as it would be deployed: conditions applied, intrinsics resolved, SAM Globals merged. */
export interface ResolvedResource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  metadata: Record<string, unknown>;
  physicalId: string;
  /** `Fn::GetAtt <logicalId>.Arn`, the format AWS gives this type. */
  arn: string;
  dependsOn: string[];
}

export interface ResolvedStack {
  name: string;
  /** The samconfig.toml config env this stack is deployed with (`auth`, `api`, …). */
  configEnv: string;
  stackId: string;
  templatePath: string;
  /** Directory of the template: SAM resolves CodeUri against it. */
  templateDir: string;
  parameters: Record<string, string | string[]>;
  conditions: Record<string, boolean>;
  resources: Record<string, ResolvedResource>;
  outputs: Record<string, string>;
  /** SSM parameters this stack creates (name → value), which other stacks may read. */
  ssmParameters: Record<string, string>;
  /** Outputs with an `Export.Name`: export name → value, for other stacks' `Fn::ImportValue`. */
  exports: Record<string, string>;
  /** Export names this stack imports: CloudFormation refuses to delete (or change) an export in use. */
  imports: string[];
  /**
   * What the twin read leniently or could not resolve and stood in for, one line each (a duplicated YAML key, an
   * attribute of a resource it does not emulate, the properties of such a resource that need something unknown):
   * said once at start-up.
   */
  unresolved: string[];
  /** Nested applications and stacks whose template is a local file (`Location` / `TemplateURL`), resolved as stacks. */
  children: ResolvedStack[];
}

/** What a value the twin cannot know resolves to: recognisable in a function's environment or an output. */
export function unresolvedValue(what: string): string {
  return `local-unresolved:${what}`;
}

/**
 * Resource types whose properties the twin reads to run the system: their errors stop start-up. Any other
 * resource's properties are resolved when asked for; if that fails, the resource is reported and kept with none.
 */
const EMULATED_TYPES = new Set([
  'AWS::Serverless::Function', 'AWS::Lambda::Function', 'AWS::Serverless::Api', 'AWS::Serverless::HttpApi',
  'AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain', 'AWS::Cognito::UserPoolResourceServer',
  'AWS::Cognito::UserPoolUser', 'AWS::Cognito::UserPoolGroup', 'AWS::Cognito::UserPoolUserToGroupAttachment',
  'AWS::DynamoDB::Table', 'AWS::Serverless::SimpleTable', 'AWS::SSM::Parameter', 'AWS::CloudFront::Distribution',
]);

export interface StackInput {
  name: string;
  configEnv: string;
  templatePath: string;
  region: string;
  accountId: string;
  parameterOverrides: Record<string, string>;
  /** SSM parameters visible to this stack, for `AWS::SSM::Parameter::Value<…>` parameters. */
  ssm: Record<string, string>;
  /** Exports of the stacks deployed before this one, for `Fn::ImportValue`. */
  exports: Record<string, string>;
  ids: IdStore;
}

export class TemplateError extends Error {}

type Json = unknown;
const NO_VALUE = Symbol('AWS::NoValue');

const SERVERLESS_GLOBALS: Record<string, string> = {
  'AWS::Serverless::Function': 'Function',
  'AWS::Serverless::Api': 'Api',
  'AWS::Serverless::HttpApi': 'HttpApi',
  'AWS::Serverless::SimpleTable': 'SimpleTable',
};

/** Resolves one template into what CloudFormation (after the SAM transform's inputs) would deploy. */
export function resolveStack(input: StackInput): ResolvedStack {
  const warnings: string[] = [];
  const template = withImplicitApis(loadTemplate(input.templatePath, warnings));
  const stack = new StackResolver(template, input).resolve();
  return { ...stack, unresolved: [...warnings, ...stack.unresolved] };
}

class StackResolver {
  private readonly parameters: Record<string, string | string[]> = {};
  private readonly conditionValues: Record<string, boolean> = {};
  private readonly physicalIds: Record<string, string> = {};
  private readonly resolvedProperties: Record<string, Record<string, unknown>> = {};
  private readonly resolving = new Set<string>();
  private readonly imports = new Set<string>();
  private readonly unresolved = new Set<string>();
  private readonly children = new Map<string, ResolvedStack>();
  private readonly stackId: string;

  constructor(private readonly template: Template, private readonly input: StackInput) {
    const uuid = input.ids.get(`${input.name}/StackUuid`, idFormats.uuid);
    this.stackId = `arn:aws:cloudformation:${input.region}:${input.accountId}:stack/${input.name}/${uuid}`;
  }

  resolve(): ResolvedStack {
    this.resolveParameters();
    for (const name of Object.keys(this.template.Conditions ?? {})) this.condition(name);
    const resources: Record<string, ResolvedResource> = {};
    for (const [logicalId, resource] of Object.entries(this.template.Resources)) {
      if (!this.included(resource)) continue;
      resources[logicalId] = {
        logicalId,
        type: resource.Type,
        properties: EMULATED_TYPES.has(resource.Type) ? this.properties(logicalId) : this.tolerantly(`${logicalId} (${resource.Type}) Properties`, () => this.properties(logicalId), {}),
        metadata: (resource.Metadata ?? {}) as Record<string, unknown>,
        physicalId: this.physicalId(logicalId),
        arn: this.attribute(logicalId, 'Arn', logicalId),
        dependsOn: resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn),
      };
    }
    const outputs: Record<string, string> = {};
    const exports: Record<string, string> = {};
    for (const [name, output] of Object.entries(this.template.Outputs ?? {})) {
      const condition = (output as { Condition?: string }).Condition;
      if (condition && !this.condition(condition)) continue;
      // Outputs stay strict: the banner, Postman and the token CLI read them, and a wrong stack name must say so.
      outputs[name] = String(this.value(output.Value, `Outputs.${name}`));
      const exported = (output as { Export?: { Name?: unknown } }).Export?.Name;
      if (exported !== undefined) exports[String(this.value(exported, `Outputs.${name}.Export.Name`))] = outputs[name];
    }
    const ssmParameters: Record<string, string> = {};
    for (const resource of Object.values(resources)) {
      if (resource.type !== 'AWS::SSM::Parameter') continue;
      ssmParameters[String(resource.properties.Name)] = String(resource.properties.Value);
    }
    return {
      name: this.input.name,
      configEnv: this.input.configEnv,
      stackId: this.stackId,
      templatePath: this.input.templatePath,
      templateDir: dirname(resolve(this.input.templatePath)),
      parameters: this.parameters,
      conditions: this.conditionValues,
      resources,
      outputs,
      ssmParameters,
      exports,
      imports: [...this.imports],
      unresolved: [...this.unresolved],
      children: Object.keys(resources).map((logicalId) => this.child(logicalId)).filter((child): child is ResolvedStack => child !== undefined),
    };
  }

  /**
   * A nested application (`AWS::Serverless::Application` with a local `Location`, as `sam build` builds it) or
   * nested stack (`AWS::CloudFormation::Stack` with a local `TemplateURL`): its template resolved as a stack of its
   * own, named as CloudFormation names nested stacks (`<parent>-<logical id>-<suffix>`), its Parameters from the
   * resource. Undefined for other resources and for remote locations (the Serverless Application Repository, S3).
   */
  private child(logicalId: string): ResolvedStack | undefined {
    const cached = this.children.get(logicalId);
    if (cached) return cached;
    const resource = this.template.Resources[logicalId];
    if (resource?.Type !== 'AWS::Serverless::Application' && resource?.Type !== 'AWS::CloudFormation::Stack') return undefined;
    const props = this.properties(logicalId);
    const location = resource.Type === 'AWS::Serverless::Application' ? props.Location : props.TemplateURL;
    if (typeof location !== 'string' || /^(s3|https?):/.test(location)) return undefined;
    const templatePath = resolve(dirname(resolve(this.input.templatePath)), location);
    const parameters = Object.fromEntries(Object.entries((props.Parameters ?? {}) as Record<string, unknown>).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : String(value)]));
    const name = `${this.input.name}-${logicalId}-${this.input.ids.get(`${this.input.name}/${logicalId}/Suffix`, idFormats.suffix)}`;
    const child = resolveStack({ ...this.input, name, templatePath, parameterOverrides: parameters });
    this.children.set(logicalId, child);
    return child;
  }

  /** `resolve()`, or `fallback` and a line in `unresolved` when it fails for lack of something the twin does not know. */
  private tolerantly<T>(what: string, resolve: () => T, fallback: T): T {
    try {
      return resolve();
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.unresolved.add(`${what}: ${error.message.replace(`${this.input.name}: `, '')}`);
      return fallback;
    }
  }

  // ---------- parameters and conditions ----------

  private resolveParameters(): void {
    const declared = this.template.Parameters ?? {};
    for (const key of Object.keys(this.input.parameterOverrides)) {
      if (!(key in declared)) throw new TemplateError(`${this.input.name}: parameter override ${key} is not a parameter of ${this.input.templatePath}`);
    }
    for (const [name, spec] of Object.entries(declared)) {
      const given = this.input.parameterOverrides[name] ?? (spec.Default === undefined ? undefined : String(spec.Default));
      if (given === undefined) throw new TemplateError(`${this.input.name}: parameter ${name} has no default and no override (set it in samconfig.toml parameter_overrides)`);
      this.parameters[name] = this.typedParameter(name, spec, given);
    }
  }

  private typedParameter(name: string, spec: TemplateParameter, raw: string): string | string[] {
    const where = `${this.input.name}: parameter ${name}`;
    const ssmType = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(spec.Type);
    if (ssmType) {
      const value = this.input.ssm[raw];
      if (value === undefined) {
        throw new TemplateError(`${where}: SSM parameter ${raw} does not exist (published: ${Object.keys(this.input.ssm).join(', ') || 'none'}). Is the auth stack name right?`);
      }
      return ssmType[1]?.startsWith('List<') || ssmType[1] === 'CommaDelimitedList' ? value.split(',') : value;
    }
    if (spec.AllowedValues && !spec.AllowedValues.map(String).includes(raw)) {
      throw new TemplateError(`${where}: '${raw}' is not one of ${spec.AllowedValues.join(', ')}`);
    }
    if (spec.AllowedPattern && !new RegExp(`^(?:${spec.AllowedPattern.replace(/^\^|\$$/g, '')})$`).test(raw)) {
      throw new TemplateError(`${where}: '${raw}' does not match ${spec.AllowedPattern}`);
    }
    if (spec.Type === 'Number') {
      const n = Number(raw);
      if (raw.trim() === '' || Number.isNaN(n)) throw new TemplateError(`${where}: '${raw}' is not a number`);
      if (spec.MinValue !== undefined && n < spec.MinValue) throw new TemplateError(`${where}: ${n} is below ${spec.MinValue}`);
      if (spec.MaxValue !== undefined && n > spec.MaxValue) throw new TemplateError(`${where}: ${n} is above ${spec.MaxValue}`);
    }
    if (spec.Type === 'CommaDelimitedList' || spec.Type.startsWith('List<')) return raw.split(',').map((s) => s.trim());
    return raw;
  }

  private condition(name: string): boolean {
    const known = this.conditionValues[name];
    if (known !== undefined) return known;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new TemplateError(`${this.input.name}: unknown condition ${name}`);
    const value = Boolean(this.value(expression, `Conditions.${name}`));
    this.conditionValues[name] = value;
    return value;
  }

  private included(resource: TemplateResource): boolean {
    return resource.Condition === undefined || this.condition(resource.Condition);
  }

  // ---------- resources ----------

  private resource(logicalId: string, where: string): TemplateResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new TemplateError(`${this.input.name}: ${where} refers to unknown resource ${logicalId}`);
    if (!this.included(resource)) throw new TemplateError(`${this.input.name}: ${where} refers to ${logicalId}, whose condition is false`);
    return resource;
  }

  private properties(logicalId: string): Record<string, unknown> {
    const cached = this.resolvedProperties[logicalId];
    if (cached) return cached;
    if (this.resolving.has(logicalId)) throw new TemplateError(`${this.input.name}: circular reference through ${logicalId}`);
    this.resolving.add(logicalId);
    let value: Record<string, unknown>;
    try {
      const resource = this.resource(logicalId, logicalId);
      const globalsKey = SERVERLESS_GLOBALS[resource.Type];
      const globals = globalsKey ? this.template.Globals?.[globalsKey] : undefined;
      const raw = globals ? mergeGlobals(globals, resource.Properties ?? {}) : resource.Properties ?? {};
      value = this.value(raw, `Resources.${logicalId}.Properties`) as Record<string, unknown>;
    } finally {
      this.resolving.delete(logicalId);
    }
    this.resolvedProperties[logicalId] = value ?? {};
    return value ?? {};
  }

  private physicalId(logicalId: string): string {
    const known = this.physicalIds[logicalId];
    if (known !== undefined) return known;
    const resource = this.resource(logicalId, logicalId);
    const { name: stack, region, ids } = this.input;
    const key = `${stack}/${logicalId}`;
    const generatedName = (max = 64) => `${stack}-${logicalId}`.slice(0, max - 13) + '-' + ids.get(`${key}/Suffix`, idFormats.suffix);
    const props = () => this.properties(logicalId);
    let id: string;
    switch (resource.Type) {
      case 'AWS::Cognito::UserPool': id = ids.get(`${key}/UserPoolId`, () => idFormats.userPoolId(region)); break;
      case 'AWS::Cognito::UserPoolClient': id = ids.get(`${key}/ClientId`, idFormats.clientId); break;
      case 'AWS::Cognito::UserPoolDomain': id = String(props().Domain); break;
      case 'AWS::Cognito::UserPoolResourceServer': id = String(props().Identifier); break;
      // Ref of a group is its GroupName, of a template user its Username (CloudFormation generates either if absent).
      case 'AWS::Cognito::UserPoolGroup': id = String(props().GroupName ?? generatedName(128)); break;
      case 'AWS::Cognito::UserPoolUser': id = String(props().Username ?? ids.get(`${key}/Username`, idFormats.uuid)); break;
      case 'AWS::SSM::Parameter': id = String(props().Name ?? generatedName()); break;
      case 'AWS::Logs::LogGroup': id = String(props().LogGroupName ?? generatedName(512)); break;
      case 'AWS::DynamoDB::Table':
      case 'AWS::Serverless::SimpleTable': id = String(props().TableName ?? generatedName(255)); break;
      case 'AWS::Serverless::Function':
      case 'AWS::Lambda::Function': id = String(props().FunctionName ?? generatedName()); break;
      case 'AWS::Serverless::Api':
      case 'AWS::ApiGateway::RestApi': id = ids.get(`${key}/RestApiId`, idFormats.restApiId); break;
      case 'AWS::Serverless::HttpApi':
      case 'AWS::ApiGatewayV2::Api': id = ids.get(`${key}/ApiId`, idFormats.restApiId); break;
      // Ref of a layer version is its ARN (a template's layer is version 1 locally).
      case 'AWS::Serverless::LayerVersion':
      case 'AWS::Lambda::LayerVersion':
        id = `arn:aws:lambda:${region}:${this.input.accountId}:layer:${String(props().LayerName ?? generatedName(64))}:1`;
        break;
      case 'AWS::ApiGateway::ApiKey':
      case 'AWS::ApiGateway::UsagePlan': id = ids.get(`${key}/Id`, idFormats.restApiId); break;
      case 'AWS::Lambda::Url': id = ids.get(`${key}/UrlId`, idFormats.functionUrlId); break;
      case 'AWS::CloudFront::Distribution': id = ids.get(`${key}/DistributionId`, idFormats.distributionId); break;
      // Ref of a nested application or stack: the nested stack's ARN.
      case 'AWS::Serverless::Application':
      case 'AWS::CloudFormation::Stack':
      {
        // The same name and id the child stack gets (child()): its StackUuid is keyed by its own name.
        const childName = `${stack}-${logicalId}-${ids.get(`${key}/Suffix`, idFormats.suffix)}`;
        id = `arn:aws:cloudformation:${region}:${this.input.accountId}:stack/${childName}/${ids.get(`${childName}/StackUuid`, idFormats.uuid)}`;
        break;
      }
      // Ref of a bucket is its name (lower case, as S3 requires); of a queue its URL; of a topic its ARN.
      case 'AWS::S3::Bucket': id = String(props().BucketName ?? generatedName(63).toLowerCase()); break;
      case 'AWS::SQS::Queue': id = `https://sqs.${region}.amazonaws.com/${this.input.accountId}/${String(props().QueueName ?? generatedName(80))}`; break;
      case 'AWS::SNS::Topic': id = `arn:aws:sns:${region}:${this.input.accountId}:${String(props().TopicName ?? generatedName(256))}`; break;
      case 'AWS::CloudFront::CachePolicy':
      case 'AWS::CloudFront::OriginRequestPolicy': id = ids.get(`${key}/PolicyId`, idFormats.uuid); break;
      default: id = generatedName();
    }
    this.physicalIds[logicalId] = id;
    return id;
  }

  private queueName(logicalId: string): string {
    const url = this.physicalId(logicalId);
    return url.slice(url.lastIndexOf('/') + 1);
  }

  private attribute(logicalId: string, attribute: string, where: string): string {
    const resource = this.resource(logicalId, where);
    const { region, accountId, ids, name: stack } = this.input;
    const id = this.physicalId(logicalId);
    const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${accountId}:${rest}`;
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::Cognito::UserPool.Arn': return arn('cognito-idp', `userpool/${id}`);
      // CloudFormation's return values for AWS::Cognito::UserPool: ProviderURL is the issuer, scheme included
      // (`https://cognito-idp.<region>.amazonaws.com/<id>`, what JWT authorizers take as `issuer`); ProviderName
      // is the same without the scheme. Localizing the URL (system.ts) points it at the local Cognito's issuer.
      case 'AWS::Cognito::UserPool.ProviderURL': return `https://cognito-idp.${region}.amazonaws.com/${id}`;
      case 'AWS::Cognito::UserPool.ProviderName': return `cognito-idp.${region}.amazonaws.com/${id}`;
      case 'AWS::Cognito::UserPool.UserPoolId': return id;
      case 'AWS::Cognito::UserPoolClient.ClientId': return id;
      case 'AWS::Cognito::UserPoolClient.Name': return String(this.properties(logicalId).ClientName ?? id);
      case 'AWS::Cognito::UserPoolClient.ClientSecret': return ids.get(`${stack}/${logicalId}/ClientSecret`, idFormats.clientSecret);
      case 'AWS::Cognito::UserPoolDomain.CloudFrontDistribution': return `${id}.cloudfront.net`;
      case 'AWS::DynamoDB::Table.Arn':
      case 'AWS::Serverless::SimpleTable.Arn': return arn('dynamodb', `table/${id}`);
      case 'AWS::DynamoDB::Table.StreamArn': return arn('dynamodb', `table/${id}/stream/1970-01-01T00:00:00.000`);
      case 'AWS::Serverless::Function.Arn':
      case 'AWS::Lambda::Function.Arn': return arn('lambda', `function:${id}`);
      case 'AWS::Logs::LogGroup.Arn': return arn('logs', `log-group:${id}:*`);
      case 'AWS::IAM::Role.Arn': return `arn:aws:iam::${accountId}:role/${id}`;
      // AWS::ApiGatewayV2::Api's ApiEndpoint, which SAM passes through for HttpApi.
      case 'AWS::Serverless::HttpApi.ApiEndpoint':
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint': return `https://${id}.execute-api.${region}.amazonaws.com`;
      case 'AWS::Serverless::Api.RootResourceId':
      case 'AWS::ApiGateway::RestApi.RootResourceId': return ids.get(`${stack}/${logicalId}/RootResourceId`, idFormats.restApiId);
      case 'AWS::SSM::Parameter.Value': return String(this.properties(logicalId).Value);
      // AWS::CloudFront::Distribution return values: Ref and Id are the distribution id, DomainName its *.cloudfront.net.
      case 'AWS::CloudFront::Distribution.Id': return id;
      case 'AWS::CloudFront::Distribution.DomainName': return distributionDomainName(ids, stack, logicalId);
      case 'AWS::CloudFront::CachePolicy.Id':
      case 'AWS::CloudFront::OriginRequestPolicy.Id': return id;
      // Services the twin does not emulate, with the values AWS gives (each type's "Return values" in the
      // CloudFormation reference), so a function's environment or an output still reads right.
      // AWS::Lambda::Url return values.
      case 'AWS::Lambda::Url.FunctionUrl': return `https://${id}.lambda-url.${region}.on.aws/`;
      case 'AWS::Lambda::Url.FunctionArn': return String(this.properties(logicalId).TargetFunctionArn);
      case 'AWS::S3::Bucket.Arn': return `arn:aws:s3:::${id}`;
      case 'AWS::S3::Bucket.DomainName': return `${id}.s3.amazonaws.com`;
      case 'AWS::S3::Bucket.RegionalDomainName': return `${id}.s3.${region}.amazonaws.com`;
      case 'AWS::S3::Bucket.WebsiteURL': return `http://${id}.s3-website-${region}.amazonaws.com`;
      case 'AWS::SQS::Queue.Arn': return arn('sqs', this.queueName(logicalId));
      case 'AWS::SQS::Queue.QueueName': return this.queueName(logicalId);
      case 'AWS::SQS::Queue.QueueUrl': return id;
      case 'AWS::SNS::Topic.TopicArn': return id;
      case 'AWS::SNS::Topic.TopicName': return id.slice(id.lastIndexOf(':') + 1);
      default: {
        const nested = attribute.startsWith('Outputs.') ? this.child(logicalId) : undefined;
        if (nested && Object.hasOwn(nested.outputs, attribute.slice(8))) return nested.outputs[attribute.slice(8)]!;
        if (nested) throw new TemplateError(`${this.input.name}: ${where}: ${logicalId} (${nested.templatePath}) has no output ${attribute.slice(8)}`);
        if (attribute === 'Arn') return arn(resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown', id);
        // Not known locally: reported once, and a recognisable stand-in instead of stopping start-up.
        this.unresolved.add(`${where}: Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not emulated locally; it resolves to ${unresolvedValue(`${logicalId}.${attribute}`)}`);
        return unresolvedValue(`${logicalId}.${attribute}`);
      }
    }
  }

  // ---------- intrinsic functions ----------

  private pseudo(name: string): string | typeof NO_VALUE | undefined {
    const { region, accountId, name: stack } = this.input;
    switch (name) {
      case 'AWS::Region': return region;
      case 'AWS::AccountId': return accountId;
      case 'AWS::StackName': return stack;
      case 'AWS::StackId': return this.stackId;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::NoValue': return NO_VALUE;
      case 'AWS::NotificationARNs': return '';
      default: return undefined;
    }
  }

  private ref(name: string, where: string): Json {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    if (name in this.parameters) return this.parameters[name];
    if (name in this.template.Resources) return this.physicalId(name);
    const generated = this.generatedRef(name, where);
    if (generated !== undefined) return generated;
    throw new TemplateError(`${this.input.name}: ${where}: Ref to unknown ${name}`);
  }

  /**
   * SAM's references to the resources it generates (SAM developer guide, "Referencing generated AWS CloudFormation
   * resources"): `<Api>.Stage` is the stage (its Ref, the stage name), `<Api>.Deployment` the deployment.
   */
  private generatedRef(name: string, where: string): string | undefined {
    const dot = name.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const [logicalId, part] = [name.slice(0, dot), name.slice(dot + 1)];
    const resource = this.template.Resources[logicalId];
    if (resource?.Type !== 'AWS::Serverless::Api' && resource?.Type !== 'AWS::Serverless::HttpApi') return undefined;
    this.resource(logicalId, where);
    if (part === 'Stage') return String(this.properties(logicalId).StageName ?? '$default');
    if (part === 'Deployment') return this.input.ids.get(`${this.input.name}/${logicalId}/DeploymentId`, idFormats.restApiId);
    return undefined;
  }

  /**
   * `Fn::Transform` with AWS::Include and a local Location: the file's YAML or JSON in place, its intrinsics resolved,
   * as CloudFormation includes an S3 snippet (`sam deploy` uploads local Locations). Macros need AWS to run them.
   */
  private transform(arg: Json, where: string): Json {
    const { Name: name, Parameters: parameters } = (arg ?? {}) as { Name?: unknown; Parameters?: { Location?: unknown } };
    const location = parameters?.Location;
    if (name !== 'AWS::Include' || typeof location !== 'string' || /^(s3|https?):/.test(location)) {
      throw new TemplateError(`${this.input.name}: ${where}: Fn::Transform ${String(name)}${typeof location === 'string' ? ` (${location})` : ''} does not run locally: only AWS::Include of a local file does`);
    }
    const path = resolve(dirname(resolve(this.input.templatePath)), location);
    return this.evaluate(yamlParse(readFileSync(path, 'utf8')), `${where} (included ${location})`);
  }

  private sub(text: string, vars: Record<string, Json>, where: string): string {
    return text.replace(/\$\{([^}]+)\}/g, (whole, expression: string) => {
      if (expression.startsWith('!')) return '${' + expression.slice(1) + '}';
      if (expression in vars) return String(vars[expression]);
      const dot = expression.indexOf('.');
      if (dot > 0 && !(expression in this.parameters) && this.pseudo(expression) === undefined) {
        // SAM resolves `${MyApi.Stage}` in Fn::Sub as it does `!Ref MyApi.Stage` (samtranslator/intrinsics/actions.py,
        // SubAction.resolve_resource_refs) before CloudFormation would read it as a GetAtt.
        const generated = this.generatedRef(expression, where);
        if (generated !== undefined) return generated;
        return this.attribute(expression.slice(0, dot), expression.slice(dot + 1), where);
      }
      const value = this.ref(expression, where);
      if (Array.isArray(value)) throw new TemplateError(`${this.input.name}: ${where}: \${${expression}} is a list in Fn::Sub ${whole}`);
      return String(value);
    });
  }

  /** Resolves intrinsics recursively; AWS::NoValue removes the key or list item that holds it. */
  value(node: Json, where: string): Json {
    const out = this.evaluate(node, where);
    return out === NO_VALUE ? undefined : out;
  }

  private evaluate(node: Json, where: string): Json {
    if (Array.isArray(node)) {
      return node.map((item, i) => this.evaluate(item, `${where}[${i}]`)).filter((item) => item !== NO_VALUE);
    }
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, Json>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      const fn = this.intrinsic(key, arg, where);
      if (fn !== NOT_INTRINSIC) return fn;
    }
    const out: Record<string, Json> = {};
    for (const [key, child] of entries) {
      const value = this.evaluate(child, `${where}.${key}`);
      if (value !== NO_VALUE) out[key] = value;
    }
    return out;
  }

  private intrinsic(key: string, arg: Json, where: string): Json {
    const list = (value: Json): Json[] => {
      const v = this.evaluate(value, where);
      if (!Array.isArray(v)) throw new TemplateError(`${this.input.name}: ${where}: ${key} expects a list`);
      return v;
    };
    switch (key) {
      case 'Fn::Transform': return this.transform(arg, where);
      case 'Ref': return this.ref(String(arg), where);
      case 'Condition': return this.condition(String(arg));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.+)/);
        return this.attribute(String(logicalId), String(attribute), where);
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return this.sub(arg, {}, where);
        const [text, vars] = arg as [string, Record<string, Json>];
        const resolvedVars = this.evaluate(vars ?? {}, where) as Record<string, Json>;
        return this.sub(String(this.evaluate(text, where)), resolvedVars, where);
      }
      case 'Fn::Join': {
        const [separator, items] = arg as [string, Json];
        return list(items).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, items] = arg as [Json, Json];
        return list(items)[Number(this.evaluate(index, where))];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, Json];
        return String(this.evaluate(text, where)).split(separator);
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = arg as [string, Json, Json];
        return this.evaluate(this.condition(name) ? whenTrue : whenFalse, where);
      }
      case 'Fn::Equals': {
        const [a, b] = list(arg);
        return String(a) === String(b);
      }
      case 'Fn::And': return list(arg).every(Boolean);
      case 'Fn::Or': return list(arg).some(Boolean);
      case 'Fn::Not': return !list(arg)[0];
      case 'Fn::Base64': return Buffer.from(String(this.evaluate(arg, where))).toString('base64');
      case 'Fn::GetAZs': return ['a', 'b', 'c'].map((az) => `${this.input.region}${az}`);
      case 'Fn::FindInMap': {
        const [map, top, second] = list(arg).map(String);
        const found = this.template.Mappings?.[map!]?.[top!]?.[second!];
        if (found === undefined) throw new TemplateError(`${this.input.name}: ${where}: Fn::FindInMap ${map}/${top}/${second} not found`);
        return this.evaluate(found, where);
      }
      case 'Fn::ToJsonString': return JSON.stringify(this.evaluate(arg, where));
      case 'Fn::ImportValue': {
        // As CloudFormation: the export must exist in a stack deployed before this one, in the same region.
        const name = String(this.evaluate(arg, where));
        if (!Object.hasOwn(this.input.exports, name)) {
          throw new TemplateError(`${this.input.name}: ${where}: No export named ${name} found (exported: ${Object.keys(this.input.exports).join(', ') || 'none'}). Is the auth stack name right?`);
        }
        this.imports.add(name);
        return this.input.exports[name];
      }
      default: return NOT_INTRINSIC;
    }
  }
}

const NOT_INTRINSIC = Symbol('not an intrinsic');

/**
 * SAM Globals, as samtranslator merges them: maps merge key by key, lists concatenate (global entries first),
 * anything else — intrinsics included — the resource's own value wins.
 */
export function mergeGlobals(globals: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...globals };
  for (const [key, value] of Object.entries(own)) {
    const base = out[key];
    if (isPlainMap(base) && isPlainMap(value)) out[key] = mergeGlobals(base, value);
    else if (Array.isArray(base) && Array.isArray(value)) out[key] = [...base, ...value];
    else out[key] = value;
  }
  return out;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  // An intrinsic ({"Ref": …}, {"Fn::If": …}) is a value, not a map to merge into.
  return !(keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')));
}
