import type { z } from 'zod';

/** Bad drill, environment or flags: reported with the path of each bad field; nothing was changed. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`${source} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }

  static fromZod(source: string, error: z.ZodError): InvalidInputError {
    return new InvalidInputError(source, error.issues.map(describeIssue));
  }
}

/** `faults[1].target.region: expected one of "primary" | "secondary", got "east"` */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  const where = path === '' ? '(top level)' : path;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return `${where}: required (expected ${issue.expected})`;
  }
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    // A discriminated union (injector, assertion): say which values are known.
    return `${where}: expected one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${where}: ${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}
