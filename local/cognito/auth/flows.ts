import type { ClientConfig } from '../config';
import { invalidParameter, messages } from '../errors';

/** AuthFlow values AWS accepts (its enum); the ones the local Cognito does not emulate are refused by name. */
export const AUTH_FLOWS = [
  'USER_SRP_AUTH',
  'REFRESH_TOKEN_AUTH',
  'REFRESH_TOKEN',
  'CUSTOM_AUTH',
  'ADMIN_NO_SRP_AUTH',
  'USER_PASSWORD_AUTH',
  'ADMIN_USER_PASSWORD_AUTH',
  'USER_AUTH',
] as const;
export type AuthFlow = (typeof AUTH_FLOWS)[number];

/** ExplicitAuthFlows that enable each flow: the ALLOW_ names and the legacy names they replaced. */
const ENABLED_BY = {
  user: ['ALLOW_USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH'],
  admin: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH'],
  refresh: ['ALLOW_REFRESH_TOKEN_AUTH'],
  srp: ['ALLOW_USER_SRP_AUTH'],
} as const;

export function assertUserPasswordFlow(client: ClientConfig): void {
  if (!enabled(client, ENABLED_BY.user)) throw invalidParameter(messages.userPasswordFlowDisabled);
}

export function assertAdminPasswordFlow(client: ClientConfig): void {
  if (!enabled(client, ENABLED_BY.admin)) throw invalidParameter(messages.adminFlowDisabled);
}

export function assertSrpFlow(client: ClientConfig): void {
  // Clients still on the legacy flow names always allowed SRP; ALLOW_* clients must list it.
  if (!usesLegacyNames(client) && !enabled(client, ENABLED_BY.srp)) throw invalidParameter(messages.srpFlowDisabled);
}

function usesLegacyNames(client: ClientConfig): boolean {
  return client.explicitAuthFlows.length > 0 && client.explicitAuthFlows.every((flow) => !flow.startsWith('ALLOW_'));
}

export function assertRefreshFlow(client: ClientConfig): void {
  // Clients still on the legacy flow names always allowed refresh; ALLOW_* clients must list it.
  if (!usesLegacyNames(client) && !enabled(client, ENABLED_BY.refresh)) throw invalidParameter(messages.refreshFlowDisabled);
}

export function notEmulated(flow: AuthFlow): never {
  throw invalidParameter(`${flow} is not supported by the local Cognito (it emulates password and refresh-token flows)`);
}

function enabled(client: ClientConfig, names: readonly string[]): boolean {
  return client.explicitAuthFlows.some((flow) => names.includes(flow));
}
