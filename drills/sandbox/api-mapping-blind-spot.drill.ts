import { AssertionError } from 'node:assert';
import { defineDrill } from 'drdrill';

/**
 * The blind spot: service2's health check asks the execute-api endpoint, which keeps answering
 * when the custom domain's API mapping is gone. Clients use the custom domain and get 403
 * Forbidden, yet Route 53 sees a healthy primary and never fails over.
 *
 * The fix: point the health check at the custom domain (FullyQualifiedDomainName =
 * service2.example.com with the path clients use), so a missing mapping fails the check too.
 * Rerun this drill afterwards: the "no failover" assertion should then fail and a
 * dns-convergence assertion should pass.
 */
export const drill = defineDrill({
  name: 'api-mapping-blind-spot',
  description:
    'Detach the primary API mapping of service2’s custom domain. Proves the blind spot: clients get 403 but the execute-api health check stays healthy, so there is NO failover. Fix: aim the health check at the custom domain.',
  service: 'service2',
  load: { rate: 20, timeout: '2s' },
  phases: { baseline: '2s', recovery: '5s', settle: '3s' },
  probes: { dnsInterval: '100ms' },
  faults: [{ injector: 'api-mapping-detach', target: { region: 'primary', service: 'service2' } }],
  assertions: [
    // A request still in flight when the fault lands can fail; more than one in 40 is a real problem.
    { assertion: 'error-budget', phase: 'baseline', maxErrorRate: 5 },
    {
      assertion: 'custom',
      name: 'Blind spot: clients get 403 Forbidden from the primary, yet DNS never fails over (the health check targets execute-api, not the custom domain)',
      check: (timeline, context) => {
        const verified = timeline.faults.find((f) => f.kind === 'verified')?.at ?? timeline.startedAt;
        const rolledBack = timeline.faults.find((f) => f.kind === 'rollback')?.at ?? timeline.endedAt;
        const answers = timeline.dns.filter((o) => o.at >= verified && o.at < rolledBack && o.addresses.length > 0);
        if (answers.length === 0) throw new AssertionError({ message: 'no DNS answers were observed while the mapping was detached' });
        const moved = answers.filter((o) => o.addresses.some((a) => timeline.regionsByAddress[a] !== context.primaryRegion));
        if (moved.length > 0) {
          throw new AssertionError({
            message: `DNS failed over (${moved.length} of ${answers.length} answers left ${context.primaryRegion}): the health check sees the custom domain, so the blind spot is fixed — replace this assertion with dns-convergence`,
          });
        }
        let requests = 0;
        let forbidden = 0;
        for (let i = 0; i < timeline.samples.length; i++) {
          const at = timeline.samples.startAt(i);
          if (at < verified || at >= rolledBack) continue;
          requests++;
          if (timeline.samples.statusAt(i) === 403) forbidden++;
        }
        const forbiddenPercent = requests === 0 ? 0 : (forbidden / requests) * 100;
        const window = { from: verified, to: rolledBack };
        return {
          passed: requests > 0 && forbiddenPercent >= 90,
          observed: `${forbidden} of ${requests} requests got 403 (${forbiddenPercent.toFixed(2)}%) while the mapping was detached; all ${answers.length} DNS answers stayed on ${context.primaryRegion}`,
          expected: '≥ 90% of requests get 403 and no DNS answer leaves the primary',
          details: { requests, forbidden, dnsAnswers: answers.length },
          figures: [
            {
              name: 'forbidden',
              label: 'Requests answered 403 (mapping detached)',
              value: forbiddenPercent,
              unit: 'percent',
              definition: 'requests answered 403 Forbidden ÷ all requests between the fault being verified and its rollback',
              window,
            },
          ],
        };
      },
    },
    { assertion: 'region-share', region: 'primary', minShare: 100, during: 'after-rollback', skip: '1s', name: 'Clients are served again by the primary once the mapping is back' },
  ],
});
