import { readFileSync } from 'node:fs';
import { yamlParse } from 'yaml-cfn';

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

export function loadTemplate(path: string): Template {
  const template = yamlParse(readFileSync(path, 'utf8')) as Template;
  if (!template || typeof template !== 'object' || !template.Resources) {
    throw new Error(`${path} is not a CloudFormation template (no Resources)`);
  }
  return template;
}
