/**
 * Near-miss group tags. The reference matches tags exactly, so a device tagged
 * `microsoft365managed_autopilot` silently gets no deployment profile when the rule says
 * `Microsoft365Managed_Autopilot`. Given a tag that matches no rule and the tags the
 * customer's rules test for (`exactGroupTags`), this finds the tag that was probably meant.
 * @module
 */

/** How a tag differs from the one it was probably meant to be. */
export type NearMissReason =
  /** Only letter case differs: `sales` for `Sales`. */
  | 'case'
  /** Spaces around or inside: `Sales ` or `Sales  EU` for `Sales EU`. */
  | 'whitespace'
  /** `-`, `_` and space swapped or doubled: `Sales-EU` for `Sales_EU`. */
  | 'separator'
  /** Letters or digits added, dropped, changed or swapped (Damerau-Levenshtein edits). */
  | 'typo';

/** The tag that was probably meant, and how the given one differs from it. */
export interface NearMiss {
  readonly intended: string;
  /** In the order case, whitespace, separator, typo. */
  readonly reasons: NearMissReason[];
  /** Edits left after ignoring the other reasons; 0 unless `reasons` includes `typo`. */
  readonly distance: number;
}

const CASE = 1;
const WHITESPACE = 2;
const SEPARATOR = 4;
const ALL = CASE | WHITESPACE | SEPARATOR;
/** Every combination of the cheap differences, fewest first, so the first fit is minimal. */
const MASKS = [
  0,
  CASE,
  WHITESPACE,
  SEPARATOR,
  CASE | WHITESPACE,
  CASE | SEPARATOR,
  WHITESPACE | SEPARATOR,
  ALL,
];

/** `x` with the differences in `mask` ironed out. */
function ignoring(x: string, mask: number): string {
  let y = mask & CASE ? x.toLowerCase() : x;
  if (mask & WHITESPACE && mask & SEPARATOR) {
    y = y.trim().replace(/[\s_-]+/g, '_');
  } else if (mask & WHITESPACE) {
    y = y.replace(/\s+/g, '');
  } else if (mask & SEPARATOR) {
    y = y.replace(/[\s_-]+/g, '_');
  }
  return y;
}

/** Letters, digits and symbols only, lower-cased: equal for every mask of a string. */
function skeleton(x: string): string {
  return x.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * How many typing errors a suggestion may assume, by the length of the intended tag's
 * skeleton (its letters and digits). Two edits from the brief's rule for tags of five or
 * more. Shorter tags are where distinct real tags sit one edit apart (`EU`/`US`,
 * `HR`/`IT`): two-character tags get no typo suggestions at all, three and four
 * characters at most one edit (`Kiosk` typed `Kiosl`, `SP01` typed `SP10`). Case,
 * whitespace and separator differences are suggested at any length.
 */
export function typoAllowance(length: number): number {
  return length >= 5 ? 2 : length >= 3 ? 1 : 0;
}

// Three reusable rows: a call allocates no matrix, whatever the lengths.
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)] as const;

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein where no substring is edited
 * twice; an adjacent transposition costs one), or `limit + 1` once it must exceed
 * `limit`. Only the diagonal band of width `2 · limit + 1` is computed (Ukkonen), so a
 * call costs O(length · limit).
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  const m = a.length;
  const n = b.length;
  const over = limit + 1;
  if (Math.abs(m - n) > limit) {
    return over;
  }
  if (rows[0].length <= n + 1) {
    rows = [new Int32Array(n + 2), new Int32Array(n + 2), new Int32Array(n + 2)];
  }
  let [before, previous, current] = rows;
  for (let j = 0; j <= n; j++) {
    previous[j] = j < over ? j : over;
  }
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(1, i - limit);
    const hi = Math.min(n, i + limit);
    // Cells just outside the band read as "too far".
    current[lo - 1] = lo === 1 ? (i < over ? i : over) : over;
    current[hi + 1] = over;
    const ca = a.charCodeAt(i - 1);
    let rowMin = current[lo - 1]!;
    for (let j = lo; j <= hi; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = previous[j - 1]! + (ca === cb ? 0 : 1);
      const del = previous[j]! + 1;
      const ins = current[j - 1]! + 1;
      d = del < d ? del : d;
      d = ins < d ? ins : d;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const swap = before[j - 2]! + 1;
        d = swap < d ? swap : d;
      }
      current[j] = d > over ? over : d;
      rowMin = d < rowMin ? d : rowMin;
    }
    // A row's minimum never drops by more than a transposition recovers: stop early.
    if (rowMin > limit) {
      return over;
    }
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[n]!, over);
}

