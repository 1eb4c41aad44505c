/**
 * The IAM policy a REST API's Lambda authorizer returns, as API Gateway evaluates it against the method ARN
 * ("Output from an API Gateway Lambda authorizer", docs.aws.amazon.com/apigateway/latest/developerguide/
 * api-gateway-lambda-authorizer-output.html): statements on `execute-api:Invoke`; an explicit Deny wins, else an
 * Allow must match, else access is denied. Resources use IAM's wildcards (`*` any run of characters, `?` one).
 */

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface AuthorizerOutput {
  principalId: string;
  statements: PolicyStatement[];
  /** `context`, every value a string as the integration receives it. */
  context: Record<string, string>;
}

interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
}

/**
 * The authorizer function's output, or why API Gateway would refuse it (it then answers 500
 * AuthorizerConfigurationException, "Could not parse policy" in its execution log, github.com/ExpanseLLC/
 * lambda_authorizer/issues/1). The context map takes strings, numbers and booleans only: "You can't set a JSON
 * object or array as a valid value of any key in the context map" (the output page above).
 */
export function parseAuthorizerOutput(payload: unknown): AuthorizerOutput | { invalid: string } {
  if (!isObject(payload)) return { invalid: 'the authorizer returned no object' };
  const { principalId, policyDocument, context } = payload;
  if (typeof principalId !== 'string' && typeof principalId !== 'number') return { invalid: 'principalId missing' };
  if (!isObject(policyDocument)) return { invalid: 'policyDocument missing' };
  const raw = policyDocument.Statement;
  const list = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : undefined;
  if (!list) return { invalid: 'policyDocument.Statement missing' };
  const statements: PolicyStatement[] = [];
  for (const statement of list) {
    if (!isObject(statement) || (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')) return { invalid: 'a statement without Effect Allow or Deny' };
    const actions = strings(statement.Action);
    const resources = strings(statement.Resource);
    if (!actions || !resources) return { invalid: 'a statement without Action or Resource' };
    statements.push({ effect: statement.Effect, actions, resources });
  }
  const flat: Record<string, string> = Object.create(null) as Record<string, string>;
  if (context !== undefined && context !== null) {
    if (!isObject(context)) return { invalid: 'context is not a map' };
    for (const [key, value] of Object.entries(context)) {
      if (value === null || value === undefined) continue;
      if (typeof value === 'object') return { invalid: `context.${key} is an object or array` };
      flat[key] = String(value);
    }
  }
  return { principalId: String(principalId), statements, context: flat };
}

/** What the policy says about invoking `methodArn`. */
export function evaluatePolicy(statements: readonly PolicyStatement[], methodArn: string): PolicyDecision {
  const applies = (statement: PolicyStatement) =>
    statement.actions.some((action) => wildcardMatch(action.toLowerCase(), 'execute-api:invoke')) &&
    statement.resources.some((resource) => wildcardMatch(resource, methodArn));
  if (statements.some((statement) => statement.effect === 'Deny' && applies(statement))) return 'explicit-deny';
  return statements.some((statement) => statement.effect === 'Allow' && applies(statement)) ? 'allow' : 'implicit-deny';
}

/** IAM's wildcard match over the whole text: `*` any characters (none included), `?` exactly one. */
export function wildcardMatch(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(text);
}

function strings(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
