import { expect } from 'chai';
import { formatDuration, parseDuration } from '../../src/drill/duration.ts';

describe('parseDuration', () => {
  it('reads single units and combinations into milliseconds', () => {
    expect(parseDuration('500ms')).to.equal(500);
    expect(parseDuration('30s')).to.equal(30_000);
    expect(parseDuration('2m')).to.equal(120_000);
    expect(parseDuration('1h')).to.equal(3_600_000);
    expect(parseDuration('1m30s')).to.equal(90_000);
    expect(parseDuration('1.5s')).to.equal(1500);
  });

  it('rejects text that is not wholly a duration', () => {
    for (const text of ['5 parsecs', '', '10', 's', '3x', '10s garbage', '-5s']) {
      expect(parseDuration(text), text).to.equal(undefined);
    }
  });
});

describe('formatDuration', () => {
  it('picks a unit people read easily', () => {
    expect(formatDuration(850)).to.equal('850 ms');
    expect(formatDuration(3420)).to.equal('3.42 s');
    expect(formatDuration(3000)).to.equal('3 s');
    expect(formatDuration(125_000)).to.equal('2 m 5 s');
  });

  it('rounds before splitting into minutes and seconds', () => {
    expect(formatDuration(59_999)).to.equal('1 m');
    expect(formatDuration(119_600)).to.equal('2 m');
    expect(formatDuration(59_994)).to.equal('59.99 s');
    expect(formatDuration(999.6)).to.equal('1 s');
  });
});
