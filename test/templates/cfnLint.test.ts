import { relative } from 'node:path';
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

describe('cfn-lint', () => {
  for (const stack of STACK_KEYS) {
    lintTest(`${relative(ROOT, STACK_TEMPLATES[stack])} has no cfn-lint errors`, async () => {
      const result = await run(CFN_LINT, ['--format', 'json', '--', STACK_TEMPLATES[stack]], { cwd: ROOT });
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
