// Bits the workflow pages share (each page is its own chunk; this one is small).
import type { RunStatus } from '@/client';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { useTranslation } from 'react-i18next';
import type { ProblemGroup, ShownStatus } from './definition';

export const runTone: Record<RunStatus, BadgeTone> = { running: 'primary', paused: 'warning', succeeded: 'success', failed: 'danger', cancelled: 'neutral' };

export const nodeTone: Record<ShownStatus, BadgeTone> = {
  not_started: 'neutral',
  pending: 'neutral',
  queued: 'neutral',
  running: 'primary',
  waiting: 'warning',
  succeeded: 'success',
  failed: 'danger',
  skipped: 'neutral',
  cancelled: 'neutral',
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  const { t } = useTranslation();
  return <Badge tone={runTone[status]}>{t(`workflows.runStatus.${status}`)}</Badge>;
}

export function NodeStatusBadge({ status }: { status: ShownStatus }) {
  const { t } = useTranslation();
  return <Badge tone={nodeTone[status]}>{t(`workflows.nodeStatus.${status}`)}</Badge>;
}

export function Json({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre dir="ltr" aria-label={label} tabIndex={0} className="max-h-72 overflow-auto rounded-md bg-surface-muted p-3 font-mono text-xs whitespace-pre-wrap break-words">
      {typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** Validation problems, one block per node (the workflow's own first). */
export function ProblemList({ groups, id }: { groups: ProblemGroup[]; id?: string }) {
  const { t } = useTranslation();
  return (
    <div id={id} className="flex flex-col gap-3" data-testid="problems">
      {groups.map((group) => (
        <section key={group.nodeId ?? ''} aria-label={group.nodeId ? t('workflows.problems.node', { node: group.nodeId }) : t('workflows.problems.workflow')} className="rounded-lg border border-danger/40 bg-danger-soft px-4 py-3">
          <h3 className="text-sm font-semibold text-fg">
            {group.nodeId ? (
              <>
                {t('workflows.problems.nodeHeading')}{' '}
                <code dir="ltr" className="rounded bg-surface px-1.5 py-0.5 text-xs">
                  {group.nodeId}
                </code>
              </>
            ) : (
              t('workflows.problems.workflow')
            )}
          </h3>
          <ul className="mt-1.5 flex list-disc flex-col gap-1 ps-5 text-sm text-fg">
            {group.problems.map((p, i) => (
              <li key={`${p.field}-${i}`}>
                {p.message}{' '}
                <code dir="ltr" className="text-xs text-fg-muted">
                  {p.field}
                </code>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
