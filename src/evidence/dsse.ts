/**
 * DSSE (Dead Simple Signing Envelope) v1, the envelope in-toto attestations travel in.
 *
 * The signature covers the pre-authentication encoding (PAE) of the payload type and the
 * payload bytes, never the JSON of the envelope, so a verifier needs nothing but these bytes
 * and the public key: `openssl dgst -sha256 -verify key.pem -signature sig.der pae.bin`.
 */

/** The payload type of an in-toto Statement inside a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** One signature of an envelope. `keyid` is an unauthenticated hint: the verifier decides which key it trusts. */
export interface DsseSignature {
  readonly keyid: string;
  /** Base64 (standard alphabet, padded) of the signer's raw output: for ECDSA, the DER-encoded (r, s). */
  readonly sig: string;
}

export interface DsseEnvelope {
  /** Base64 of the serialized body. */
  readonly payload: string;
  readonly payloadType: string;
  readonly signatures: readonly DsseSignature[];
}

/** Thrown when text is not a DSSE envelope at all (as opposed to one whose signature fails). */
export class DsseFormatError extends Error {
  override readonly name = 'DsseFormatError';
}

/**
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where LEN is the byte
 * length in ASCII decimal without leading zeros. These are the exact bytes that are signed.
 */
export function preAuthEncoding(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${body.length} `, 'ascii'), body]);
}

/** The envelope for `body` with one signature. */
export function envelopeOf(payloadType: string, body: Uint8Array, signature: { readonly keyid: string; readonly bytes: Uint8Array }): DsseEnvelope {
  return {
    payload: Buffer.from(body).toString('base64'),
    payloadType,
    signatures: [{ keyid: signature.keyid, sig: Buffer.from(signature.bytes).toString('base64') }],
  };
}

/**
 * Parses an envelope and checks its shape (not its signature).
 *
 * @throws DsseFormatError naming the first field that is missing or of the wrong type.
 */
export function parseEnvelope(text: string, source: string): DsseEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DsseFormatError(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new DsseFormatError(`${source}: expected a DSSE envelope object`);
  const { payload, payloadType, signatures } = json as Record<string, unknown>;
  if (typeof payload !== 'string' || !isBase64(payload)) throw new DsseFormatError(`${source}: payload: expected a base64 string`);
  if (typeof payloadType !== 'string') throw new DsseFormatError(`${source}: payloadType: expected a string`);
  if (!Array.isArray(signatures)) throw new DsseFormatError(`${source}: signatures: expected a list`);
  const parsed = signatures.map((entry: unknown, index): DsseSignature => {
    const { keyid, sig } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof sig !== 'string' || !isBase64(sig)) throw new DsseFormatError(`${source}: signatures[${index}].sig: expected a base64 string`);
    return { keyid: typeof keyid === 'string' ? keyid : '', sig };
  });
  return { payload, payloadType, signatures: parsed };
}

/** The payload bytes of an envelope. */
export function envelopeBody(envelope: DsseEnvelope): Buffer {
  return Buffer.from(envelope.payload, 'base64');
}

// DSSE allows either base64 alphabet; Node's decoder accepts both, but silently skips junk.
function isBase64(value: string): boolean {
  return /^[A-Za-z0-9+/_-]*={0,2}$/.test(value);
}
