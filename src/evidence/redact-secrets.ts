/** What replaces a secret in any output. */
export const REDACTED = '[REDACTED]';

/** Environment variable names whose values are credentials or otherwise secret. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|SESSION|AUTH|COOKIE|SIGNATURE|DSN/i;

/** Object keys (in run.json and friends) whose values are never written. */
const SECRET_KEY = /secret|token|password|passwd|passphrase|credential|authorization|cookie|privatekey|api[-_]?key|sessionkey/i;

/** Whether a key (or an HTTP header name) names a secret, so its value is never written. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Values shorter than this are not treated as secrets: redacting `1`, `true` or `sandbox`
 * everywhere would shred the report and protect nothing.
 */
const MIN_SECRET_LENGTH = 8;

/** Shapes of credentials that are recognisable without knowing their value. */
const SECRET_PATTERNS: readonly RegExp[] = [
  // AWS access key ids (long-term AKIA…, temporary ASIA…).
  /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
  // PEM private keys.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // `Authorization: Bearer …` / SigV4 headers copied into a message.
  /\b(?:Bearer|AWS4-HMAC-SHA256)\s+[A-Za-z0-9._~+/=,-]{12,}/g,
];

/** Password in a URL's userinfo: `https://user:pass@host` keeps `user`. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)([^\s/@]+)@/gi;

/** Turns any text into text safe to write: known secret values and secret-shaped strings removed. */
export type Redactor = (text: string) => string;

/**
 * The values of secret-looking environment variables (AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, GITHUB_TOKEN, *_PASSWORD, …), longest first so a secret that contains
 * another is removed whole.
 */
export function secretValuesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH || !SECRET_NAME.test(name)) continue;
    values.add(value);
    // The same secret often travels URL- or JSON-encoded.
    values.add(encodeURIComponent(value));
    values.add(JSON.stringify(value).slice(1, -1));
  }
  return [...values].filter((value) => value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * A redactor for the current environment (read once, when called): removes every secret
 * environment value and every secret-shaped string (AWS access key ids, PEM private keys,
 * bearer/SigV4 authorization values, URL passwords). Every writer of run output passes its
 * text through one, as the last line of defence behind not recording secrets at all.
 */
export function createRedactor(env: NodeJS.ProcessEnv = process.env, extraSecrets: readonly string[] = []): Redactor {
  const literals = [...secretValuesFromEnv(env), ...extraSecrets.filter((value) => value.length >= MIN_SECRET_LENGTH)].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => {
    let out = text;
    for (const literal of literals) if (out.includes(literal)) out = out.split(literal).join(REDACTED);
    for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
    return out.replace(URL_PASSWORD, `$1${REDACTED}@`);
  };
}

/**
 * JSON.stringify that drops the value of any secret-named key (`secretAccessKey`,
 * `sessionToken`, `Authorization`, `password`, …) and then redacts the text, so a drill
 * definition carrying a header or credential cannot leak it into run.json.
 */
export function stringifyRedacted(value: unknown, redact: Redactor, space = 2): string {
  const text = JSON.stringify(
    value,
    (key, inner: unknown) => (key !== '' && SECRET_KEY.test(key) && inner !== null && typeof inner !== 'object' ? REDACTED : inner),
    space,
  );
  return redact(text);
}

/**
 * A deep copy of `value` with every string passed through `redact` and every secret-named
 * key's scalar value replaced, so renderers working from the copy cannot reproduce a secret in
 * any encoding (HTML-escaped, JSON-escaped, XML attribute) the text-level pass might miss.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  const walk = (inner: unknown, key: string): unknown => {
    if (typeof inner === 'string') return key !== '' && SECRET_KEY.test(key) ? REDACTED : redact(inner);
    if (typeof inner !== 'object' || inner === null) return key !== '' && SECRET_KEY.test(key) && inner !== null && inner !== undefined ? REDACTED : inner;
    if (Array.isArray(inner)) return inner.map((item) => walk(item, ''));
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(inner)) out[redact(name)] = walk(item, name);
    return out;
  };
  return walk(value, '') as T;
}
