/** What `drdrill help <command>` and `drdrill <command> --help` print, one entry per command. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  run: `usage: drdrill run <drill.ts...> [--env sandbox|<name>] [--sandbox-url <url>] [--load auto|k6|builtin] [--out <dir>] [--state-dir <dir>] [--yes] [--approve <step>|all] [--console]

Runs each drill: baseline under load, inject the faults, watch DNS, health checks and every
request, assert, roll back, and write <out>/<drill>/<run-id>/ (run.json, junit.xml, index.html,
summary.md, samples.csv.gz, manifest.sha256). Every drill is validated before anything is touched.

  --env <name>          sandbox (an embedded sandbox; the default unless drdrill.config.ts says
                        otherwise), or <environments folder>/<name>.ts, or a path to an environment file
  --sandbox-url <url>   with --env sandbox: a running "drdrill sandbox up" instead of an embedded one
  --load <engine>       auto (k6 when installed, else the built-in engine), k6 or builtin
  --out <dir>           reports folder (default: reports, or the config's "reports")
  --state-dir <dir>     journals folder (default: .drdrill, $DRDRILL_STATE_DIR, or the config's "state")
  --yes, -y             change an AWS account without asking (the plan is still printed)
  --approve <step>|all  approve these approve steps in advance (repeat, or comma-separate names),
                        recorded as approved by flag with your identity; without it an approve
                        step asks at the terminal, and a drill nobody can answer is refused
  --console             serve a live game-day console on 127.0.0.1 and print its address (with a
                        one-off token): steps, traffic, DNS, health checks, faults; approve,
                        decline, hold, note and abort from the page; first answer wins

In a terminal a status line shows what the drill awaits, the rate, error % and share by region;
keys: y approve · N decline (at an approve step) · n note · x twice abort and roll back.

exit: 0 passed · 1 an assertion failed · 2 bad input or no credentials, nothing changed ·
      3 aborted, everything rolled back · 4 a rollback failed, the message says what to undo`,
  plan: `usage: drdrill plan <drill.ts> [--env sandbox|<name>] [--sandbox-url <url>]

Prints every change the drill would make, current → new, read live from the targets. Changes
nothing. Against AWS it needs credentials that can read the targets.

exit: 0 · 2 bad input, unknown target or no credentials`,
  'iam-policy': `usage: drdrill iam-policy <drill.ts> [--env sandbox|<name>]

Prints the least-privilege IAM policy (JSON) the drill needs in the environment: its faults,
observers, locks, dead-man's switch and stop alarms. Derived from the files alone; calls no AWS API.

exit: 0 · 2 bad input or a target the environment lacks`,
  discover: `usage: drdrill discover --record <name> --env-name <name> [--zone <hosted-zone-id>] [--regions <p>,<s>] [--profile <name>] [--sandbox-url <url>]

Writes <environments folder>/<env-name>.ts from what the account already has: the record's
failover, latency or weighted sets (Route 53 ListHostedZonesByName, ListResourceRecordSets), their
health checks (GetHealthCheck), API Gateway custom domains (apigatewayv2 GetDomainName,
GetApiMappings, GetIntegrations) down to the Lambda functions. Every id carries a comment naming
the call it came from; what could not be found is a TODO line, never a guess. Read-only.

  --record <name>       the record clients resolve, e.g. api.example.com
  --env-name <name>     name of the environment (and of the file written)
  --zone <id>           the hosted zone, when the record's name matches more than one
  --profile <name>      AWS profile (default: the standard credential chain)
  --regions <p>,<s>     regions of the primary and secondary record sets, when they hold plain
                        addresses (alias targets and latency records name their region)
  --sandbox-url <url>   discover in a running "drdrill sandbox up" instead of AWS

IAM: route53:ListHostedZonesByName, GetHostedZone, ListResourceRecordSets, GetHealthCheck;
apigateway:GET on /domainnames/* and /apis/*; lambda:GetFunctionConfiguration; nothing that writes.

exit: 0 written · 2 bad input, record not found, file exists or no credentials`,
  init: `usage: drdrill init [dir]

Scaffolds a repository (default: the current folder): drdrill.config.ts, drills/ with a sandbox
drill that passes as generated, drills/environments/aws.example.ts (a commented AWS template),
.gitignore lines for reports and state, a tsconfig.json when there is none, and CI examples
(.github/workflows/drdrill.yml, ci/gitlab-ci.yml, ci/Jenkinsfile). Never overwrites: when a
file it would write exists, it names it, writes nothing and exits 2.

exit: 0 scaffolded · 2 a file exists`,
  list: `usage: drdrill list [dir]

Lists the drills (*.drill.ts) under a folder (default: drills, or the config's "drills"), validating each.

exit: 0 · 2 at least one drill is invalid`,
  recover: `usage: drdrill recover [--force] [--state-dir <dir>]

Undoes what interrupted runs left behind, from their journals, and releases their locks. Safe to repeat.

  --force               also undo runs whose process still seems alive

exit: 0 · 4 an undo failed (the message prints the AWS CLI lines that finish it)`,
  report: `usage: drdrill report <run-dir> [--env <name> | --key <pem>]

Re-renders index.html, junit.xml and summary.md from run.json, only after the bundle verifies
(signature and every file), and re-signs it with the environment's evidence key (--env) or a
private key file (--key). A bundle that does not verify is refused and nothing is written.

exit: 0 re-rendered · 1 the bundle does not verify (nothing written) · 2 bad input or no key to sign with`,
  ingest: `usage: drdrill ingest <run-dir> <ndjson...> [--env <name> | --key <pem>]

Merges k6-operator runners' NDJSON (k6 --out json, plain or .gz; see drdrill k6-operator) into a
finished run, then judges it again: the Timeline is rebuilt from run.json and samples.csv.gz, the
runners' requests are added, the assertions are evaluated with the context run.json recorded, and
the bundle is rewritten and re-signed with the key that signed it (--env's evidence key, or a
private --key). Each file is kept in the bundle and merged once. Only a bundle that verifies is touched.

exit: the run's exit code after merging (0 passed · 1 an assertion failed · 3, 4 as the run ended)
      · 2 nothing written: bad input, a file already merged or without requests, a bundle that
      does not verify, no key to re-sign with`,
  verify: `usage: drdrill verify <run-dir> [--env <name> | --key <pem>]

Checks an evidence bundle: the DSSE signature of its in-toto statement against the trusted key
(the environment's evidence key, or --key <public-key.pem>), then every file's digest. Names any
file changed, added or removed.

exit: 0 verified · 1 tampered or unsigned · 2 bad input`,
  sandbox: `usage: drdrill sandbox up [--topology <file.ts>] [--control-plane-port <n>] [--dns-port <n>] [--http-port <n>]

Runs the sandbox on loopback until Ctrl-C, after printing one JSON line: control-plane URL, DNS
host:port, regional endpoints and resource ids (point the AWS CLI or dig at it).

  --topology <file.ts>  what to simulate: a file exporting \`topology\` (or a default export)
                        written with defineTopology from 'drdrill' (regions, services with their
                        routing, health checks, alarms); default: two regions, us-east-1 and us-west-2`,
  help: `usage: drdrill help [command]

Prints the overview, or one command's options.`,
};
