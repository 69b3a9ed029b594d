import { z } from 'zod';
import { assertionSchema } from '../assertions/assertion-spec.ts';
import { faultSchema } from '../injectors/injector-registry.ts';
import { checkSteps } from '../steps/step-references.ts';
import { stepSchema } from '../steps/step-registry.ts';
import { boundedDuration } from './bounded-duration.ts';
import { cohortName, loadClientsSchema, type LoadClients } from './load-clients.ts';
import { alarmPollIntervalSchema, stopAlarmSchema } from './stop-alarm.ts';

/** Upper bound on offered load: drdrill proves failover, it is not a stress tester. */
const MAX_RATE = 10_000;
/** k6 processes one drill may start (each takes a core's worth of work at high rates). */
const MAX_K6_INSTANCES = 64;

export const loadSchema = z.strictObject({
  /** Requests per second, offered at a constant rate whatever the API does (open model). */
  rate: z.number().positive('expected a rate above 0 requests per second').max(MAX_RATE),
  /** Path appended to the service URL's path (with an optional `?query`); wins over the service's `request.path`. */
  path: z.string().startsWith('/', 'expected a path starting with "/"').optional(),
  timeout: boundedDuration({ min: 1, why: 'every request would time out at once' }).default(2000),
  /** Reuse connections: shows clients that stick to a dead region. Off by default. */
  keepAlive: z.boolean().default(false),
  /**
   * Change the offered rate over the run: each stage moves linearly to `target` req/s over
   * `duration`, from the start of the drill. Overrides `rate` where given.
   */
  ramp: z
    .array(
      z.strictObject({
        target: z.number().min(0, 'expected a rate of 0 or more').max(MAX_RATE),
        duration: boundedDuration({ min: 0 }),
      }),
    )
    .min(1, 'expected at least one stage')
    .optional(),
  /**
   * Where clients send their requests. `dns` (default): the service's `url`, resolved as the
   * record's clients resolve it. `edge`: the service's `edgeUrl`, a CloudFront distribution in
   * front of the record, so clients never resolve the origin: the edge does, with its own DNS
   * cache, and what clients see of a failover is what the edge forwards.
   */
  via: z.enum(['dns', 'edge'], { error: 'expected "dns" (the service\'s url) or "edge" (its edgeUrl)' }).default('dns'),
  /** Services to load at once, each at `rate` (default: just the drill's service). */
  services: z.array(z.string().min(1)).min(1, 'expected at least one service').optional(),
  /**
   * `ignore` (default): resolve afresh for every new connection, like a client without a DNS
   * cache. `honour`: keep an answer for its TTL, like a well-behaved resolver library.
   */
  dnsTtl: z.enum(['honour', 'ignore']).default('ignore'),
  /** Client cohorts sharing the rate, each with its own DNS and connection behaviour (see load-clients.ts). */
  clients: loadClientsSchema.optional(),
  /** k6 thresholds, passed through when k6 runs the load, e.g. `{ http_req_failed: ['rate<0.05'] }`. */
  thresholds: z.record(z.string(), z.array(z.string())).optional(),
  /** How k6 runs the load (ignored by the built-in engine). */
  k6: z
    .strictObject({
      /**
       * k6 processes sharing the load, each running one execution segment, so the arrival rate is
       * split exactly; their samples merge into one timeline. Also k6-operator's parallelism.
       */
      instances: z.number().int('expected a whole number of k6 instances').min(1, 'expected at least 1 k6 instance').max(MAX_K6_INSTANCES).default(1),
    })
    .optional(),
});

export const phasesSchema = z.strictObject({
  /** Steady state before anything is injected. */
  baseline: boundedDuration({ min: 100, why: 'the steady state is judged on the baseline' }),
  /** How long the fault is held after it became observable. */
  recovery: boundedDuration({ min: 0 }),
  /** How long to keep watching after rollback. */
  settle: boundedDuration({ min: 0 }),
  /** Longest wait for a fault to become observable. */
  verifyTimeout: boundedDuration({ min: 100, why: 'no fault is observable sooner' }).default(30_000),
});

