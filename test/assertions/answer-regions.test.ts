import { expect } from 'chai';
import { answerRegions, describeAnswer, isAnswerOn, knownRegions } from '../../src/assertions/answer-regions.ts';
import type { DnsObservation } from '../../src/runner/timeline.ts';

const base = { at: 1, resolver: '127.0.0.1:53', name: 'api.example.com', rcode: 'NOERROR', latencyMs: 1 } as const;
const staticMap = { '10.0.0.1': 'us-east-1', '10.0.0.2': 'us-west-2' };

describe('answerRegions', () => {
  it('reads an old observation (no regions field) through the static address map, in answer order', () => {
    const old: DnsObservation = { ...base, addresses: ['10.0.0.2', '10.0.0.9', '10.0.0.1'] };
    expect(answerRegions(old, staticMap)).to.deep.equal({ regions: ['us-west-2', 'us-east-1'], unidentified: ['10.0.0.9'] });
    expect(describeAnswer(old, staticMap)).to.equal('us-west-2+us-east-1+10.0.0.9');
  });

  it('prefers what was identified at observation time over the static map', () => {
    // The static map would say us-east-1; the identifier, which followed the address move, said eu-west-1.
    const identified: DnsObservation = { ...base, addresses: ['10.0.0.1'], regions: ['eu-west-1'], unidentified: [] };
    expect(answerRegions(identified, staticMap)).to.deep.equal({ regions: ['eu-west-1'], unidentified: [] });
    expect(isAnswerOn(identified, staticMap, 'eu-west-1')).to.equal(true);
    expect(isAnswerOn(identified, staticMap, 'us-east-1')).to.equal(false);
  });

  it('is on a region only when the answer has addresses and none is unidentified', () => {
    const partly: DnsObservation = { ...base, addresses: ['10.0.0.1', '10.0.0.9'], regions: ['us-east-1'], unidentified: ['10.0.0.9'] };
    const empty: DnsObservation = { ...base, addresses: [], rcode: 'NXDOMAIN', regions: ['us-east-1'] };
    expect(isAnswerOn(partly, {}, 'us-east-1')).to.equal(false);
    expect(isAnswerOn(empty, {}, 'us-east-1')).to.equal(false);
    expect(describeAnswer(empty, {})).to.equal('NXDOMAIN');
  });

  it('knows the regions of the static map, of the address mappings and of identified answers', () => {
    const known = knownRegions({
      regionsByAddress: { '10.0.0.1': 'us-east-1' },
      addressMappings: [
        { at: 1, region: 'eu-west-1', name: 'd-1.execute-api.eu-west-1.amazonaws.com', addresses: ['10.1.0.1'] },
        { at: 1, region: 'eu-south-1', name: 'd-2.execute-api.eu-south-1.amazonaws.com', addresses: [] },
      ],
      dns: [{ ...base, addresses: ['10.2.0.1'], regions: ['eu-west-2'] }],
    });
    expect([...known].sort()).to.deep.equal(['eu-west-1', 'eu-west-2', 'us-east-1']);
  });
});