/** The fewest reasons that explain `tag` → `known` with `distance` edits left. */
function reasonsFor(tag: string, known: string, distance: number): NearMissReason[] {
  const mask =
    MASKS.find(
      (m) => boundedEditDistance(ignoring(tag, m), ignoring(known, m), distance) <= distance,
    ) ?? ALL;
  const reasons: NearMissReason[] = [];
  if (mask & CASE) {
    reasons.push('case');
  }
  if (mask & WHITESPACE) {
    reasons.push('whitespace');
  }
  if (mask & SEPARATOR) {
    reasons.push('separator');
  }
  if (distance > 0) {
    reasons.push('typo');
  }
  return reasons;
}

/**
 * Fewest edits left among the ways of ignoring case, whitespace and separators. Ignoring
 * case never adds edits, so only the masks with CASE need trying, and of those the one
 * without whitespace or separator handling is never better than removing whitespace.
 */
function bestDistance(tag: string, known: string, limit: number): number {
  let best = limit + 1;
  for (const mask of [ALL, CASE | WHITESPACE, CASE | SEPARATOR]) {
    best = Math.min(best, boundedEditDistance(ignoring(tag, mask), ignoring(known, mask), best));
    if (best === 0) {
      break;
    }
  }
  return best;
}

/**
 * The known tag that `tag` was probably meant to be, or `null` when it matches one
 * exactly, is empty, or is not close to any. Closest wins: fewest edits, then fewest
 * reasons, then the earlier known tag. Cheap when `tag` matches exactly (the usual
 * case); otherwise each known tag costs one bounded edit distance on short skeletons,
 * and only candidates within reach pay for the full comparison. Callers with many rows
 * should still cache the answer per distinct tag.
 */
export function findNearMiss(tag: string, knownTags: readonly string[]): NearMiss | null {
  if (tag.trim() === '' || knownTags.includes(tag)) {
    return null;
  }
  const tagSkeleton = skeleton(tag);
  let best: NearMiss | null = null;
  for (const known of knownTags) {
    const knownSkeleton = skeleton(known);
    if (knownSkeleton === '') {
      continue;
    }
    const limit = Math.min(typoAllowance(knownSkeleton.length), best?.distance ?? Infinity);
    // Ironing out case, spaces and separators never adds edits, so the skeletons'
    // distance is a lower bound: most unrelated tags stop here.
    if (boundedEditDistance(tagSkeleton, knownSkeleton, limit) > limit) {
      continue;
    }
    const distance = bestDistance(tag, known, limit);
    if (distance > limit) {
      continue;
    }
    const reasons = reasonsFor(tag, known, distance);
    if (
      best === null ||
      distance < best.distance ||
      (distance === best.distance && reasons.length < best.reasons.length)
    ) {
      best = { intended: known, reasons, distance };
    }
  }
  return best;
}

function listWords(words: readonly string[]): string {
  return words.length <= 1
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** How the mismatch reads in a message: "differs in letter case and by one typing error". */
function differences(miss: NearMiss): string {
  const kinds = miss.reasons.flatMap((r) =>
    r === 'case'
      ? ['letter case']
      : r === 'whitespace'
        ? ['spaces']
        : r === 'separator'
          ? ['separators (-, _ or space)']
          : [],
  );
  const parts = kinds.length > 0 ? [`in ${listWords(kinds)}`] : [];
  if (miss.distance > 0) {
    parts.push(miss.distance === 1 ? 'by one typing error' : `by ${miss.distance} typing errors`);
  }
  return `differs ${parts.join(' and ')}`;
}

/** The warning shown on a row whose tag is a near miss, and what to do about it. */
export function describeNearMiss(
  tag: string,
  miss: NearMiss,
): { readonly message: string; readonly hint: string } {
  return {
    message:
      `Group tag "${tag}" matches no profile rule, so the device will receive NO deployment ` +
      `profile. Did you mean "${miss.intended}"? (${differences(miss)})`,
    hint:
      `Use the group tag "${miss.intended}" exactly as written (tags are matched exactly, ` +
      `letter case included), or add an assignment rule for "${tag}".`,
  };
}
