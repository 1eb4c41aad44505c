import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { schema, yamlParse } from 'yaml-cfn';

/** A CloudFormation/SAM template as parsed, short-form tags (!Ref, !Sub…) turned into long form. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Transform?: string | string[];
  Parameters?: Record<string, TemplateParameter>;
  Conditions?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string; Condition?: string; Export?: { Name: unknown } }>;
}

export interface TemplateParameter {
  Type: string;
  Default?: string | number;
  AllowedValues?: (string | number)[];
  AllowedPattern?: string;
  MinValue?: number;
  MaxValue?: number;
  NoEcho?: boolean;
}

export interface TemplateResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: unknown;
  UpdateReplacePolicy?: unknown;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/**
 * Parses a template as `sam build` and `sam deploy` read it. PyYAML, which the SAM CLI and the SAM translator use,
 * keeps the last of duplicated keys where js-yaml refuses them. The twin does the same, and says so in `warnings`:
 * cfn-lint reports duplicates as an error (E0000), so the template deserves a fix.
 */
export function loadTemplate(path: string, warnings: string[] = []): Template {
  const text = readFileSync(path, 'utf8');
  let template: Template;
  try {
    template = yamlParse(text) as Template;
  } catch (error) {
    const message = (error as Error).message;
    if (!/duplicated mapping key/.test(message)) throw error;
    template = load(text, { schema, json: true }) as Template;
    warnings.push(`${path}: ${message.split('\n')[0]}: the last value is used, as SAM's YAML reader does (cfn-lint reports it as E0000)`);
  }
  if (!template || typeof template !== 'object' || !template.Resources) {
    throw new Error(`${path} is not a CloudFormation template (no Resources)`);
  }
  return template;
}
