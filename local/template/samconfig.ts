import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'smol-toml';

/** What the twin needs from one samconfig.toml config env: the names and overrides `sam deploy` uses. */
export interface DeployConfig {
  /** The config env's name (`sam deploy --config-env <name>`). */
  configEnv: string;
  /** The source template `sam build` reads (build.parameters.template_file), relative to samconfig.toml. */
  templateFile?: string;
  stackName?: string;
  region?: string;
  parameterOverrides: Record<string, string>;
}

/** The config env of the shared auth stack; every other env that names a stack or template is an API stack. */
export const AUTH_CONFIG_ENV = 'auth';
/** The API env the single-API tools (banner, token CLI, Postman) mean when not told otherwise. */
export const DEFAULT_API_CONFIG_ENV = 'api';

export interface DeployConfigs {
  auth: DeployConfig;
  /** The default API env (`api`, or the first API env in the file). */
  api: DeployConfig;
  /** Every API env, the default first, then in file order. */
  apis: DeployConfig[];
  /**
   * One template holds everything (SAM's usual layout: no `auth` env, no auth-stack/template.yaml): auth, api and
   * apis[0] are the same config env, `default` unless the file has only others.
   */
  singleStack: boolean;
}

/** Where `sam build` looks for a template when none is named (`sam build --template-file`'s default). */
export const DEFAULT_TEMPLATES = ['template.yaml', 'template.yml', 'template.json'];
/** The config env `sam deploy` uses without `--config-env`. */
export const SAM_DEFAULT_CONFIG_ENV = 'default';

/** Parses `Key=Value Key2="value with spaces"` as the SAM CLI does. */
export function parseParameterOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  const pattern = /([A-Za-z0-9]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const match of text.matchAll(pattern)) {
    const [, key, raw = ''] = match;
    if (!key) continue;
    overrides[key] = /^["']/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return overrides;
}

type Samconfig = Record<string, Record<string, { parameters?: Record<string, unknown> }>>;

/**
 * The auth env and every API env of samconfig.toml; the default API is `api` when there is one, else the
 * first. Without a file (or without API envs) an `api` env stands alone with no overrides. A project with no
 * `auth` env and no auth-stack/template.yaml, but a template.yaml beside samconfig.toml, is one stack
 * (`singleStack`).
 */
export function readDeployConfigs(samconfigPath: string): DeployConfigs {
  const doc = existsSync(samconfigPath) ? (parse(readFileSync(samconfigPath, 'utf8')) as Samconfig) : {};
  const dir = dirname(samconfigPath);
  const twoStacks = namesAStack(doc[AUTH_CONFIG_ENV]) || existsSync(join(dir, 'auth-stack', 'template.yaml'));
  const namedTemplate = Object.values(doc).some((env) => typeof env?.build?.parameters?.template_file === 'string' || typeof env?.global?.parameters?.template_file === 'string');
  if (!twoStacks && (namedTemplate || DEFAULT_TEMPLATES.some((name) => existsSync(join(dir, name))))) {
    // One template, SAM's usual layout: the twin runs the env `sam deploy` would use without --config-env.
    const envs = Object.keys(doc).filter((name) => namesAStack(doc[name]) || name === SAM_DEFAULT_CONFIG_ENV);
    const env = envs.includes(SAM_DEFAULT_CONFIG_ENV) || envs.length === 0 ? SAM_DEFAULT_CONFIG_ENV : envs[0]!;
    const config = deployConfigOf(doc, env);
    return { auth: config, api: config, apis: [config], singleStack: true };
  }
  const apiEnvs = Object.keys(doc).filter((name) => name !== AUTH_CONFIG_ENV && namesAStack(doc[name]));
  if (apiEnvs.length === 0) apiEnvs.push(DEFAULT_API_CONFIG_ENV);
  const first = apiEnvs.includes(DEFAULT_API_CONFIG_ENV) ? DEFAULT_API_CONFIG_ENV : apiEnvs[0]!;
  const ordered = [first, ...apiEnvs.filter((name) => name !== first)];
  const apis = ordered.map((name) => deployConfigOf(doc, name));
  return { auth: deployConfigOf(doc, AUTH_CONFIG_ENV), api: apis[0]!, apis, singleStack: false };
}

function namesAStack(env: Samconfig[string] | undefined): boolean {
  if (!env || typeof env !== 'object') return false;
  return Object.values(env).some((command) => {
    const parameters = command?.parameters ?? {};
    return typeof parameters.stack_name === 'string' || typeof parameters.template_file === 'string';
  });
}

function deployConfigOf(doc: Samconfig, configEnv: string): DeployConfig {
  const env = doc[configEnv] ?? {};
  const merged: Record<string, unknown> = { ...env.global?.parameters, ...env.deploy?.parameters };
  const overrides = merged.parameter_overrides;
  const templateFile = env.build?.parameters?.template_file ?? env.global?.parameters?.template_file;
  return {
    configEnv,
    templateFile: typeof templateFile === 'string' ? templateFile : undefined,
    stackName: typeof merged.stack_name === 'string' ? merged.stack_name : undefined,
    region: typeof merged.region === 'string' ? merged.region : undefined,
    parameterOverrides: Array.isArray(overrides)
      ? parseParameterOverrides(overrides.join(' '))
      : typeof overrides === 'string' ? parseParameterOverrides(overrides) : {},
  };
}
