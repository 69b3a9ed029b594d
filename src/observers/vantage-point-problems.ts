import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { VantagePoint } from '../drill/vantage-point.ts';

/**
 * The preflight check of vantage points: every `sourceAddress` must be an address this machine
 * can send from, or each of its queries would be an ERROR row for the whole drill. Found by
 * binding a UDP socket to it, as the prober will.
 *
 * @returns one problem per address that cannot be bound, with its field path; empty when all can.
 */
export async function vantagePointProblems(vantagePoints: readonly VantagePoint[], path = 'vantagePoints'): Promise<string[]> {
  const checks = vantagePoints.map(async (vantage, index) => {
    if (vantage.sourceAddress === undefined) return [];
    const failure = await bindFailure(vantage.sourceAddress);
    return failure === undefined
      ? []
      : [`${path}[${index}].sourceAddress: ${vantage.sourceAddress} is not an address this machine can send from (${failure}); expected a local address, such as 127.0.0.11 on loopback`];
  });
  return (await Promise.all(checks)).flat();
}

/** Why a UDP socket cannot be bound to `address` (an error code), or undefined when it can. */
function bindFailure(address: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(isIP(address) === 6 ? 'udp6' : 'udp4');
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(error.code ?? error.message);
    });
    socket.bind({ address, port: 0 }, () => socket.close(() => resolve(undefined)));
  });
}