export const drillSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lowercase letters, digits and dashes, e.g. "primary-lambda-throttle"'),
  description: z.string().default(''),
  /** The environment service the drill loads and watches. */
  service: z.string().min(1, 'expected the name of a service in the environment'),
  /**
   * On the embedded sandbox only: start it with this topology file (path relative to the drill
   * file) instead of the default one, for a drill whose system has more regions or services.
   * Ignored by every other environment.
   */
  sandbox: z.strictObject({ topology: z.string().min(1, 'expected the path of a topology file, e.g. "../topologies/cascade-four-regions.ts"') }).optional(),
  load: loadSchema,
  /** Fixed lengths: baseline → fault → recovery → revert → settle. A drill gives these, or `steps`. */
  phases: phasesSchema.optional(),
  /**
   * What the drill does, in order: inject, until (a condition comes true within a budget), hold,
   * approve, revert, note. A drill gives these, or `phases`.
   */
  steps: z.array(stepSchema).min(1, 'expected at least one step').optional(),
  probes: z
    .strictObject({
      /** How often each resolver is asked; the resolution of every DNS time figure. */
      dnsInterval: boundedDuration({ min: 10, max: 60_000, why: 'each probe is a DNS query per resolver' }).default(250),
      /**
       * How often Route 53 health-check status is polled (the resolution of detection times).
       * Default: 2 s on AWS (its API allows about 5 requests a second), a quarter of the scaled
       * check interval on the sandbox.
       */
      healthInterval: boundedDuration({ min: 50, max: 60_000, why: 'each poll is a GetHealthCheckStatus call per check' }).optional(),
    })
    .default({ dnsInterval: 250 }),
  guardrails: z
    .strictObject({
      /**
       * Stop the drill (and roll back) when more than `maxErrorRate` % of the requests completed in
       * the last `window` failed for longer than `grace`: the blast radius you are willing to accept.
       */
      stopOnErrorRate: z
        .strictObject({
          maxErrorRate: z.number().min(0, 'expected a percentage from 0 to 100').max(100, 'expected a percentage from 0 to 100'),
          window: boundedDuration({ min: 100, why: 'an error rate needs requests to be computed on' }).default(5000),
          grace: boundedDuration({ min: 0 }).default(2000),
        })
        .optional(),
      /** Longest a fault may stay in, whatever else happens; default: the steps' budgets while a fault is in (verifyTimeout + recovery for phases) + 1 minute. */
      maxFaultDuration: boundedDuration({ min: 1000, why: 'a shorter cap ends every fault before it can be observed' }).optional(),
      /**
       * CloudWatch alarms that stop the drill: one already in ALARM before injection refuses the run
       * (nothing is injected); one entering ALARM during the run aborts it and rolls back. `region`
       * is "primary" (default), "secondary" or a literal AWS region.
       */
      stopOnAlarms: z
        .array(stopAlarmSchema, { error: 'expected a list of alarms such as [{ name: "api-5xx", region: "primary" }]' })
        .min(1, 'expected at least one alarm')
        .optional(),
      /**
       * How often the stop alarms are read (100 ms to 60 s). CloudWatch DescribeAlarms is rate-limited
       * per account and region, and that quota is shared with consoles, dashboards and other tools,
       * so the guard makes one call per region per interval, never overlapping. 1 s polling leaves
       * about a second for the abort and the rollback inside the 2 s stop target.
       */
      alarmPollInterval: alarmPollIntervalSchema.default(1000),
    })
    // prefault, not default: an omitted block is parsed like `{}`, so its fields get their defaults.
    .prefault({}),
  faults: z.array(faultSchema).min(1, 'expected at least one fault'),
  assertions: z.array(assertionSchema).min(1, 'expected at least one assertion'),
}).superRefine((drill, ctx) => {
  checkCohortNames(drill, ctx);
  checkSteps(drill, ctx);
});

/** An assertion's `cohort` must name one of `load.clients`, or it would judge no request at all. */
function checkCohortNames(drill: { load: { clients?: LoadClients }; assertions: readonly object[] }, ctx: z.RefinementCtx): void {
  const names = (drill.load.clients ?? []).map(cohortName);
  drill.assertions.forEach((assertion, index) => {
    if (!('cohort' in assertion) || typeof assertion.cohort !== 'string' || names.includes(assertion.cohort)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['assertions', index, 'cohort'],
      message: `"${assertion.cohort}" is not a cohort of load.clients (${names.length === 0 ? 'the drill has none' : `it has: ${names.join(', ')}`})`,
    });
  });
}

export type DrillInput = z.input<typeof drillSchema>;
/** A validated drill: defaults applied, durations in milliseconds. */
export type Drill = z.output<typeof drillSchema>;
