import type { JWTPayload } from 'jose';
import type { GroupConfig, PoolConfig } from './config';
import { invalidLambdaResponse, messages, unexpectedLambda, userLambdaValidation } from './errors';
import type { Services } from './services';

/**
 * The pre token generation trigger ("Pre token generation Lambda trigger", Cognito developer guide,
 * user-pool-lambda-pre-token-generation; aws-api-shapes.md §5), run before a user's tokens are signed.
 * - V1_0 gets the ID token's data and may add, override or suppress ID token claims.
 * - V2_0 and V3_0 also get the scopes, and may change access token claims and scopes. V3_0 differs only for
 *   client-credentials tokens, which the twin does not send through the trigger.
 * - Either may override the groups (`cognito:groups`, and the roles in the ID token).
 * Claims that identify the token cannot be changed: the guide lists them, and the twin leaves them as
 * Cognito sets them. Failures surface as for PreSignUp: UserLambdaValidationException with the function's message,
 * UnexpectedLambdaException on a timeout, InvalidLambdaResponseException for an answer without `response`.
 */
export type TokenGenerationSource = 'TokenGeneration_Authentication' | 'TokenGeneration_RefreshTokens' | 'TokenGeneration_HostedAuth' | 'TokenGeneration_NewPasswordChallenge';

export interface TokenOverrides {
  id: ClaimChanges;
  access: ClaimChanges & { scopesToAdd: string[]; scopesToSuppress: string[] };
  /** Replaces the user's groups in both tokens when set. */
  groups?: { names: string[]; roles: string[]; preferredRole?: string };
}

interface ClaimChanges {
  add: Record<string, unknown>;
  suppress: string[];
}

/** Claims a pre token generation trigger cannot add, override or suppress. */
const PROTECTED = new Set(['acr', 'amr', 'aud', 'auth_time', 'azp', 'client_id', 'cognito:username', 'event_id', 'exp', 'iat', 'identities', 'iss', 'jti', 'nbf', 'nonce', 'origin_jti', 'scope', 'sub', 'token_use', 'username', 'version']);

export async function runPreTokenGeneration(
  s: Services,
  pool: PoolConfig,
  input: { source: TokenGenerationSource; username: string; clientId: string; attributes: Record<string, string>; groups: GroupConfig[]; scopes: string[] },
): Promise<TokenOverrides | undefined> {
  const trigger = pool.preTokenGeneration;
  if (!trigger) return undefined;
  if (!s.invoker.functionFor(trigger.arn)) throw unexpectedLambda(`PreTokenGeneration invocation failed due to error ResourceNotFoundException: ${trigger.arn}.`);
  const v1 = trigger.version === 'V1_0';
  const event = {
    version: v1 ? '1' : '2',
    triggerSource: input.source,
    region: pool.region,
    userPoolId: pool.id,
    userName: input.username,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: input.clientId },
    request: {
      userAttributes: input.attributes,
      groupConfiguration: {
        groupsToOverride: input.groups.map((g) => g.name),
        iamRolesToOverride: input.groups.flatMap((g) => (g.roleArn ? [g.roleArn] : [])),
        preferredRole: input.groups.find((g) => g.roleArn && g.precedence !== undefined)?.roleArn ?? null,
      },
      ...(v1 ? {} : { scopes: input.scopes }),
    },
    response: v1 ? { claimsOverrideDetails: null } : { claimsAndScopeOverrideDetails: null },
  };
  const result = await s.invoker.invoke(trigger.arn, event);
  if (result.status === 'error' || result.status === 'crash') throw userLambdaValidation(messages.preTokenGenerationFailed(result.errorMessage));
  if (result.status === 'timeout') throw unexpectedLambda('PreTokenGeneration invocation failed due to error Socket timeout while invoking Lambda function.');
  const response = record((result.payload as { response?: unknown } | null)?.response);
  if (!response) throw invalidLambdaResponse(messages.unrecognizableLambdaOutput);
  const details = record(v1 ? response.claimsOverrideDetails : response.claimsAndScopeOverrideDetails) ?? {};
  const idPart = v1 ? details : record(details.idTokenGeneration) ?? {};
  const accessPart = v1 ? {} : record(details.accessTokenGeneration) ?? {};
  const groups = record(details.groupOverrideDetails);
  return {
    id: changes(idPart),
    access: { ...changes(accessPart), scopesToAdd: strings(accessPart.scopesToAdd), scopesToSuppress: strings(accessPart.scopesToSuppress) },
    ...(groups
      ? { groups: { names: strings(groups.groupsToOverride), roles: strings(groups.iamRolesToOverride), ...(typeof groups.preferredRole === 'string' ? { preferredRole: groups.preferredRole } : {}) } }
      : {}),
  };
}

/** The claims with the trigger's changes: its groups, then its additions and suppressions, never a protected claim. */
export function applyOverrides(claims: JWTPayload, changes: ClaimChanges, groups: TokenOverrides['groups'], token: 'id' | 'access'): JWTPayload {
  const out: JWTPayload = { ...claims };
  if (groups) {
    for (const key of ['cognito:groups', 'cognito:roles', 'cognito:preferred_role']) delete out[key];
    if (groups.names.length > 0) out['cognito:groups'] = groups.names;
    if (token === 'id' && groups.roles.length > 0) out['cognito:roles'] = groups.roles;
    if (token === 'id' && groups.preferredRole) out['cognito:preferred_role'] = groups.preferredRole;
  }
  for (const [name, value] of Object.entries(changes.add)) if (!PROTECTED.has(name)) out[name] = value;
  for (const name of changes.suppress) if (!PROTECTED.has(name)) delete out[name];
  return out;
}

/** The access token's scope after scopesToAdd / scopesToSuppress. */
export function applyScopes(scope: string, overrides: TokenOverrides['access']): string {
  const scopes = scope.split(' ').filter(Boolean).filter((s) => !overrides.scopesToSuppress.includes(s));
  for (const added of overrides.scopesToAdd) if (!scopes.includes(added)) scopes.push(added);
  return scopes.join(' ');
}

function changes(part: Record<string, unknown>): ClaimChanges {
  return { add: record(part.claimsToAddOrOverride) ?? {}, suppress: strings(part.claimsToSuppress) };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
