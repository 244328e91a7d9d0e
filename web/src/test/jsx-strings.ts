// Finds user-facing text written directly in JSX instead of going through i18next.
import ts from 'typescript';

/** Attributes whose value a user reads or hears. */
export const USER_FACING_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  'placeholder',
  'title',
  'alt',
  'label',
  'description',
  'hint',
  'caption',
  'content',
  'confirmLabel',
  'emptyLabel',
]);

export interface Finding {
  file: string;
  line: number;
  text: string;
  where: string;
}

const hasWords = (text: string) => /\p{L}/u.test(text);

function stringValue(node: ts.Node | undefined): string | null {
  if (!node) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isJsxExpression(node)) return stringValue(node.expression);
  if (ts.isParenthesizedExpression(node)) return stringValue(node.expression);
  if (ts.isConditionalExpression(node)) return stringValue(node.whenTrue) ?? stringValue(node.whenFalse);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.BarBarToken) return stringValue(node.right) ?? stringValue(node.left);
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => s.literal.text).join('');
  return null;
}

export function findJsxStrings(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const findings: Finding[] = [];
  const report = (node: ts.Node, text: string, where: string) => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    findings.push({ file, line: line + 1, text: text.trim(), where });
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text)) {
      report(node, node.text, 'text');
    } else if (ts.isJsxExpression(node) && node.parent && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      const value = stringValue(node.expression);
      if (value !== null && hasWords(value)) report(node, value, 'child expression');
    } else if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(sf);
      if (USER_FACING_ATTRIBUTES.has(name)) {
        const value = stringValue(node.initializer);
        if (value !== null && hasWords(value)) report(node, value, `${name}=`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

/** Static keys of t('...') calls, and the fixed prefixes of t(`...${x}`) calls. */
export function findTranslationKeys(source: string): { keys: string[]; prefixes: string[] } {
  const keys: string[] = [];
  const prefixes: string[] = [];
  for (const m of source.matchAll(/\bt\(\s*'([^']+)'/g)) keys.push(m[1]!);
  for (const m of source.matchAll(/\bt\(\s*`([^`]+)`/g)) {
    const text = m[1]!;
    if (text.includes('${')) prefixes.push(text.split('${')[0]!);
    else keys.push(text);
  }
  return { keys, prefixes };
}
