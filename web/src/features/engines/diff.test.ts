import { describe, expect, it } from 'vitest';
import { changeLines, compact, diffLines, parseUnifiedDiff } from './diff';

describe('parseUnifiedDiff', () => {
  it('reads the file headers, hunks, additions, removals and context', () => {
    const diff = '--- v1/prompt_template\n+++ v2/prompt_template\n@@ -1,2 +1,2 @@\n Summarise this text\n-in 3 sentences\n+in {{ sentences }} sentences\n';
    expect(parseUnifiedDiff(diff)).toEqual([
      { kind: 'file', text: 'v1/prompt_template' },
      { kind: 'file', text: 'v2/prompt_template' },
      { kind: 'hunk', text: '@@ -1,2 +1,2 @@' },
      { kind: 'context', text: 'Summarise this text' },
      { kind: 'remove', text: 'in 3 sentences' },
      { kind: 'add', text: 'in {{ sentences }} sentences' },
    ]);
  });
});

describe('changeLines', () => {
  it('uses the API diff when it agrees with the texts', () => {
    const diff = '--- v1/notes\n+++ v2/notes\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n';
    expect(changeLines({ before: 'keep\nold\n', after: 'keep\nnew\n', diff }).map((l) => l.kind)).toEqual(['file', 'file', 'hunk', 'context', 'remove', 'add']);
  });

  it('makes its own when a last line without newline got glued to the next', () => {
    const diff = '--- v1/prompt_template\n+++ v2/prompt_template\n@@ -1 +1 @@\n-Echo: {{ text }}+Echo twice: {{ text }}';
    expect(changeLines({ before: 'Echo: {{ text }}', after: 'Echo twice: {{ text }}', diff })).toEqual([
      { kind: 'remove', text: 'Echo: {{ text }}' },
      { kind: 'add', text: 'Echo twice: {{ text }}' },
    ]);
  });

  it('folds unchanged lines far from a change', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n');
    const after = before.replace('i', 'I');
    expect(compact(diffLines(before, after), 1)).toEqual([
      { kind: 'hunk', text: '⋯' },
      { kind: 'context', text: 'h' },
      { kind: 'remove', text: 'i' },
      { kind: 'add', text: 'I' },
      { kind: 'context', text: 'j' },
    ]);
  });
});

describe('diffLines', () => {
  it('keeps common lines and marks the rest', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { kind: 'context', text: 'a' },
      { kind: 'remove', text: 'b' },
      { kind: 'add', text: 'x' },
      { kind: 'context', text: 'c' },
      { kind: 'add', text: 'd' },
    ]);
    expect(diffLines('', 'new')).toEqual([{ kind: 'add', text: 'new' }]);
    expect(diffLines('old', '')).toEqual([{ kind: 'remove', text: 'old' }]);
  });

  it('diffs JSON values through their indented text', () => {
    const lines = changeLines({ before: { temperature: 0.2, max_tokens: 256 }, after: { temperature: 0.7, max_tokens: 256 } });
    expect(lines.filter((l) => l.kind !== 'context')).toEqual([
      { kind: 'remove', text: '  "temperature": 0.2,' },
      { kind: 'add', text: '  "temperature": 0.7,' },
    ]);
    expect(changeLines({ before: 'mock-small', after: 'mock-large' })).toEqual([
      { kind: 'remove', text: 'mock-small' },
      { kind: 'add', text: 'mock-large' },
    ]);
  });
});
