import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AwsServiceError } from '../aws-errors.ts';

/** The only kind of key the sandbox makes: what drdrill signs evidence with. */
export const SANDBOX_KEY_SPEC = 'ECC_NIST_P256';
export const SANDBOX_KEY_USAGE = 'SIGN_VERIFY';

/** The alias of the key every sandbox run signs its evidence with. */
export const SANDBOX_EVIDENCE_KEY_ALIAS = 'alias/drdrill-evidence';

/** One asymmetric KMS key. The private half never leaves the sandbox process. */
export interface KmsKey {
  readonly id: string;
  readonly arn: string;
  readonly region: string;
  readonly description: string;
  readonly createdAt: number;
  readonly privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo, as GetPublicKey returns it. */
  readonly publicKeyDer: Buffer;
}

/** KMS keys and aliases, per region, as KMS scopes them. */
export class KmsKeyStore {
  readonly #accountId: string;
  readonly #keys = new Map<string, KmsKey>();
  /** `<region> <alias name>` → key id. */
  readonly #aliases = new Map<string, string>();

  constructor(accountId: string) {
    this.#accountId = accountId;
  }

  /**
   * A new ECC_NIST_P256 signing key. With `privateKey` (a persisted sandbox key) the key id is
   * derived from its public key, so the same key file gives the same ARN in every sandbox.
   */
  create(region: string, description: string, privateKey?: KeyObject): KmsKey {
    const key = privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const publicKeyDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const id = privateKey === undefined ? randomUUID() : uuidFrom(publicKeyDer);
    const created: KmsKey = { id, arn: `arn:aws:kms:${region}:${this.#accountId}:key/${id}`, region, description, createdAt: Date.now(), privateKey: key, publicKeyDer };
    this.#keys.set(`${region} ${id}`, created);
    return created;
  }

  /** @throws AwsServiceError ValidationException, AlreadyExistsException, NotFoundException */
  createAlias(region: string, aliasName: string, targetKeyId: string): void {
    if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(aliasName) || aliasName.startsWith('alias/aws/')) {
      throw new AwsServiceError('ValidationException', 400, `1 validation error detected: Value '${aliasName}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$`);
    }
    if (this.#aliases.has(`${region} ${aliasName}`)) {
      throw new AwsServiceError('AlreadyExistsException', 400, `An alias with the name ${this.#aliasArn(region, aliasName)} already exists`);
    }
    const key = this.resolve(region, targetKeyId);
    this.#aliases.set(`${region} ${aliasName}`, key.id);
  }

  aliases(region: string): { readonly name: string; readonly arn: string; readonly keyId: string }[] {
    return [...this.#aliases]
      .filter(([key]) => key.startsWith(`${region} `))
      .map(([key, keyId]) => {
        const name = key.slice(region.length + 1);
        return { name, arn: this.#aliasArn(region, name), keyId };
      });
  }

  /**
   * The key a `KeyId` parameter names: key id, key ARN, alias name or alias ARN, as KMS accepts.
   *
   * @throws AwsServiceError NotFoundException worded as KMS words it.
   */
  resolve(region: string, keyId: string): KmsKey {
    const arn = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/.exec(keyId);
    const [keyRegion, account, kind, name] = arn === null ? [region, this.#accountId, keyId.startsWith('alias/') ? 'alias' : 'key', keyId.replace(/^alias\//, '')] : arn.slice(1);
    if (kind === 'alias') {
      const target = account === this.#accountId ? this.#aliases.get(`${keyRegion} alias/${name}`) : undefined;
      const key = target === undefined ? undefined : this.#keys.get(`${keyRegion} ${target}`);
      if (key === undefined) throw new AwsServiceError('NotFoundException', 400, `Alias ${this.#aliasArn(keyRegion ?? region, `alias/${name}`)} is not found.`);
      return key;
    }
    const key = account === this.#accountId ? this.#keys.get(`${keyRegion} ${name}`) : undefined;
    if (key === undefined) throw new AwsServiceError('NotFoundException', 400, `Key '${`arn:aws:kms:${keyRegion}:${account}:key/${name}`}' does not exist`);
    return key;
  }

  #aliasArn(region: string, aliasName: string): string {
    return `arn:aws:kms:${region}:${this.#accountId}:${aliasName}`;
  }
}

/**
 * The sandbox's evidence key from a PKCS#8 PEM file, created (mode 0600) when the file does not
 * exist yet, so runs signed by one sandbox still verify with the next one, as a real KMS key
 * outlives any one drill.
 */
export async function loadOrCreateKeyFile(path: string): Promise<KeyObject> {
  try {
    return createPrivateKey(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await mkdir(dirname(path), { recursive: true });
  // 'wx': two sandboxes starting at once must not overwrite each other's key.
  try {
    await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return createPrivateKey(await readFile(path, 'utf8'));
    throw error;
  }
  return privateKey;
}

/** A KMS-shaped key id (a UUID) derived from the public key. */
function uuidFrom(publicKeyDer: Buffer): string {
  const hex = createHash('sha256').update(publicKeyDer).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
