/**
 * An AWS environment, as a template: copy it to `drills/environments/<name>.ts`, fill in your ids,
 * and run any drill against it with `drdrill run <drill> --env <name>`. The drill file itself does
 * not change between the sandbox and AWS: it names `service: 'api'` and `region: 'primary'`, and
 * this file says what those are in your account.
 *
 * Credentials come only from the standard AWS chain (environment, SSO, instance role) or the named
 * profile below; drdrill never reads or logs secrets.
 */
import { defineEnvironment } from 'drdrill';

export const environment = defineEnvironment({
  name: 'staging',
  kind: 'aws',
  // The account drdrill expects to act in.
  accountId: '123456789012',
  // A profile from ~/.aws/config; remove it to use the default credential chain.
  profile: 'dr-drills',
  regions: { primary: 'us-east-1', secondary: 'us-west-2' },
  // What the DNS prober asks. Probe the zone's Route 53 name servers (see GetHostedZone's
  // delegation set) to measure Route 53 itself, and a recursive resolver to see what clients see.
  dnsResolvers: ['205.251.192.1:53', '1.1.1.1:53'],
  // The built-in load engine resolves through this server for every new connection; without it,
  // the system resolver (and its cache) decides when clients see failover.
  loadResolver: '1.1.1.1:53',
  // The dead-man's switch: install runbooks/drdrill-TimedRevert.yaml in both regions first (see
  // the README). The role lets the runbook make the undo call whoever started the drill.
  deadMansSwitch: { assumeRoleArn: 'arn:aws:iam::123456789012:role/drdrill-timed-revert', margin: '1m' },
  // Who signs each run's evidence: an ECC_NIST_P256 SIGN_VERIFY key in KMS (create it once:
  // aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY, then create-alias), or
  // `signingKeyFile: 'evidence.pem'` for a local EC P-256 key. Without either, runs are unsigned.
  evidence: { signingKey: 'alias/drdrill-evidence' },
  services: {
    api: {
      // The custom domain clients use; your API should answer with a header naming its region.
      url: 'https://api.example.com/health',
      regionHeader: 'x-region',
      // When a plain GET of `url` is not what your clients send: method, headers (a credential
      // only as `{ fromEnv: 'NAME' }`, read when the load starts), body, path.
      // request: { headers: { authorization: { fromEnv: 'API_TOKEN' } } },
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      recordName: 'api.example.com',
      functions: {
        primary: 'arn:aws:lambda:us-east-1:123456789012:function:api-handler',
        secondary: 'arn:aws:lambda:us-west-2:123456789012:function:api-handler',
      },
      healthChecks: {
        primary: '11111111-2222-3333-4444-555555555555',
        secondary: '66666666-7777-8888-9999-000000000000',
      },
    },
  },
});
