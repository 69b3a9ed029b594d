/** A valid drill as a drill file would write it, to break (or extend) one field at a time. */
export function validDrill(): Record<string, unknown> {
  return {
    name: 'primary-lambda-throttle',
    service: 'api',
    load: { rate: 50 },
    phases: { baseline: '3s', recovery: '8s', settle: '8s' },
    faults: [{ injector: 'lambda-throttle', target: { region: 'primary' } }],
    assertions: [{ assertion: 'dns-convergence', within: '6s' }],
  };
}
