import { execFileSync } from 'node:child_process';

/**
 * The git commit the drill ran from: `git rev-parse HEAD` in `cwd`, with `+dirty` appended
 * when tracked files have uncommitted changes (an auditor must know the code was not the
 * commit's). Undefined outside a git work tree or without git; never throws, because a
 * missing revision must not stop a drill.
 */
export function collectGitRevision(cwd: string = process.cwd()): string | undefined {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  try {
    const head = git('rev-parse', '--verify', 'HEAD');
    if (!/^[0-9a-f]{40,64}$/.test(head)) return undefined;
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return undefined;
  }
}
