// Lines of a version diff: the API's unified diffs for prompts, and a line diff of the
// pretty-printed JSON for the other fields (schemas, parameters, model).

export type DiffLineKind = 'add' | 'remove' | 'context' | 'hunk' | 'file';

export interface DiffLine {
  kind: DiffLineKind;
  /** The line without its +, - or space marker. */
  text: string;
}

/** Lines of a unified diff (`difflib.unified_diff` output). */
export function parseUnifiedDiff(diff: string): DiffLine[] {
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line): DiffLine => {
    if (line.startsWith('+++') || line.startsWith('---')) return { kind: 'file', text: line.slice(4) };
    if (line.startsWith('@@')) return { kind: 'hunk', text: line };
    if (line.startsWith('+')) return { kind: 'add', text: line.slice(1) };
    if (line.startsWith('-')) return { kind: 'remove', text: line.slice(1) };
    if (line.startsWith('\\')) return { kind: 'hunk', text: line };
    return { kind: 'context', text: line.startsWith(' ') ? line.slice(1) : line };
  });
}

/** A line diff of two texts (longest common subsequence; fine for prompts and schemas). */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: the common length of a[i:] and b[j:].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'context', text: a[i]! });
      i += 1;
      j += 1;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: 'remove', text: a[i]! });
      i += 1;
    } else {
      out.push({ kind: 'add', text: b[j]! });
      j += 1;
    }
  }
  while (i < n) out.push({ kind: 'remove', text: a[i++]! });
  while (j < m) out.push({ kind: 'add', text: b[j++]! });
  return out;
}

/** A field's value as text to diff: strings as they are, the rest as indented JSON. */
export function diffText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** Unchanged lines more than `context` lines away from a change, folded into one "⋯" line. */
export function compact(lines: DiffLine[], context = 3): DiffLine[] {
  const near = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line.kind === 'add' || line.kind === 'remove') {
      for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j += 1) near[j] = true;
    }
  });
  const out: DiffLine[] = [];
  lines.forEach((line, i) => {
    if (near[i]) out.push(line);
    else if (out[out.length - 1]?.kind !== 'hunk') out.push({ kind: 'hunk', text: '⋯' });
  });
  return out;
}

/**
 * Whether a parsed unified diff agrees with the texts it compares: every removed line is a
 * line of the old text and every added one a line of the new. (A text whose last line has no
 * newline comes out of Python's difflib glued to the next line: such a diff is not used.)
 */
export function diffMatches(lines: DiffLine[], before: string, after: string): boolean {
  const old = new Set(before.split('\n'));
  const added = new Set(after.split('\n'));
  return lines.every((line) => (line.kind === 'remove' ? old.has(line.text) : line.kind === 'add' ? added.has(line.text) : true));
}

/** The lines to show for one changed field: the API's unified diff, or one made here. */
export function changeLines(change: { before: unknown; after: unknown; diff?: string }): DiffLine[] {
  const before = diffText(change.before);
  const after = diffText(change.after);
  if (change.diff) {
    const parsed = parseUnifiedDiff(change.diff);
    if (diffMatches(parsed, before, after)) return parsed;
  }
  return compact(diffLines(before, after));
}
