/** A whole-number setting from the environment, clamped to [min, max]; `fallback` when unset. */
export function boundedInt(name, fallback, min, max) {
  const raw = Number(process.env[name] ?? fallback);
  return Number.isFinite(raw) ? Math.min(max, Math.max(min, Math.round(raw))) : fallback;
}

/**
 * A comma-separated list from the environment, each name one of `allowed`, in `allowed`'s order;
 * `fallback` when unset. A name not allowed is an error rather than silently left out.
 */
export function namesFrom(name, allowed, fallback = allowed) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return [...fallback];
  const names = raw.split(",").map((word) => word.trim()).filter(Boolean);
  const unknown = names.filter((word) => !allowed.includes(word));
  if (unknown.length > 0) {
    throw new Error(`${name}: ${unknown.join(", ")} unknown; choose from ${allowed.join(", ")}`);
  }
  return allowed.filter((word) => names.includes(word));
}
