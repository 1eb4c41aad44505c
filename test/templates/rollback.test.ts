import { loadSystem, type System } from '../../local/template/system';
import type { ResolvedStack } from '../../local/template/stack';
import { ROOT } from './model';
import { samTest, samTranslator, translate, type CfnResource, type CfnTemplate } from './samTransform';

/**
 * A failed first create must end in ROLLBACK_COMPLETE with nothing left. Rehearsed on the processed templates with
 * CloudFormation's documented rules (aws-behaviour.md, "CloudFormation attributes and lifecycle"):
 * - a resource is created only after every resource it names (Ref, Fn::GetAtt, Fn::Sub) or DependsOn, and may be
 *   created in parallel with anything else;
 * - when one fails, the rollback deletes every resource that exists then; `DeletionPolicy: Retain` leaves one
 *   behind, `RetainExceptOnCreate` and `Delete` delete it;
 * - a DynamoDB table with `DeletionProtectionEnabled` or a user pool with `DeletionProtection: ACTIVE` refuses that
 *   delete, and the stack ends ROLLBACK_FAILED.
 * So for every resource that can fail, no protected resource may exist when it does.
 */

/** What CloudFormation knows of the stack before creating anything: its conditions and parameter values. */
interface Known {
  conditions: Record<string, boolean>;
  parameters: Record<string, unknown>;
}

interface Variant {
  label: string;
  system: System;
  stack: (system: System) => ResolvedStack;
}

const variants: Variant[] = [
  { label: 'api (samconfig)', system: loadSystem({ rootDir: ROOT }), stack: (s) => s.api },
  { label: 'api, EnableCloudFront=true', system: loadSystem({ rootDir: ROOT, apiParameters: { EnableCloudFront: 'true' } }), stack: (s) => s.api },
  { label: 'auth (samconfig)', system: loadSystem({ rootDir: ROOT }), stack: (s) => s.auth },
  {
    label: 'auth, logs role, auto-confirm, own domain prefix',
    system: loadSystem({
      rootDir: ROOT,
      authParameters: { ConfigureApiGatewayLogsRole: 'true', AllowSelfSignUp: 'true', AutoConfirmSelfSignUp: 'true', DomainPrefix: 'links-login' },
    }),
    stack: (s) => s.auth,
  },
];

/**
 * Failure points that may happen while a protected resource exists, each with why it cannot fail from parameters,
 * account state or names (or how that is checked before the first deploy).
 */
function whyItCannotFail(type: string, stack: ResolvedStack): string | undefined {
  switch (type) {
    case 'AWS::Lambda::Permission':
      return 'has no name and takes no parameter: a new function\'s resource policy';
    case 'AWS::SSM::Parameter':
      return 'its name is under /<stack name>/, checked free by `npm run preflight` before the first deploy';
    case 'AWS::Cognito::UserPoolDomain':
      return stack.parameters.DomainPrefix === ''
        ? 'the derived prefix login-<stack id UUID> is valid (lowercase hex, no reserved word, 42 characters) and unique'
        : 'an explicit prefix is checked by AllowedPattern (format, reserved words), and checked free by `npm run preflight`';
    default:
      return undefined;
  }
}

/** Fn::If resolved with the stack's conditions and Refs to parameters with their values; everything else as written. */
function chosen(node: unknown, known: Known): unknown {
  if (Array.isArray(node)) return node.map((item) => chosen(item, known));
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>);
  if (entries.length === 1 && entries[0]![0] === 'Fn::If') {
    const [name, whenTrue, whenFalse] = entries[0]![1] as [string, unknown, unknown];
    if (!(name in known.conditions)) throw new Error(`unknown condition ${name}`);
    return chosen(known.conditions[name] ? whenTrue : whenFalse, known);
  }
  if (entries.length === 1 && entries[0]![0] === 'Ref' && Object.hasOwn(known.parameters, String(entries[0]![1]))) {
    return known.parameters[String(entries[0]![1])];
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, chosen(v, known)]));
}

/** The resources a value names: Ref, Fn::GetAtt, and ${X} / ${X.Attr} in Fn::Sub (minus the Sub's own variables). */
function named(node: unknown, resources: ReadonlySet<string>, into: Set<string>): void {
  if (Array.isArray(node)) return node.forEach((item) => named(item, resources, into));
  if (node === null || typeof node !== 'object') return;
  for (const [key, arg] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'Ref' && typeof arg === 'string' && resources.has(arg)) into.add(arg);
    else if (key === 'Fn::GetAtt') {
      const logicalId = Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0]!;
      if (resources.has(logicalId)) into.add(logicalId);
    } else if (key === 'Fn::Sub') {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
      for (const match of String(text).matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = match[1]!.split('.')[0]!;
        if (!(name in (vars ?? {})) && resources.has(name)) into.add(name);
      }
      named(vars, resources, into);
    } else named(arg, resources, into);
  }
}

interface Rehearsal {
  included: string[];
  resources: Record<string, CfnResource>;
  /** Resources each one waits for (directly). */
  after: Record<string, Set<string>>;
  protectedAtCreate: (id: string) => boolean;
  leftBehindOnRollback: (id: string) => boolean;
}

