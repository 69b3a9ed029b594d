import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Jenkins xUnit JUnit schema, copied into the repo so CI needs no network. */
export const JUNIT_XSD = fileURLToPath(new URL('../fixtures/junit-10.xsd', import.meta.url));

/**
 * Checks a document with the real xmllint: well-formedness, plus validity against `schema`
 * when one is given. A missing xmllint is a failure
 * with the install hint, never a skip: a skipped schema check would let CI-breaking JUnit land.
 */
export function xmllintValidate(xml: string, schema?: string): { readonly valid: boolean; readonly output: string } {
  const result = spawnSync('xmllint', ['--noout', ...(schema ? ['--schema', schema] : []), '-'], { input: xml, encoding: 'utf8', timeout: 20_000 });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error('xmllint is not installed; install it with `apt-get install libxml2-utils` (CI does) to validate JUnit output');
    }
    throw result.error;
  }
  return { valid: result.status === 0, output: `${result.stdout}${result.stderr}` };
}
