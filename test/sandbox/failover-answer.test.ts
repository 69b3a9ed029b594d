import { expect } from 'chai';
import { evaluateAnswer } from '../../src/sandbox/failover-answer.ts';
import type { ZoneRecord } from '../../src/sandbox/hosted-zone.ts';

const primary: ZoneRecord = { name: 'api.x', type: 'A', ttl: 1, failover: 'PRIMARY', values: ['127.0.0.2'], healthCheckId: 'p' };
const secondary: ZoneRecord = { name: 'api.x', type: 'A', ttl: 1, failover: 'SECONDARY', values: ['127.0.0.3'], healthCheckId: 's' };

function healthOf(status: Record<string, boolean>): (id: string) => boolean {
  return (id) => status[id] ?? true;
}

describe('failover answer evaluation', () => {
  it('answers the primary while it is healthy, whatever the secondary', () => {
    expect(evaluateAnswer([primary, secondary], healthOf({ p: true, s: false }))).to.deep.equal(['127.0.0.2']);
  });

  it('answers the secondary when the primary is unhealthy and the secondary healthy', () => {
    expect(evaluateAnswer([primary, secondary], healthOf({ p: false, s: true }))).to.deep.equal(['127.0.0.3']);
  });

  it('answers the primary when both are unhealthy', () => {
    expect(evaluateAnswer([primary, secondary], healthOf({ p: false, s: false }))).to.deep.equal(['127.0.0.2']);
  });

  it('counts a secondary without a health check as healthy', () => {
    const { healthCheckId: _unused, ...bare } = secondary;
    expect(evaluateAnswer([primary, bare], healthOf({ p: false }))).to.deep.equal(['127.0.0.3']);
  });

  it('answers every value of a simple record', () => {
    const simple: ZoneRecord = { name: 'ns.x', type: 'A', ttl: 5, values: ['127.0.0.1', '127.0.0.9'] };
    expect(evaluateAnswer([simple], healthOf({}))).to.deep.equal(['127.0.0.1', '127.0.0.9']);
  });
});
