import { AwsServiceError } from '../aws-errors.ts';
import { InputReader, createJsonRpcService } from '../json-rpc.ts';
import type { RoutingControl, SandboxState } from '../../sandbox-state.ts';
import type { AwsRequest, AwsServiceHandler } from '../service-handler.ts';
import { checkArcEndpoint } from './arc-cluster-endpoints.ts';

/**
 * The Route 53 ARC cluster data plane (awsJson 1.0, ToggleCustomerAPI): read and set routing
 * control states. Each routing control drives a RECOVERY_CONTROL health check, so turning one
 * Off fails its record over. Reached through the cluster's endpoints (see arc-cluster-endpoints):
 * one the topology marks unavailable refuses every call.
 */
export function createArcClusterApi(state: SandboxState): AwsServiceHandler {
  const through = (request: AwsRequest): void => checkArcEndpoint(state.topology.arcEndpoints, request);
  const find = (arn: string): RoutingControl => {
    const control = state.routingControl(arn);
    if (control === undefined) {
      throw new AwsServiceError('ResourceNotFoundException', 404, `Routing control ${arn} not found`, 'Sender', { resourceId: arn, resourceType: 'RoutingControl' });
    }
    return control;
  };
  const stateOf = (reader: InputReader, value: string): 'On' | 'Off' => {
    if (value !== 'On' && value !== 'Off') throw reader.invalid(`RoutingControlState: "${value}" is not On or Off`);
    return value;
  };
  return createJsonRpcService({
    signingName: 'route53-recovery-cluster',
    targetPrefix: 'ToggleCustomerAPI',
    version: '1.0',
    serviceName: 'Route 53 ARC cluster',
    operations: {
      GetRoutingControlState: {
        mutating: false,
        run: (input, request) => {
          through(request);
          const control = find(new InputReader(input).string('RoutingControlArn'));
          return { RoutingControlArn: control.arn, RoutingControlState: control.state, RoutingControlName: control.name };
        },
      },
      UpdateRoutingControlState: {
        mutating: true,
        run: (input, request) => {
          through(request);
          const reader = new InputReader(input);
          const control = find(reader.string('RoutingControlArn'));
          state.setRoutingControlStates([{ control, state: stateOf(reader, reader.string('RoutingControlState')) }]);
          return {};
        },
      },
      UpdateRoutingControlStates: {
        mutating: true,
        run: (input, request) => {
          through(request);
          const reader = new InputReader(input);
          const entries = reader.optionalObjectList('UpdateRoutingControlStateEntries');
          if (entries === undefined || entries.length === 0) throw reader.invalid('UpdateRoutingControlStateEntries: expected at least one entry');
          // Validate every entry before changing any: the call is one transaction.
          const changes = entries.map((entry) => {
            const entryReader = new InputReader(entry);
            return { control: find(entryReader.string('RoutingControlArn')), state: stateOf(entryReader, entryReader.string('RoutingControlState')) };
          });
          state.setRoutingControlStates(changes);
          return {};
        },
      },
      ListRoutingControls: {
        mutating: false,
        run: (input, request) => {
          through(request);
          const panel = new InputReader(input).optionalString('ControlPanelArn');
          const controls = state.routingControls().filter((c) => panel === undefined || c.controlPanelArn === panel);
          return {
            RoutingControls: controls.map((c) => ({
              ControlPanelArn: c.controlPanelArn,
              ControlPanelName: 'drdrill-sandbox',
              RoutingControlArn: c.arn,
              RoutingControlName: c.name,
              RoutingControlState: c.state,
              Owner: state.topology.accountId,
            })),
          };
        },
      },
    },
  });
}
