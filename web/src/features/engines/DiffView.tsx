import { useTranslation } from 'react-i18next';
import type { FieldChange } from '@/client';
import { cn } from '@/lib/cn';
import { changeLines, type DiffLine } from './diff';

const lineClasses: Record<DiffLine['kind'], string> = {
  add: 'bg-success-soft text-fg',
  remove: 'bg-danger-soft text-fg',
  context: 'text-fg',
  hunk: 'bg-surface-muted text-fg-muted',
  file: 'text-fg-muted',
};

const markers: Record<DiffLine['kind'], string> = { add: '+', remove: '−', context: ' ', hunk: '', file: '' };

/** One field's changes, line by line: a visible +/− marker and a spoken "added"/"removed". */
function FieldDiff({ change }: { change: FieldChange }) {
  const { t } = useTranslation();
  const lines = changeLines(change).filter((line) => line.kind !== 'file');
  const id = `diff-${change.field}`;
  const added = lines.filter((l) => l.kind === 'add').length;
  const removed = lines.filter((l) => l.kind === 'remove').length;
  return (
    <section aria-labelledby={id} className="overflow-hidden rounded-lg border border-border">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-border bg-surface-muted px-3 py-2">
        <h2 id={id} className="text-sm font-semibold">
          {t(`engines.fieldNames.${change.field}`, { defaultValue: change.field })}
        </h2>
        <p className="text-xs text-fg-muted">{t('engines.diff.counts', { added, removed })}</p>
      </header>
      <ol dir="ltr" className="m-0 list-none overflow-x-auto p-0 font-mono text-xs leading-5">
        {lines.map((line, index) => (
          <li key={index} className={cn('flex min-w-max gap-3 px-3 whitespace-pre', lineClasses[line.kind])}>
            <span aria-hidden className="w-3 shrink-0 text-center font-bold select-none">
              {markers[line.kind]}
            </span>
            {line.kind === 'add' && <span className="sr-only">{t('engines.diff.added')}</span>}
            {line.kind === 'remove' && <span className="sr-only">{t('engines.diff.removed')}</span>}
            <span>{line.text || ' '}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function DiffView({ changes }: { changes: FieldChange[] }) {
  const { t } = useTranslation();
  if (changes.length === 0) return <p className="rounded-md border border-dashed border-border-strong px-4 py-6 text-center text-sm text-fg-muted">{t('engines.diff.same')}</p>;
  return (
    <div className="flex flex-col gap-4">
      <p className="flex flex-wrap gap-4 text-xs text-fg-muted">
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className="inline-flex size-4 items-center justify-center rounded-sm bg-success-soft font-mono font-bold text-fg">
            +
          </span>
          {t('engines.diff.legendAdded')}
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className="inline-flex size-4 items-center justify-center rounded-sm bg-danger-soft font-mono font-bold text-fg">
            −
          </span>
          {t('engines.diff.legendRemoved')}
        </span>
      </p>
      {changes.map((change) => (
        <FieldDiff key={change.field} change={change} />
      ))}
    </div>
  );
}
