import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import { k6OperatorCommand } from '../../src/cli/k6-operator-command.ts';
import { k6OperatorManifest } from '../../src/load/k6-operator-manifest.ts';
import { requestVariables } from '../../src/load/load-request.ts';
import type { Sandbox } from '../../src/sandbox/sandbox-handle.ts';
import { startSandbox } from '../../src/sandbox/start-sandbox.ts';
import { captureIo } from '../e2e/e2e-kit.ts';

/**
 * k6-operator's TestRun CRD (config/crd/bases/k6.io_testruns.yaml in grafana/k6-operator at commit
 * e2c9571ac480ad7ca8ed019062ff67847d76724e, see the fixture's README). K6_OPERATOR_CRD names
 * another copy, to check against a newer k6-operator.
 */
const CRD_FILE = process.env.K6_OPERATOR_CRD ?? fileURLToPath(new URL('../fixtures/k6-operator/k6.io_testruns.yaml', import.meta.url));

type Schema = { [keyword: string]: unknown };

/**
 * The CRD's schema as the API server applies it with strict field validation (`kubectl apply
 * --validate=strict`): an object's unknown fields are errors, not silently pruned, unless the
 * schema keeps unknown fields.
 */
function strictFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictFields);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) copy[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([name, sub]) => [name, strictFields(sub)])) : strictFields(value);
  if (copy.properties !== undefined && copy.additionalProperties === undefined && copy['x-kubernetes-preserve-unknown-fields'] !== true) copy.additionalProperties = false;
  return copy;
}

function testRunValidator(): ValidateFunction {
  const crd = parse(readFileSync(CRD_FILE, 'utf8')) as { spec: { versions: { name: string; schema: { openAPIV3Schema: unknown } }[] } };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (version === undefined) throw new Error(`${CRD_FILE} has no v1alpha1 version`);
  // OpenAPI keywords and Kubernetes extensions are not JSON Schema: ajv is told to leave them be.
  const ajv = new Ajv({ allErrors: true, strict: false });
  const inRange = (bits: number) => (value: number) => Number.isInteger(value) && Math.abs(value) <= 2 ** (bits - 1);
  ajv.addFormat('int32', { type: 'number', validate: inRange(32) });
  ajv.addFormat('int64', { type: 'number', validate: inRange(64) });
  for (const format of ['date-time', 'byte', 'double', 'float']) ajv.addFormat(format, true);
  return ajv.compile(strictFields(version.schema.openAPIV3Schema) as Schema);
}

interface Manifest {
  readonly configMap: { metadata: { name: string; namespace?: string }; data: Record<string, string> };
  readonly testRun: { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> & { parallelism: number; script: { configMap: { name: string; file: string } }; args: string[]; runner: { env: { name: string; value?: string }[] } } };
}

describe('drdrill k6-operator', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let manifest: Manifest;

  before(async function () {
    sandbox = await startSandbox();
    const io = captureIo();
    const code = await k6OperatorCommand({ file: 'test/fixtures/drills/k6-instances.drill.ts', sandboxUrl: sandbox.description.controlPlaneUrl, namespace: 'load' }, io);
    expect(code, io.text()).to.equal(0);
    const documents = parseAllDocuments(io.text()).map((doc) => doc.toJS() as unknown);
    expect(documents).to.have.length(2);
    manifest = { configMap: documents[0] as Manifest['configMap'], testRun: documents[1] as Manifest['testRun'] };
  });
  after(async () => sandbox?.close());

  it('writes a TestRun that passes validation against k6-operator’s CRD schema, with load.k6.instances runners', () => {
    const validate = testRunValidator();
    expect(validate(manifest.testRun), JSON.stringify(validate.errors)).to.equal(true);
    expect(manifest.testRun).to.include({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun' });
    expect(manifest.testRun.spec.parallelism).to.equal(3);
  });

  it('ships drdrill’s k6 script in the ConfigMap the TestRun names, and the drill’s inputs as runner environment', () => {
    const { configMap, testRun } = manifest;
    expect(testRun.spec.script.configMap.name).to.equal(configMap.metadata.name);
    expect(configMap.metadata.namespace).to.equal('load');
    expect(configMap.data[testRun.spec.script.configMap.file]).to.equal(readFileSync('k6/drill-load.ts', 'utf8'));
    const env = Object.fromEntries(testRun.spec.runner.env.map((v) => [v.name, v.value]));
    expect(JSON.parse(env.DRDRILL_TARGETS ?? '[]')).to.have.length(1).and.to.have.nested.property('[0].rate', 30);
    expect(env).to.include({ DRDRILL_REGION_HEADER: 'x-drdrill-region', DRDRILL_TAGS: '{"drill":"k6-instances"}' });
  });

  it('has every runner write NDJSON to its own file on the results claim', () => {
    expect(manifest.testRun.spec.args).to.deep.equal(['--no-usage-report', '--out', 'json=/results/$(DRDRILL_RUNNER).ndjson']);
    expect(manifest.testRun.spec.runner).to.deep.include({ volumeMounts: [{ name: 'results', mountPath: '/results' }] });
  });

  it('sets each request credential variable on the runners from a Secret, never as a value, and says how to create it', () => {
    const targets = [{ name: 'api', url: 'https://api.example.com/', rate: 5, request: { headers: { authorization: { fromEnv: 'API_TOKEN' } } } }];
    const text = k6OperatorManifest({
      name: 'with-token',
      namespace: 'load',
      parallelism: 2,
      scriptFile: 'drill-load.ts',
      scriptText: '',
      scriptEnv: { DRDRILL_TARGETS: JSON.stringify(targets) },
      resultsClaim: 'with-token-results',
      credentials: { secret: 'with-token-load-credentials', variables: ['API_TOKEN'] },
    });
    expect(text.split('\n').slice(0, 2)).to.deep.equal([
      '# The runners read request credentials from Secret with-token-load-credentials; create it first:',
      '#   kubectl create secret generic with-token-load-credentials -n load --from-literal=API_TOKEN=…',
    ]);
    const testRun = parseAllDocuments(text)[1]?.toJS() as Manifest['testRun'];
    expect(testRun.spec.runner.env).to.deep.include({ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'with-token-load-credentials', key: 'API_TOKEN' } } });
    expect(testRun.spec.runner.env.find((v) => v.name === 'API_TOKEN')).not.to.have.property('value');
    // What the command asks the Secret for: every fromEnv of every target, once.
    expect(requestVariables([{ headers: { a: { fromEnv: 'B_TOKEN' }, b: 'plain' } }, undefined, { headers: { c: { fromEnv: 'A_KEY' }, d: { fromEnv: 'B_TOKEN' } } }])).to.deep.equal(['A_KEY', 'B_TOKEN']);
  });

  it('the validator refuses what the API server would: a misspelt field, a parallelism that is not an integer, no script', () => {
    const validate = testRunValidator();
    const { spec } = manifest.testRun;
    const { script: _script, ...withoutScript } = spec;
    for (const bad of [{ ...spec, paralelism: 3 }, { ...spec, parallelism: '3' }, withoutScript, { ...spec, runner: { ...spec.runner, envv: [] } }]) {
      expect(validate({ ...manifest.testRun, spec: bad }), JSON.stringify(bad).slice(0, 80)).to.equal(false);
    }
  });
});
