import { constants } from 'node:fs';
import { access, appendFile, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILE } from '../config/load-config.ts';
import { REPORTERS } from '../config/drdrill-config.ts';
import { EXIT_CODES } from '../runner/run-record.ts';
import type { CliIo } from './cli-io.ts';

/** This package's root (src/cli or dist/cli, two levels up): the scaffold copies files it ships. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One file `drdrill init` writes: copied from a file this package ships (and tests), or generated. */
interface ScaffoldFile {
  readonly path: string;
  readonly from?: string;
  readonly text?: string;
}

const CONFIG_TEXT = `import { defineConfig } from 'drdrill';

/** Read by every drdrill command run from this folder; each field may be left out. */
export const config = defineConfig({
  drills: 'drills', // what \`drdrill list\` reads
  environments: 'drills/environments', // --env <name> loads <name>.ts from here
  reports: 'reports', // drdrill run writes reports/<drill>/<run-id>/
  state: '.drdrill', // run journals: \`drdrill recover\` undoes what a dead run left
  defaultEnvironment: 'sandbox', // --env when none is given
  reporters: [${REPORTERS.map((reporter) => `'${reporter}'`).join(', ')}], // run.json and the manifest are always written
});
`;

const TSCONFIG_TEXT = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true
  },
  "include": ["drills", "${CONFIG_FILE}"]
}
`;

/** Lines .gitignore needs: reports and run journals are outputs, not sources. */
const GITIGNORE_LINES = ['reports/', '.drdrill/'];

/** What init writes; every one of these must be absent. */
const SCAFFOLD: readonly ScaffoldFile[] = [
  { path: CONFIG_FILE, text: CONFIG_TEXT },
  { path: 'drills/sandbox/primary-lambda-throttle.drill.ts', from: 'drills/sandbox/primary-lambda-throttle.drill.ts' },
  { path: 'drills/aws/primary-lambda-throttle.drill.ts', from: 'drills/aws/primary-lambda-throttle.drill.ts' },
  { path: 'drills/environments/aws.example.ts', from: 'drills/environments/aws.example.ts' },
  { path: '.github/workflows/drdrill.yml', from: 'examples/ci/github-actions.yml' },
  { path: 'ci/gitlab-ci.yml', from: 'examples/ci/gitlab-ci.yml' },
  { path: 'ci/Jenkinsfile', from: 'examples/ci/Jenkinsfile' },
];

/**
 * `drdrill init [dir]`: scaffolds a repository. Never overwrites: when any file it would write
 * exists, it names every such file, writes nothing and exits 2. A tsconfig.json is added only when
 * there is none; .gitignore gets the lines it lacks.
 */
export async function initCommand(options: { readonly dir: string }, io: CliIo): Promise<number> {
  const root = path.resolve(options.dir);
  const existing = (await Promise.all(SCAFFOLD.map(async (file) => ((await exists(path.join(root, file.path))) ? file.path : undefined)))).filter(
    (file): file is string => file !== undefined,
  );
  if (existing.length > 0) {
    io.err(`drdrill init: ${existing.length === 1 ? 'this file exists' : 'these files exist'} in ${root}, so nothing was written:\n${existing.map((file) => `  ${file}`).join('\n')}\nmove ${existing.length === 1 ? 'it' : 'them'} aside, or init another folder.`);
    return EXIT_CODES['bad-input'];
  }
  const written: string[] = [];
  for (const file of SCAFFOLD) {
    const target = path.join(root, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    if (file.from === undefined) await writeFile(target, file.text ?? '', { flag: 'wx' });
    else await copyFile(path.join(PACKAGE_ROOT, file.from), target, constants.COPYFILE_EXCL);
    written.push(file.path);
  }
  if (!(await exists(path.join(root, 'tsconfig.json')))) {
    await writeFile(path.join(root, 'tsconfig.json'), TSCONFIG_TEXT, { flag: 'wx' });
    written.push('tsconfig.json');
  }
  if (await addGitignoreLines(path.join(root, '.gitignore'))) written.push('.gitignore');
  io.out(`drdrill init: wrote in ${root}\n${written.map((file) => `  ${file}`).join('\n')}\n\nnext:\n  npx drdrill run drills/sandbox/primary-lambda-throttle.drill.ts   # no AWS account needed\n  npx drdrill discover --record <api.example.com> --env-name staging  # an environment from your account`);
  return 0;
}

/** Appends the ignore lines .gitignore lacks; true when it changed. */
async function addGitignoreLines(file: string): Promise<boolean> {
  const current = (await exists(file)) ? await readFile(file, 'utf8') : '';
  const present = new Set(current.split(/\r?\n/).map((line) => line.trim()));
  const missing = GITIGNORE_LINES.filter((line) => !present.has(line) && !present.has(line.replace(/\/$/, '')));
  if (missing.length === 0) return false;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  await appendFile(file, `${separator}# drdrill outputs\n${missing.join('\n')}\n`);
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
