import { useTranslation } from 'react-i18next';
import { Badge } from '@/components/ui/badge';
import { useFormat } from '@/lib/format';
import type { ExportTemplate } from './api';

/** A template's layout in a few words: page, type, contents, numbering. */
export function TemplateSummary({ template }: { template: ExportTemplate }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const l = template.layout;
  const size = l.page_size ?? 'a4';
  const margins = l.margins ?? { top: 20, right: 20, bottom: 20, left: 20 };
  const facts: Array<[string, string]> = [
    [t('exports.layout.pageSize'), t(`exports.layout.pageSizes.${size}`)],
    [t('exports.layout.bodyFont'), `${l.body_font ?? 'Libertinus Serif'}, ${t('exports.layout.points', { size: fmt.number(l.font_size ?? 11) })}`],
    [t('exports.layout.margins'), t('exports.layout.marginsValue', { top: fmt.number(margins.top ?? 20), right: fmt.number(margins.right ?? 20), bottom: fmt.number(margins.bottom ?? 20), left: fmt.number(margins.left ?? 20) })],
  ];
  const flags = [
    l.cover !== false && t('exports.layout.cover'),
    l.title_page !== false && t('exports.layout.titlePage'),
    l.toc !== false && t('exports.layout.tocDepth', { depth: l.toc_depth ?? 2 }),
    l.page_numbers !== false && t('exports.layout.pageNumbers'),
    l.chapter_page_breaks !== false && t('exports.layout.chapterBreaks'),
  ].filter((f): f is string => Boolean(f));
  return (
    <div className="flex flex-col gap-2 rounded-lg border border-border bg-surface-muted/50 p-3 text-sm" data-template={template.slug}>
      {(template.description || l.description) && <p className="text-fg-muted">{template.description || l.description}</p>}
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 gap-y-1">
        {facts.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="font-medium text-fg-muted">{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <ul className="flex flex-wrap gap-1.5" aria-label={t('exports.layout.includes')}>
        {flags.map((flag) => (
          <li key={flag}>
            <Badge>{flag}</Badge>
          </li>
        ))}
        <li>
          <span className="inline-flex items-center gap-1.5 text-xs text-fg-muted">
            <span aria-hidden className="inline-block size-3 rounded-sm border border-border" style={{ backgroundColor: l.accent_color ?? '#1f3a5f' }} />
            {t('exports.layout.accent', { color: l.accent_color ?? '#1f3a5f' })}
          </span>
        </li>
      </ul>
    </div>
  );
}
