/** A whole-number setting from the environment, clamped to [min, max]; `fallback` when unset. */
export function boundedInt(name, fallback, min, max) {
  const raw = Number(process.env[name] ?? fallback);
  return Number.isFinite(raw) ? Math.min(max, Math.max(min, Math.round(raw))) : fallback;
}
