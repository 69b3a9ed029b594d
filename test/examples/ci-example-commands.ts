import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** The CI examples users copy; `drdrill init` scaffolds them under these names. */
export const CI_EXAMPLES = {
  github: { shipped: 'examples/ci/github-actions.yml', scaffolded: '.github/workflows/drdrill.yml' },
  gitlab: { shipped: 'examples/ci/gitlab-ci.yml', scaffolded: 'ci/gitlab-ci.yml' },
  jenkins: { shipped: 'examples/ci/Jenkinsfile', scaffolded: 'ci/Jenkinsfile' },
} as const;

export type CiExample = keyof typeof CI_EXAMPLES;

/** The shell lines an example runs that involve drdrill or its reports, and the variables it sets. */
export interface ExampleCommands {
  readonly variables: Readonly<Record<string, string>>;
  readonly commands: readonly string[];
}

const RELEVANT = /drdrill|summary\.md/;

/** Reads an example's variables and its drdrill shell lines, as the CI system would run them. */
export async function exampleCommands(example: CiExample, file: string): Promise<ExampleCommands> {
  const text = await readFile(file, 'utf8');
  if (example === 'jenkins') {
    const environment = /environment\s*\{([^}]*)\}/.exec(text)?.[1] ?? '';
    const variables = Object.fromEntries([...environment.matchAll(/(\w+)\s*=\s*'([^']*)'/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const commands = [...text.matchAll(/^\s*sh '([^']*)'/gm)].map((m) => m[1] ?? '').filter((line) => RELEVANT.test(line));
    return { variables, commands };
  }
  const document = parse(text) as Record<string, unknown>;
  if (example === 'github') {
    const jobs = Object.values((document.jobs ?? {}) as Record<string, { steps?: { run?: string }[] }>);
    const commands = jobs.flatMap((job) => (job.steps ?? []).flatMap((step) => (step.run === undefined ? [] : [step.run]))).filter((line) => RELEVANT.test(line));
    return { variables: stringValues(document.env), commands };
  }
  const jobs = Object.values(document).filter((job): job is { script: string[]; variables?: unknown } => typeof job === 'object' && job !== null && 'script' in job);
  return {
    variables: Object.assign({}, ...jobs.map((job) => stringValues(job.variables))) as Record<string, string>,
    commands: jobs.flatMap((job) => job.script).filter((line) => RELEVANT.test(line)),
  };
}

function stringValues(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