function rehearse(template: CfnTemplate, stack: ResolvedStack): Rehearsal {
  const known: Known = { conditions: stack.conditions, parameters: stack.parameters };
  const included = Object.entries(template.Resources).filter(([, r]) => r.Condition === undefined || known.conditions[r.Condition]).map(([id]) => id);
  const set = new Set(included);
  const resources = Object.fromEntries(included.map((id) => [id, template.Resources[id]!]));
  const after: Record<string, Set<string>> = {};
  for (const id of included) {
    const r = resources[id]!;
    const deps = new Set<string>();
    named(chosen(r.Properties ?? {}, known), set, deps);
    for (const d of ([] as string[]).concat(r.DependsOn ?? [])) {
      if (!set.has(d)) throw new Error(`${id} DependsOn ${d}, which is not created (CloudFormation refuses the template)`);
      deps.add(d);
    }
    after[id] = deps;
  }
  const props = (id: string) => chosen(resources[id]!.Properties ?? {}, known) as Record<string, unknown>;
  const policy = (id: string) => chosen(resources[id]!.DeletionPolicy ?? 'Delete', known);
  return {
    included,
    resources,
    after,
    protectedAtCreate: (id) => {
      const { Type } = resources[id]!;
      if (Type === 'AWS::DynamoDB::Table') return props(id).DeletionProtectionEnabled === true || props(id).DeletionProtectionEnabled === 'true';
      if (Type === 'AWS::Cognito::UserPool') return props(id).DeletionProtection === 'ACTIVE';
      return false;
    },
    leftBehindOnRollback: (id) => policy(id) === 'Retain',
  };
}

function ancestors(rehearsal: Rehearsal, id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (current: string) => {
    for (const dep of rehearsal.after[current] ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      visit(dep);
    }
  };
  visit(id);
  return seen;
}

describe('a failed first create rolls back completely (processed templates, CloudFormation ordering rules)', () => {
  const rehearsals: Record<string, Rehearsal> = {};
  const variantStacks = variants.map((v) => ({ ...v, resolved: v.stack(v.system) }));

  beforeAll(async () => {
    if (!samTranslator.ok) return;
    const results = await Promise.all(variantStacks.map((v) => translate(v.system, v.resolved)));
    results.forEach((template, i) => { rehearsals[variantStacks[i]!.label] = rehearse(template, variantStacks[i]!.resolved); });
  }, 180_000);

  const rehearsal = (label: string): Rehearsal => {
    const found = rehearsals[label];
    if (!found) throw new Error(`${label} was not translated`);
    return found;
  };

  samTest('the deployed defaults protect the pool and the table (so the rules below are not vacuous)', () => {
    expect(rehearsal('api (samconfig)').included.filter((id) => rehearsal('api (samconfig)').protectedAtCreate(id))).toEqual(['LinksTable']);
    expect(rehearsal('auth (samconfig)').included.filter((id) => rehearsal('auth (samconfig)').protectedAtCreate(id))).toEqual(['UserPool']);
  });

  for (const variant of variantStacks) {
    samTest(`${variant.label}: whatever fails, every resource that can exist then is deletable`, () => {
      const r = rehearsal(variant.label);
      const problems: string[] = [];
      for (const failing of r.included) {
        // Existing (or being created) when `failing` fails: everything that does not wait for it.
        const mayExist = r.included.filter((id) => id !== failing && !ancestors(r, id).has(failing));
        const blocking = mayExist.filter((id) => r.protectedAtCreate(id));
        if (blocking.length === 0) continue;
        const reason = whyItCannotFail(r.resources[failing]!.Type, variant.resolved);
        if (reason === undefined) problems.push(`${failing} (${r.resources[failing]!.Type}) can fail while ${blocking.join(', ')} exists`);
      }
      expect(problems).toEqual([]);
    });

    samTest(`${variant.label}: a failed create leaves nothing behind but the account's logs role`, () => {
      const r = rehearsal(variant.label);
      // The account's API Gateway logs setting points at the role as soon as ApiGatewayAccount exists; deleting the
      // role would leave the account pointing at nothing. Both are kept, on purpose, and only when asked for.
      expect(r.included.filter((id) => r.leftBehindOnRollback(id)).sort()).toEqual(
        variant.resolved.parameters.ConfigureApiGatewayLogsRole === 'true' ? ['ApiGatewayAccount', 'ApiGatewayLogsRole'] : [],
      );
    });
  }

  samTest('api: the stage that fails without the account\'s logs role, the Cognito resources a shared pool can refuse and the distribution all come before the table', () => {
    const cloudFront = rehearsal('api, EnableCloudFront=true');
    const stages = cloudFront.included.filter((id) => cloudFront.resources[id]!.Type === 'AWS::ApiGateway::Stage');
    expect(stages).toHaveLength(1);
    expect(cloudFront.resources[stages[0]!]!.Properties?.AccessLogSetting).toBeDefined();
    const before = ancestors(cloudFront, 'LinksTable');
    for (const id of [...stages, 'ApiDistribution', 'ResourceServer', 'M2MClient', 'ReadOnlyClient', 'UserClient', 'AuthStackReference']) {
      expect({ id, beforeTable: before.has(id) }).toEqual({ id, beforeTable: true });
    }
    // Every function, role and log group too: only the routes' invoke permissions may run alongside the table.
    const alongside = cloudFront.included.filter((id) => id !== 'LinksTable' && !before.has(id));
    expect([...new Set(alongside.map((id) => cloudFront.resources[id]!.Type))]).toEqual(['AWS::Lambda::Permission']);
  });

  samTest('auth: the account logs setting and the PreSignUp function fail, if at all, before the pool exists', () => {
    const r = rehearsal('auth, logs role, auto-confirm, own domain prefix');
    const before = ancestors(r, 'UserPool');
    for (const id of ['ApiGatewayAccount', 'ApiGatewayLogsRole', 'PreSignUpFunction', 'PreSignUpLogGroup']) {
      expect({ id, beforePool: before.has(id) }).toEqual({ id, beforePool: true });
    }
  });
});
