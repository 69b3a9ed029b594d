import { expect } from 'chai';
import { DsseFormatError, envelopeBody, envelopeOf, parseEnvelope, preAuthEncoding } from '../../src/evidence/dsse.ts';

describe('DSSE v1 envelopes', () => {
  it('encodes the PAE exactly as the protocol’s example: "DSSEv1 29 http://example.com/HelloWorld 11 hello world"', () => {
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString('utf8')).to.equal('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('counts bytes, not characters, in both lengths', () => {
    expect(preAuthEncoding('é', Buffer.from('中文')).toString('utf8')).to.equal('DSSEv1 2 é 6 中文');
    expect(preAuthEncoding('t', new Uint8Array()).toString('utf8')).to.equal('DSSEv1 1 t 0 ');
  });

  it('round-trips an envelope: payload and sig are standard base64 of the exact bytes', () => {
    const body = Buffer.from('{"_type":"x"}');
    const envelope = envelopeOf('application/vnd.in-toto+json', body, { keyid: 'k', bytes: Buffer.from([0x30, 0x45, 0xff]) });
    expect(envelope).to.deep.equal({ payload: 'eyJfdHlwZSI6IngifQ==', payloadType: 'application/vnd.in-toto+json', signatures: [{ keyid: 'k', sig: 'MEX/' }] });
    const parsed = parseEnvelope(JSON.stringify(envelope), 'test');
    expect(envelopeBody(parsed).equals(body)).to.equal(true);
  });

  it('names the field when the text is not an envelope', () => {
    const bad = (value: unknown) => () => parseEnvelope(JSON.stringify(value), 'a.jsonl');
    expect(() => parseEnvelope('{', 'a.jsonl')).to.throw(DsseFormatError, /^a\.jsonl is not JSON/);
    expect(bad([])).to.throw(DsseFormatError, 'a.jsonl: expected a DSSE envelope object');
    expect(bad({ payload: 'not base64!', payloadType: 't', signatures: [] })).to.throw(DsseFormatError, 'a.jsonl: payload: expected a base64 string');
    expect(bad({ payload: '', payloadType: 1, signatures: [] })).to.throw(DsseFormatError, 'a.jsonl: payloadType: expected a string');
    expect(bad({ payload: '', payloadType: 't', signatures: {} })).to.throw(DsseFormatError, 'a.jsonl: signatures: expected a list');
    expect(bad({ payload: '', payloadType: 't', signatures: [{ keyid: 'k' }] })).to.throw(DsseFormatError, 'a.jsonl: signatures[0].sig: expected a base64 string');
  });
});
