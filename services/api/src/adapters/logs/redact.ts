/**
 * Last line of defence against secrets in logs: every line the control plane writes passes
 * through here with the secret values it knows (session secret, OIDC client secret, database
 * password, source passwords it handled). Callers should not log secrets in the first place.
 */

export const REDACTED = '[REDACTED]';

/**
 * The spellings a secret can take in a log line: as is, escaped inside a JSON string (quotes,
 * backslashes, control characters), and percent-encoded in a URL (`postgres://u:p%40ss@host`).
 */
function spellings(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  return [...forms];
}

/** Replaces every occurrence of every non-empty secret (longest first, so no fragment survives). */
export function redactSecrets(line: string, secrets: Iterable<string>): string {
  const forms = [...new Set([...secrets].filter((s) => s.length > 0).flatMap(spellings))].sort((a, b) => b.length - a.length);
  let result = line;
  for (const form of forms) {
    if (result.includes(form)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** Query parameters whose values are credentials in this product (OIDC callback, tokens). */
const SENSITIVE_PARAMETERS = new Set(['code', 'state', 'token', 'access_token', 'id_token', 'refresh_token', 'password', 'secret', 'client_secret', 'api_key', 'key']);

function parameterName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase(); // malformed percent-encoding: compare as written
  }
}

/** A URL (absolute or path) with the values of credential-bearing query parameters replaced. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const hashStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, hashStart < 0 ? undefined : hashStart);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = parameterName(eq < 0 ? pair : pair.slice(0, eq));
      return eq >= 0 && SENSITIVE_PARAMETERS.has(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${redacted}`;
}
