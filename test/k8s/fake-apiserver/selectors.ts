/** Label and field selectors as the API server understands them (the subset our client sends). */

type Requirement = (labels: Record<string, string>) => boolean;

function parseRequirement(term: string): Requirement {
  const setMatch = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const [, key, op, list] = setMatch;
    const values = list!.split(',').map((v) => v.trim());
    return op === 'in' ? (l) => values.includes(l[key!] ?? '\u0000') : (l) => !values.includes(l[key!] ?? '\u0000');
  }
  const neq = /^([^!=]+)!=(.*)$/.exec(term);
  if (neq) return (l) => l[neq[1]!] !== neq[2];
  const eq = /^([^!=]+)==?(.*)$/.exec(term);
  if (eq) return (l) => l[eq[1]!] === eq[2];
  if (term.startsWith('!')) return (l) => !(term.slice(1) in l);
  return (l) => term in l;
}

/** Splits on commas that are not inside a `(…)` set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') terms.push(current.trim());
  return terms;
}

export function labelMatcher(selector: string | null | undefined): (labels: Record<string, string> | undefined) => boolean {
  if (!selector) return () => true;
  const requirements = splitTerms(selector).map(parseRequirement);
  return (labels) => requirements.every((r) => r(labels ?? {}));
}

function fieldValue(object: unknown, path: string): string | undefined {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? undefined : String(current);
}

export function fieldMatcher(selector: string | null | undefined): (object: unknown) => boolean {
  if (!selector) return () => true;
  const terms = splitTerms(selector).map((term) => {
    const neq = /^([^!=]+)!=(.*)$/.exec(term);
    if (neq) return (o: unknown) => fieldValue(o, neq[1]!) !== neq[2];
    const eq = /^([^!=]+)==?(.*)$/.exec(term);
    if (!eq) throw new Error(`unsupported field selector term "${term}"`);
    return (o: unknown) => fieldValue(o, eq[1]!) === eq[2];
  });
  return (object) => terms.every((t) => t(object));
}
