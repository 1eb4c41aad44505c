import { join, relative } from 'node:path';
import { ROOT, STACK_KEYS, STACK_TEMPLATES } from './model';
import { CFN_LINT, probe, run, testWithTool } from '../support/tools';

/** One cfn-lint finding in its JSON output format. */
interface Finding {
  Level: 'Error' | 'Warning' | 'Informational' | string;
  Message: string;
  Rule: { Id: string };
  Filename: string;
  Location: { Start: { LineNumber: number; ColumnNumber: number } };
}

const cfnLint = probe('cfn-lint', CFN_LINT, ['--version']);
const lintTest = testWithTool(cfnLint, 'Install it with `pip install cfn-lint`.');

const format = (f: Finding) => `${relative(ROOT, f.Filename)}:${f.Location.Start.LineNumber}:${f.Location.Start.ColumnNumber} ${f.Rule.Id} ${f.Message}`;

/**
 * The fixture projects' templates (test/fixtures/<shape>/…): SAM templates of other shapes the twin runs. They must be
 * templates CloudFormation would take, or the twin would be tested against shapes nobody can deploy.
 */
const FIXTURE_TEMPLATES = ['http-api-jwt', 'lambda-authorizers', 'implicit-api', 'definition-body']
  .flatMap((name) => ['auth-stack', 'api-stack'].map((stack) => join(ROOT, 'test', 'fixtures', name, stack, 'template.yaml')))
  .concat(['single-template/template.yaml', 'nested-app/template.yaml', 'nested-app/backend/template.yaml'].map((path) => join(ROOT, 'test', 'fixtures', path)));

describe('cfn-lint', () => {
  for (const template of [...STACK_KEYS.map((stack) => STACK_TEMPLATES[stack]), ...FIXTURE_TEMPLATES]) {
    lintTest(`${relative(ROOT, template)} has no cfn-lint errors`, async () => {
      const result = await run(CFN_LINT, ['--format', 'json', '--', template], { cwd: ROOT });
      let findings: Finding[];
      try {
        findings = JSON.parse(result.stdout || '[]') as Finding[];
      } catch {
        throw new Error(`cfn-lint (exit ${result.code}) did not print JSON:\n${result.stdout}\n${result.stderr}`);
      }
      // Exit codes are a bit mask (2 error, 4 warning, 8 informational); anything else means cfn-lint itself failed.
      expect({ exit: result.code & ~(2 | 4 | 8), stderr: result.code & ~(2 | 4 | 8) ? result.stderr : '' }).toEqual({ exit: 0, stderr: '' });
      const notes = findings.filter((f) => f.Level !== 'Error');
      if (notes.length) console.warn(`cfn-lint ${cfnLint.version}: ${notes.length} non-error finding(s)\n${notes.map((f) => `  [${f.Level}] ${format(f)}`).join('\n')}`);
      expect(findings.filter((f) => f.Level === 'Error').map(format)).toEqual([]);
    }, 120_000);
  }
});
