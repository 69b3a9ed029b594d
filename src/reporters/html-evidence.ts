import { roleAt } from '../drill/region-ref.ts';
import type { EvidenceSignature } from '../evidence/evidence-signer.ts';
import type { RunRecord } from '../runner/run-record.ts';
import { isoTime } from './format-time.ts';
import { escapeHtml } from './html-escape.ts';
import { renderCallSections } from './html-calls.ts';
import type { ReportClock } from './report-clock.ts';

/**
 * The "Evidence" section an auditor reads: who ran the drill, when, from which code, against
 * which account and regions, and the control-plane calls: counted per operation, every call that
 * changes something with its AWS request id, the polling collapsed. (The state of each target
 * before and after leads the report, in "Restored?".) Says plainly when a fact was not recorded
 * rather than leaving it out, and how to check the bundle's integrity.
 */
export function renderEvidenceSection(record: RunRecord, clock: ReportClock): string {
  const evidence = record.evidence;
  const operator = evidence?.operator;
  const rows: [string, string][] = [
    ['Run id', record.runId],
    ['Started (UTC)', isoTime(record.startedAt)],
    ['Ended (UTC)', isoTime(record.endedAt)],
    [
      'Operator',
      operator === undefined ? 'not recorded' : 'arn' in operator ? `${operator.arn} (account ${operator.account}, user id ${operator.userId})` : `unknown: ${operator.error}`,
    ],
    ['Host', record.hostname ?? 'not recorded'],
    ['Target account', `${record.environment.accountId} (${record.environment.kind} environment "${record.environment.name}")`],
    ['Regions', record.environment.regions.map((region, index) => `${region} (${roleAt(index)})`).join(', ')],
    ['Tool version', `${record.tool.name} ${record.tool.version}`],
    ['Git revision', evidence?.gitRevision ?? 'not recorded'],
    ['Drill file', record.drill.file],
    ['Signed by', signerText(evidence?.signature)],
  ];
  return `<section id="evidence">
<h2>Evidence</h2>
<dl class="meta evidence-meta">${rows.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>
<h3>Control-plane calls</h3>
${renderCallSections(evidence?.calls, clock)}
<p class="note">Every file of this run directory is listed with its SHA-256 in manifest.sha256 and in attestation.intoto.jsonl, an in-toto Statement in a DSSE envelope signed by the key above; check both with <code>drdrill verify &lt;run-dir&gt;</code>, or the manifest alone with <code>sha256sum -c manifest.sha256</code>.</p>
</section>`;
}

/** Who signed the bundle: the KMS key ARN or the PEM key's fingerprint, or loudly that nobody did. */
function signerText(signature: EvidenceSignature | undefined): string {
  if (signature === undefined) return 'not recorded (written before drdrill signed evidence)';
  if (signature.status === 'unsigned') return `UNSIGNED: ${signature.reason}`;
  return `${signature.keyId} (${signature.signer === 'aws-kms' ? 'AWS KMS key' : 'local PEM key, SHA-256 of its public key'}, ${signature.algorithm})`;
}
