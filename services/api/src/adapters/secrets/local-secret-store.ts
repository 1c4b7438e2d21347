/**
 * Local secret store: one file per secret key under ETL_HOME/secrets/<name>/<key>, directories
 * 0700 and files 0600, written atomically. The local stand-in for Kubernetes Secrets: the domain
 * writes through {@link SecretWriter}; only the local runtime reads, to fill a run's env.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SecretWriter } from '../../domain/ports.js';

const SAFE_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

export interface SecretReader {
  /** The secret's value; throws a readable error when it does not exist. */
  read(name: string, key: string): Promise<string>;
}

export class LocalSecretStore implements SecretWriter, SecretReader {
  private readonly root: string;

  constructor(etlHome: string) {
    this.root = join(etlHome, 'secrets');
  }

  async put(name: string, key: string, value: string): Promise<void> {
    const dir = this.dir(name);
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const target = join(dir, this.safe(key));
    const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, value, { mode: 0o600 });
    await rename(temporary, target);
  }

  async remove(name: string): Promise<void> {
    await rm(this.dir(name), { recursive: true, force: true });
  }

  async read(name: string, key: string): Promise<string> {
    try {
      return await readFile(join(this.dir(name), this.safe(key)), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`secret ${name}/${key} does not exist in the local secret store`);
      throw err;
    }
  }

  private dir(name: string): string {
    return join(this.root, this.safe(name));
  }

  private safe(part: string): string {
    if (!SAFE_NAME.test(part)) throw new Error(`"${part}" is not a valid secret name (lowercase letters, digits, . and -)`);
    return part;
  }
}
