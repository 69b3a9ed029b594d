import { readFile } from 'node:fs/promises';
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from '@actions/workflow-parser';
import { expect } from 'chai';
import { parse } from 'yaml';
import { CI_EXAMPLES, exampleCommands } from './ci-example-commands.ts';

/** GitHub's own workflow parser (the one behind the Actions VS Code extension): schema, expressions, contexts. */
async function lintWorkflow(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value === undefined) return [...errors, 'the workflow did not parse'];
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((error) => error.Message)];
}

describe('CI examples', () => {
  it('the GitHub Actions workflow passes GitHub\'s workflow parser', async () => {
    const content = await readFile(CI_EXAMPLES.github.shipped, 'utf8');
    expect(await lintWorkflow('drdrill.yml', content)).to.deep.equal([]);
  });

  it('the workflow linter rejects a misspelt key, so a clean result means something', async () => {
    const content = (await readFile(CI_EXAMPLES.github.shipped, 'utf8')).replace('- run: npm ci', '- runn: npm ci');
    expect((await lintWorkflow('broken.yml', content)).join('\n')).to.include("Unexpected value 'runn'");
  });

  it('GitHub: nightly and manual, OIDC, drdrill run --yes, reports uploaded, JUnit published, summary.md in the step summary', async () => {
    const workflow = parse(await readFile(CI_EXAMPLES.github.shipped, 'utf8')) as {
      on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
    };
    expect(workflow.on.schedule[0]?.cron).to.match(/^\S+ \S+ \* \* \*$/);
    expect(workflow.on).to.have.property('workflow_dispatch');
    expect(workflow.permissions['id-token']).to.equal('write');
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    expect(steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials') === true && s.with?.['role-to-assume'] !== undefined)).to.equal(true);
    expect(steps.some((s) => /drdrill run .*--yes/.test(s.run ?? ''))).to.equal(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/upload-artifact') === true && s.with?.path === 'reports/')).to.equal(true);
    expect(steps.some((s) => String(s.with?.report_paths ?? '').endsWith('junit.xml'))).to.equal(true);
    expect(steps.some((s) => /summary\.md >> "\$GITHUB_STEP_SUMMARY"/.test(s.run ?? ''))).to.equal(true);
  });

  it('GitLab: the job publishes JUnit through artifacts:reports:junit', async () => {
    const pipeline = parse(await readFile(CI_EXAMPLES.gitlab.shipped, 'utf8')) as Record<string, { script?: string[]; artifacts?: { when?: string; reports?: { junit?: string } } }>;
    const job = Object.values(pipeline).find((candidate) => candidate.script !== undefined);
    expect(job?.artifacts?.reports?.junit).to.equal('reports/*/*/junit.xml');
    expect(job?.artifacts?.when).to.equal('always');
  });

  it('Jenkins: a junit step over the reports, always', async () => {
    const text = await readFile(CI_EXAMPLES.jenkins.shipped, 'utf8');
    expect(text).to.match(/post\s*\{\s*always\s*\{\s*junit testResults: 'reports\/\*\/\*\/junit\.xml'/);
  });

  it('every example validates the drills, then runs them with --yes over DRDRILL_DRILLS in DRDRILL_ENV', async () => {
    for (const example of ['github', 'gitlab', 'jenkins'] as const) {
      const { variables, commands } = await exampleCommands(example, CI_EXAMPLES[example].shipped);
      expect(commands.filter((c) => c.includes('drdrill')), example).to.deep.equal(['npx drdrill list', 'npx drdrill run $DRDRILL_DRILLS --env "$DRDRILL_ENV" --yes --out reports']);
      expect(variables.DRDRILL_DRILLS, example).to.equal('drills/sandbox/*.drill.ts');
    }
  });
});
