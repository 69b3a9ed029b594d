import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { Route53Client } from '@aws-sdk/client-route-53';

/**
 * A mocked Route 53 for one mocha suite. mockClient patches every Route53Client in the process,
 * so it is created in `before` and restored in `after`: other suites (and the sandbox e2e tests)
 * keep talking to real servers. Each test gets a reset stub and a fresh client.
 */
export function useMockedRoute53(): { readonly stub: AwsClientStub<Route53Client>; readonly client: Route53Client } {
  let stub: AwsClientStub<Route53Client> | undefined;
  let client: Route53Client | undefined;
  before(() => {
    stub = mockClient(Route53Client);
  });
  after(() => stub?.restore());
  beforeEach(() => {
    stub?.reset();
    client = new Route53Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  });
  afterEach(() => client?.destroy());
  return {
    get stub() {
      if (stub === undefined) throw new Error('useMockedRoute53: used outside a test');
      return stub;
    },
    get client() {
      if (client === undefined) throw new Error('useMockedRoute53: used outside a test');
      return client;
    },
  };
}
