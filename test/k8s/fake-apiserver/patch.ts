/** JSON merge patch (RFC 7386) and the part of strategic merge patch our objects need. */

type Json = unknown;
const isPlainObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, Json> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Strategic merge: like merge patch, but lists of objects with a `name` merge item by item (containers, env, volumes). */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (Array.isArray(patch) && Array.isArray(target) && patch.every((p) => isPlainObject(p) && typeof p.name === 'string')) {
    const merged = target.map((item) => structuredClone(item));
    for (const item of patch as Record<string, Json>[]) {
      const index = merged.findIndex((m) => isPlainObject(m) && m.name === item.name);
      if (index >= 0) merged[index] = strategicMergePatch(merged[index], item);
      else merged.push(structuredClone(item));
    }
    return merged;
  }
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, Json> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = strategicMergePatch(result[key], value);
  }
  return result;
}
