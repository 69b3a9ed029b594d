import { expect } from 'chai';
import { createRedactor, redactDeep, REDACTED, secretValuesFromEnv, stringifyRedacted } from '../../src/evidence/redact-secrets.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ';

describe('secret redaction', () => {
  const env = { AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN, HOME: '/home/ops', CI_DEBUG: 'true', GITHUB_TOKEN: 'short' };
  const redact = createRedactor(env);

  it('takes the values of secret-named variables and leaves ordinary or short ones alone', () => {
    const values = secretValuesFromEnv(env);
    expect(values).to.include(SECRET).and.include(TOKEN).and.include(encodeURIComponent(SECRET));
    expect(values).not.to.include('/home/ops');
    expect(values).not.to.include('short');
  });

  it('removes secret values wherever they appear, raw or URL-encoded', () => {
    expect(redact(`key=${SECRET}; token=${TOKEN}; again ${encodeURIComponent(SECRET)}`)).to.equal(`key=${REDACTED}; token=${REDACTED}; again ${REDACTED}`);
    expect(redact('home is /home/ops')).to.equal('home is /home/ops');
  });

  it('removes credential-shaped strings without knowing them: access key ids, bearer tokens, URL passwords, PEM keys', () => {
    const text = [
      'key AKIAIOSFODNN7EXAMPLE used',
      'Authorization: Bearer abcdefghijklmnop.qrstuvwxyz',
      'https://deploy:hunter2hunter2@git.example.com/repo',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    expect(redact(text)).to.equal(
      [`key ${REDACTED} used`, `Authorization: ${REDACTED}`, `https://deploy:${REDACTED}@git.example.com/repo`, REDACTED].join('\n'),
    );
  });

  it('drops the values of secret-named keys in JSON and in deep copies', () => {
    const value = { headers: { Authorization: 'Basic abc', accept: 'json' }, sessionToken: 'x', nested: [{ password: 42 }], note: `uses ${SECRET}` };
    expect(JSON.parse(stringifyRedacted(value, redact))).to.deep.equal({
      headers: { Authorization: REDACTED, accept: 'json' },
      sessionToken: REDACTED,
      nested: [{ password: REDACTED }],
      note: `uses ${REDACTED}`,
    });
    expect(redactDeep(value, redact)).to.deep.equal(JSON.parse(stringifyRedacted(value, redact)));
    expect(value.sessionToken).to.equal('x');
  });
});
