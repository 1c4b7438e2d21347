/**
 * Where the CLI finds the control plane and its token: ETL_MONITOR_URL / ETL_MONITOR_TOKEN, else
 * the config file `etl-monitor login` writes ($XDG_CONFIG_HOME or ~/.config, then
 * etl-monitor/config.json). The file holds a secret, so it is written 0600 in a 0700 directory.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { EXIT } from './exit-codes.js';

export interface ClientSettings {
  url: string;
  token: string;
}

/** A failure with the exit code to end with (and nothing more to print than its message). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'etl-monitor', 'config.json');
}

function readConfigFile(path: string): Partial<ClientSettings> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return {
      ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}),
      ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}),
    };
  } catch {
    throw new CliError(`${path} is not valid JSON; run \`etl-monitor login --url … --token …\` again`, EXIT.unauthenticated);
  }
}

export function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`"${url}" is not a URL (e.g. https://etl.example.com)`, EXIT.usage);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`"${url}" must be http:// or https://`, EXIT.usage);
  return parsed.toString().replace(/\/+$/, '');
}

/** The environment wins over the file, per value. */
export function resolveSettings(env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const file = readConfigFile(configPath(env));
  const url = env.ETL_MONITOR_URL || file.url;
  const token = env.ETL_MONITOR_TOKEN || file.token;
  if (!url || !token) {
    throw new CliError(
      `no ${!url ? 'control plane URL' : 'API token'}: set ETL_MONITOR_URL and ETL_MONITOR_TOKEN, or run \`etl-monitor login --url https://… --token etl_…\` (create a token on the API tokens page)`,
      EXIT.unauthenticated,
    );
  }
  return { url: normalizeUrl(url), token };
}

export function writeConfigFile(settings: ClientSettings, env: NodeJS.ProcessEnv = process.env): string {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Write then rename so a reader never sees half a file; mode set explicitly (umask may widen it).
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
  return path;
}
