// The public API: what `import … from 'drdrill'` gives. Anything not exported here is internal
// and may change between releases.

// Writing drills, environments and the repository config.
export { defineDrill } from './drill/define-drill.ts';
export type { Drill, DrillInput } from './drill/drill-schema.ts';
export { defineEnvironment } from './drill/environment.ts';
export type { Environment, EnvironmentInput, ServiceEnvironment } from './drill/environment.ts';
export type { VantagePoint } from './drill/vantage-point.ts';
export { defineConfig, REPORTERS } from './config/drdrill-config.ts';
export type { DrdrillConfig, DrdrillConfigInput, Reporter } from './config/drdrill-config.ts';
export type { AssertionInput, AssertionSpec } from './assertions/assertion-spec.ts';

// What a custom assertion reads and returns.
export type { CustomCheck } from './assertions/custom-assertion.ts';
export type { AssertionContext } from './assertions/assertion-context.ts';
export type { Verdict, VerdictStatus } from './assertions/verdict.ts';
export { PHASES, phaseWindow } from './runner/timeline.ts';
export type { AddressMapping, DnsObservation, FaultEvent, HealthObservation, PhaseMark, PhaseName, Timeline } from './runner/timeline.ts';
export { answerRegions } from './assertions/answer-regions.ts';
export type { AnswerRegions } from './assertions/answer-regions.ts';
export type { Sample } from './load/sample.ts';
export type { SampleStore } from './load/sample-store.ts';

// Running drills from code, as the CLI does.
export { loadDrill, loadEnvironment, validateDrill, validateEnvironment } from './drill/load-drill.ts';
export type { LoadedDrill } from './drill/load-drill.ts';
export { InvalidInputError } from './drill/invalid-input-error.ts';
export { runDrill } from './runner/run-drill.ts';
export type { DrillRun, RunDrillOptions } from './runner/run-drill.ts';
export { EXIT_CODES } from './runner/run-record.ts';
export type { RunOutcome, RunRecord } from './runner/run-record.ts';
export { newRunId } from './runner/run-id.ts';
export { defaultStateDir } from './runner/journal.ts';
export { recover } from './runner/recover.ts';
export type { RecoverOptions, RecoverReport } from './runner/recover.ts';
export { selectEngine, LOAD_CHOICES } from './load/select-engine.ts';
export type { LoadChoice, SelectedEngine, SelectEngineOptions } from './load/select-engine.ts';
export type { LoadEngine } from './load/load-engine.ts';
export { writeRunDirectory, readRunRecord, RUN_FILES } from './reporters/write-run-directory.ts';
export type { WriteRunDirectoryOptions } from './reporters/write-run-directory.ts';

// The embedded sandbox.
export { startSandbox } from './sandbox/start-sandbox.ts';
export type { SandboxOptions } from './sandbox/start-sandbox.ts';
export type { Sandbox, SandboxDescription } from './sandbox/sandbox-handle.ts';
export { sandboxEnvironment } from './sandbox/sandbox-environment.ts';
export { defineTopology } from './sandbox/topology/define-topology.ts';
export { loadTopology, validateTopology } from './sandbox/topology/load-topology.ts';
export type { LoadedTopology } from './sandbox/topology/load-topology.ts';
export { DEFAULT_TOPOLOGY } from './sandbox/topology/topology.ts';
export type {
  DeploymentHealthCheckType,
  InsufficientDataHealthStatus,
  ProbedHealthCheckType,
  ResolverClient,
  SandboxAlarm,
  SandboxDeployment,
  SandboxEdge,
  SandboxRegion,
  SandboxService,
  SandboxTopology,
  ServiceRouting,
  TopologyRecord,
} from './sandbox/topology/topology.ts';
export type { DescribedDeployment, DescribedService, DescribedTopology } from './sandbox/topology/described-topology.ts';

// The CLI as a function.
export { runCli } from './cli/cli.ts';
export type { CliIo } from './cli/cli-io.ts';
