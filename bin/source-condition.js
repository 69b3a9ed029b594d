// Resolve hook for running drdrill from its own repository: `import … from 'drdrill'` in the
// shipped drills then reaches src/index.ts (the "drdrill-source" export condition) instead of the
// dist/ build, which exists only in a packed tarball.
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'drdrill-source'] });
}
