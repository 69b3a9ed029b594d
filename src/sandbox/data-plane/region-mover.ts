import { isIPv4 } from 'node:net';
import type { SharedPortServers } from './regional-endpoint.ts';
import type { ResolvedTopology } from '../topology/resolve-topology.ts';
import type { SandboxState } from '../sandbox-state.ts';

/** A move the sandbox cannot make (unknown region, address not free loopback). */
export class InvalidRegionMoveError extends Error {
  override readonly name = 'InvalidRegionMoveError';
}

/**
 * `Sandbox.moveRegion`: the region's endpoint listens on the new address as well (once per
 * address; the old ones keep answering, as a moved endpoint's old address drains), then the
 * state points the region's API Gateway names there.
 */
export function regionMover(topology: ResolvedTopology, http: SharedPortServers, state: SandboxState): (region: string, address: string) => Promise<void> {
  const listening = new Map(topology.regions.map((r) => [r.name, new Set([r.address])]));
  return async (region, address) => {
    const own = listening.get(region);
    if (own === undefined) throw new InvalidRegionMoveError(`moveRegion: region "${region}" is not one of ${[...listening.keys()].join(', ')}`);
    if (!isIPv4(address) || !address.startsWith('127.')) throw new InvalidRegionMoveError(`moveRegion: address "${address}" is not an IPv4 address in 127.0.0.0/8`);
    const owner = [...listening].find(([name, addresses]) => name !== region && addresses.has(address))?.[0];
    if (owner !== undefined) throw new InvalidRegionMoveError(`moveRegion: address "${address}" is already region ${owner}'s`);
    if (topology.edge?.address === address) throw new InvalidRegionMoveError(`moveRegion: address "${address}" is the edge's`);
    if (!own.has(address)) {
      await http.listenAlso(region, address);
      own.add(address);
    }
    state.moveRegion(region, address);
  };
}
