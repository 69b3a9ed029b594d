import { stringify } from 'yaml';

/** Where each runner pod writes its NDJSON; `drdrill ingest` reads the files from there. */
export const RUNNER_RESULTS_DIR = '/results';
/** Environment variable holding the runner pod's name, expanded by Kubernetes in the k6 command. */
const RUNNER_NAME_VARIABLE = 'DRDRILL_RUNNER';

export interface K6OperatorManifestOptions {
  /** TestRun name (the drill's name: lowercase letters, digits and dashes, a valid Kubernetes name). */
  readonly name: string;
  readonly namespace?: string;
  /** Runner pods; k6-operator gives each one execution segment of the test. */
  readonly parallelism: number;
  /** The k6 script's file name and text, shipped in a ConfigMap. */
  readonly scriptFile: string;
  readonly scriptText: string;
  /** The script's DRDRILL_* inputs, set as each runner's environment (k6 reads them as __ENV). */
  readonly scriptEnv: Readonly<Record<string, string>>;
  /** PersistentVolumeClaim (ReadWriteMany) the runners write their NDJSON to. */
  readonly resultsClaim: string;
  /**
   * Environment variables the script reads request credentials from (`fromEnv` headers), each set
   * on every runner from the key of the same name in this Kubernetes Secret, so no value is in the
   * manifest. Absent or no variables: no Secret is referenced.
   */
  readonly credentials?: { readonly secret: string; readonly variables: readonly string[] };
}

interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}

/**
 * The k6-operator resources that run a drill's load on a cluster: a ConfigMap with the script and
 * a TestRun (k6.io/v1alpha1) with `parallelism` runners. k6-operator adds each runner's
 * `--execution-segment` and `--execution-segment-sequence`; every runner writes k6's JSON output
 * to `<results>/<pod name>.ndjson` on the shared claim, the files `drdrill ingest` merges.
 */
export function k6OperatorObjects(options: K6OperatorManifestOptions): readonly KubernetesObject[] {
  const metadata = (name: string) => ({ name, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) });
  const configMapName = `${options.name}-k6-script`;
  const configMap: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(configMapName),
    data: { [options.scriptFile]: options.scriptText },
  };
  const testRun: KubernetesObject = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: metadata(options.name),
    spec: {
      parallelism: options.parallelism,
      script: { configMap: { name: configMapName, file: options.scriptFile } },
      args: ['--no-usage-report', '--out', `json=${RUNNER_RESULTS_DIR}/$(${RUNNER_NAME_VARIABLE}).ndjson`],
      runner: {
        env: [
          { name: RUNNER_NAME_VARIABLE, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ...Object.entries(options.scriptEnv).map(([name, value]) => ({ name, value })),
          ...(options.credentials?.variables ?? []).map((name) => ({ name, valueFrom: { secretKeyRef: { name: options.credentials?.secret, key: name } } })),
        ],
        volumes: [{ name: 'results', persistentVolumeClaim: { claimName: options.resultsClaim } }],
        volumeMounts: [{ name: 'results', mountPath: RUNNER_RESULTS_DIR }],
      },
    },
  };
  return [configMap, testRun];
}

/** The objects as one multi-document YAML file, for `kubectl apply -f`. */
export function k6OperatorManifest(options: K6OperatorManifestOptions): string {
  const yaml = k6OperatorObjects(options)
    .map((object) => stringify(object, { lineWidth: 0 }))
    .join('---\n');
  const { credentials } = options;
  if (credentials === undefined || credentials.variables.length === 0) return yaml;
  // Said where the manifest is read: the runners fail at init until the Secret exists.
  const create = `kubectl create secret generic ${credentials.secret}${options.namespace === undefined ? '' : ` -n ${options.namespace}`} ${credentials.variables.map((name) => `--from-literal=${name}=…`).join(' ')}`;
  return `# The runners read request credentials from Secret ${credentials.secret}; create it first:\n#   ${create}\n${yaml}`;
}
