import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

/** What the twin needs from one samconfig.toml config env: the names and overrides `sam deploy` uses. */
export interface DeployConfig {
  /** The source template `sam build` reads (build.parameters.template_file), relative to samconfig.toml. */
  templateFile?: string;
  stackName?: string;
  region?: string;
  parameterOverrides: Record<string, string>;
}

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

/** The `auth` and `api` config envs of samconfig.toml (empty when there is no such file). */
export function readDeployConfigs(samconfigPath: string): { auth: DeployConfig; api: DeployConfig } {
  const doc = existsSync(samconfigPath) ? (parse(readFileSync(samconfigPath, 'utf8')) as Samconfig) : {};
  return { auth: deployConfigOf(doc, 'auth'), api: deployConfigOf(doc, 'api') };
}

function deployConfigOf(doc: Samconfig, configEnv: string): DeployConfig {
  const env = doc[configEnv] ?? {};
  const merged: Record<string, unknown> = { ...env.global?.parameters, ...env.deploy?.parameters };
  const overrides = merged.parameter_overrides;
  const templateFile = env.build?.parameters?.template_file ?? env.global?.parameters?.template_file;
  return {
    templateFile: typeof templateFile === 'string' ? templateFile : undefined,
    stackName: typeof merged.stack_name === 'string' ? merged.stack_name : undefined,
    region: typeof merged.region === 'string' ? merged.region : undefined,
    parameterOverrides: Array.isArray(overrides)
      ? parseParameterOverrides(overrides.join(' '))
      : typeof overrides === 'string' ? parseParameterOverrides(overrides) : {},
  };
}
