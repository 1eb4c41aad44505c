/**
 * The real SAM transform (aws-sam-translator, the library CloudFormation's AWS::Serverless transform runs), offline.
 * test/templates/sam_translate.py applies what runs before it (`sam package`), and gets the parameter values
 * CloudFormation would pass: samconfig overrides, SSM-typed parameters resolved through the auth stack's published
 * parameters (loadSystem).
 */
import { join, relative } from 'node:path';
import type { TemplateResource } from '../../local/template/load';
import type { System } from '../../local/template/system';
import type { ResolvedStack } from '../../local/template/stack';
import { ROOT } from './model';
import { probe, PYTHON, run, testWithTool } from '../support/tools';

/** A resource of the processed template: the same shape the twin reads from the sources. */
export type CfnResource = TemplateResource;
export interface CfnTemplate {
  Transform?: unknown;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
}

export const samTranslator = probe('aws-sam-translator (python)', PYTHON, ['-c', 'import samtranslator; print(samtranslator.__version__)']);
export const samTest = testWithTool(samTranslator, 'Install it with `pip install aws-sam-translator` (PYTHON=... picks the interpreter).');

const SCRIPT = join(__dirname, 'sam_translate.py');

export function parameterValues(stack: ResolvedStack): Record<string, string> {
  return Object.fromEntries(Object.entries(stack.parameters).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
}

export async function translate(system: System, stack: ResolvedStack): Promise<CfnTemplate> {
  const request = { template: stack.templatePath, parameters: parameterValues(stack), region: system.region };
  const result = await run(PYTHON, [SCRIPT], { input: JSON.stringify(request), cwd: ROOT });
  if (result.code !== 0) throw new Error(`SAM transform of ${relative(ROOT, stack.templatePath)} failed (exit ${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as CfnTemplate;
}
