import { roleAt } from '../drill/region-ref.ts';
import { formatDuration } from '../drill/duration.ts';
import type { EvidenceSignature } from '../evidence/evidence-signer.ts';
import type { ControlPlaneCallRecord, RunRecord, StateSnapshot } from '../runner/run-record.ts';
import { isoTime } from './format-time.ts';
import { escapeHtml } from './html-escape.ts';

/**
 * The "Evidence" section an auditor reads: who ran the drill, when, from which code, against
 * which account and regions, every control-plane call with its AWS request id, and the state
 * of each target before and after. Says plainly when a fact was not recorded rather than
 * leaving it out, and how to check the bundle's integrity.
 */
export function renderEvidenceSection(record: RunRecord): string {
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
${callTable(record, evidence?.calls)}
<h3>State snapshots</h3>
${snapshotTable(evidence?.snapshots?.before, evidence?.snapshots?.after)}
<p class="note">Every file of this run directory is listed with its SHA-256 in manifest.sha256 and in attestation.intoto.jsonl, an in-toto Statement in a DSSE envelope signed by the key above; check both with <code>drdrill verify &lt;run-dir&gt;</code>, or the manifest alone with <code>sha256sum -c manifest.sha256</code>.</p>
</section>`;
}

/** Who signed the bundle: the KMS key ARN or the PEM key's fingerprint, or loudly that nobody did. */
function signerText(signature: EvidenceSignature | undefined): string {
  if (signature === undefined) return 'not recorded (written before drdrill signed evidence)';
  if (signature.status === 'unsigned') return `UNSIGNED: ${signature.reason}`;
  return `${signature.keyId} (${signature.signer === 'aws-kms' ? 'AWS KMS key' : 'local PEM key, SHA-256 of its public key'}, ${signature.algorithm})`;
}

function callTable(record: RunRecord, calls: readonly ControlPlaneCallRecord[] | undefined): string {
  if (calls === undefined) return '<p class="empty">Control-plane calls were not recorded for this run (the fault events above carry the request ids of mutating calls).</p>';
  if (calls.length === 0) return '<p class="empty">No control-plane calls were made.</p>';
  const rows = calls.map((call) => {
    const outcome = call.errorCode !== undefined ? `${call.httpStatus ?? '—'} ${call.errorCode}` : String(call.httpStatus ?? '—');
    return `<tr class="call${call.errorCode !== undefined ? ' call-error' : ''}"><td class="mono">${escapeHtml(isoTime(call.startedAt))}<div class="sub">+${escapeHtml(formatDuration(Math.max(0, call.startedAt - record.startedAt)))}, took ${escapeHtml(formatDuration(Math.max(0, call.endedAt - call.startedAt)))}</div></td><td>${escapeHtml(call.service)}</td><td>${escapeHtml(call.operation)}</td><td>${escapeHtml(call.region)}</td><td>${escapeHtml(outcome)}${call.attempts !== undefined && call.attempts > 1 ? `<div class="sub">${call.attempts} attempts</div>` : ''}</td><td class="mono">${escapeHtml(call.requestId ?? '—')}</td></tr>`;
  });
  return `<table class="calls">
<thead><tr><th>Time</th><th>Service</th><th>Operation</th><th>Region</th><th>HTTP / error</th><th>AWS request id</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function snapshotTable(before: StateSnapshot | undefined, after: StateSnapshot | undefined): string {
  if (before === undefined && after === undefined) return '<p class="empty">No state snapshots were recorded for this run.</p>';
  const key = (item: { target: string; field: string }): string => `${item.target}\u0000${item.field}`;
  const keys = new Map<string, { target: string; field: string }>();
  for (const item of [...(before?.items ?? []), ...(after?.items ?? [])]) keys.set(key(item), item);
  const value = (snapshot: StateSnapshot | undefined, k: string): string => snapshot?.items.find((item) => key(item) === k)?.value ?? '—';
  const rows = [...keys].map(([k, item]) => {
    const was = value(before, k);
    const is = value(after, k);
    return `<tr class="${was === is ? 'restored' : 'differs'}"><td class="mono">${escapeHtml(item.target)}</td><td>${escapeHtml(item.field)}</td><td>${escapeHtml(was)}</td><td>${escapeHtml(is)}</td><td>${was === is ? 'restored' : '<strong>differs</strong>'}</td></tr>`;
  });
  const stamp = (snapshot: StateSnapshot | undefined): string => (snapshot === undefined ? 'not taken' : isoTime(snapshot.at));
  return `<table class="snapshots">
<thead><tr><th>Target</th><th>Setting</th><th>Before (${escapeHtml(stamp(before))})</th><th>After (${escapeHtml(stamp(after))})</th><th></th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}
