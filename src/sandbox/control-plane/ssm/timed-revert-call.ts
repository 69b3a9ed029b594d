import type { AwsApiCall } from '../../../aws/aws-api-call.ts';
import { ALREADY_REVERTED_ERRORS } from '../../../aws/timed-revert-runbook.ts';

/**
 * The runbook's revert step, as runbooks/drdrill-TimedRevert.yaml makes it: the undo call, where the
 * error its target answers when it is already as the undo would leave it counts as success.
 *
 * @returns the call's output, or `{ AlreadyReverted: <code> }`.
 * @throws the call's error when it is anything else.
 */
export async function makeRevertCall(call: AwsApiCall, invoke: (call: AwsApiCall) => Promise<unknown>): Promise<unknown> {
  try {
    return await invoke(call);
  } catch (error) {
    const code = error instanceof Error ? error.name : undefined;
    const tolerated = ALREADY_REVERTED_ERRORS.find((entry) => entry.service === call.service && entry.api === call.api && entry.code === code);
    if (tolerated === undefined) throw error;
    if (tolerated.confirmBy === 'matching-api-mapping' && !(await mappingInPlace(call, invoke))) throw error;
    return { AlreadyReverted: tolerated.code };
  }
}

interface ApiMappingItem {
  readonly ApiId?: string;
  readonly Stage?: string;
  readonly ApiMappingKey?: string;
}

/** A conflicting key is "already reverted" only if it maps the API and stage the undo would. */
async function mappingInPlace(call: AwsApiCall, invoke: (call: AwsApiCall) => Promise<unknown>): Promise<boolean> {
  const request = call.request as { DomainName?: string; ApiId?: string; Stage?: string; ApiMappingKey?: string };
  const output = (await invoke({ ...call, api: 'GetApiMappings', request: { DomainName: request.DomainName } })) as { Items?: readonly ApiMappingItem[] };
  return (output.Items ?? []).some(
    (mapping) => mapping.ApiId === request.ApiId && mapping.Stage === request.Stage && (mapping.ApiMappingKey ?? '') === (request.ApiMappingKey ?? ''),
  );
}
