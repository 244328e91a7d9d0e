// Bits the export pages share (each page is its own chunk; this one is small).
import { useTranslation } from 'react-i18next';
import type { ExportRead, ExportStatus } from '@/client';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { ProgressBar } from '@/components/ui/progress';
import type { LivePhase } from '@/lib/live';
import { STAGES } from './api';

export const statusTone: Record<ExportStatus, BadgeTone> = { queued: 'neutral', running: 'primary', succeeded: 'success', failed: 'danger', cancelled: 'neutral' };

export function ExportStatusBadge({ status }: { status: ExportStatus }) {
  const { t } = useTranslation();
  return <Badge tone={statusTone[status]}>{t(`exports.status.${status}`)}</Badge>;
}

/** The renderer's stage in words ("Typesetting"), or as it was sent when not a known one. */
export function useStageLabel() {
  const { t } = useTranslation();
  return (stage: string) => ((STAGES as readonly string[]).includes(stage) ? t(`exports.stages.${stage}`) : stage);
}

/** An export's progress: a bar with the percentage and the stage it is at. */
export function ExportProgress({ job, compact = false }: { job: ExportRead; compact?: boolean }) {
  const { t } = useTranslation();
  const stage = useStageLabel();
  const percent = Math.round(job.progress * 100);
  const tone = job.status === 'succeeded' ? 'success' : job.status === 'failed' ? 'danger' : job.status === 'cancelled' ? 'neutral' : 'primary';
  const valueText = job.status === 'queued' ? t('exports.progress.queued') : job.stage ? t('exports.progress.value', { percent, stage: stage(job.stage) }) : t('exports.progress.percent', { percent });
  return (
    <div data-progress={job.progress} data-status={job.status}>
      <ProgressBar label={t('exports.progress.label', { title: job.title })} value={job.progress} max={1} tone={tone} valueText={valueText} hideLabel={compact} />
    </div>
  );
}

export function LiveBadge({ phase }: { phase: LivePhase }) {
  const { t } = useTranslation();
  const tone = phase === 'live' ? 'success' : phase === 'retrying' ? 'warning' : 'neutral';
  return (
    <span role="status" data-live={phase} className="inline-flex">
      <Badge tone={tone}>
        {phase === 'live' && <span aria-hidden className="size-2 animate-pulse rounded-full bg-success" />}
        {t(`exports.live.${phase}`)}
      </Badge>
    </span>
  );
}
