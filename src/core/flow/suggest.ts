/**
 * "Did you mean" suggestions for misspelt step ids, fields, events, sounds and flows.
 */

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), so `biling`
 * → `billing` is 1 and `dnoe` → `done` is 1.
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a plausible typo: a
 * case-only difference always qualifies (`bargein` → `bargeIn`); otherwise at most a third
 * of the word's length may differ (at least one edit).
 * @example
 * closestMatch('biling', ['billing', 'support']); // 'billing'
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    // Case-insensitive distance decides; the case-sensitive one breaks ties.
    const score = editDistance(lower, c.toLowerCase()) * 100 + editDistance(word, c);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best !== undefined && Math.floor(bestScore / 100) <= limit ? best : undefined;
}

/** `did you mean \`x\`?` for the closest candidate, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = closestMatch(word, candidates);
  return match === undefined ? undefined : `did you mean \`${match}\`?`;
}
