import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A fresh EC P-256 key pair as PEM files in `dir`: `<name>.pem` (PKCS#8) and `<name>.pub.pem` (SPKI). */
export async function writeKeyPair(dir: string, name: string): Promise<{ readonly privatePath: string; readonly publicPath: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePath = join(dir, `${name}.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  await writeFile(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(publicPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privatePath, publicPath };
}
