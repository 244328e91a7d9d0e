import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { ArrowLeft, FileOutput, FolderOpen } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportCreate, ExportFormat, FileRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { TextAreaField, TextField } from '@/components/ui/input';
import { RadioGroup } from '@/components/ui/radio-group';
import { SelectField } from '@/components/ui/select';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { fileQuery } from '@/features/files/api';
import { exportableKind } from '@/features/files/paths';
import { FileIcon } from '@/features/files/shared';
import { hasPermission, useMe } from '@/features/session/api';
import { fetchRuns, workflowsQuery } from '@/features/workflows/api';
import { useFormat } from '@/lib/format';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { FORMATS, settingsQuery, templatesQuery, useCreateExport } from './api';
import { FilePicker } from './FilePicker';
import { cleanTitle, type NewExportSearch } from './search';
import { TemplateSummary } from './TemplateSummary';

type SourceKind = 'file' | 'run' | 'content';

export function NewExportPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const search: NewExportSearch = useSearch({ strict: false });
  const me = useMe();
  const canRuns = hasPermission(me.data, 'workflows:read');
  const settings = useQuery(settingsQuery);
  const templates = useQuery(templatesQuery);
  const create = useCreateExport();
  const [kind, setKind] = useState<SourceKind>(search.run ? 'run' : 'file');
  const [fileId, setFileId] = useState(search.file ?? '');
  const [runId, setRunId] = useState(search.run ?? '');
  const [content, setContent] = useState('');
  const [contentType, setContentType] = useState<'markdown' | 'html'>('markdown');
  const [format, setFormat] = useState<ExportFormat | ''>('');
  const [template, setTemplate] = useState('');
  const [title, setTitle] = useState('');
  const [picking, setPicking] = useState(false);
  const file = useQuery({ ...fileQuery(fileId), enabled: Boolean(fileId) });
  const runs = useQuery({ queryKey: ['workflow-runs', 'list', 'succeeded'], queryFn: () => fetchRuns({ cursor: null, filters: { workflowId: '', status: 'succeeded' }, limit: 50 }), enabled: canRuns && kind === 'run' });
  const workflows = useQuery({ ...workflowsQuery, enabled: canRuns && kind === 'run' });
  // The tenant's defaults, once known, unless the person already chose.
  useEffect(() => {
    if (!settings.data) return;
    setFormat((current) => current || settings.data.format || 'pdf');
    setTemplate((current) => current || settings.data.template || '');
  }, [settings.data]);

  const chosen = templates.data?.find((tpl) => tpl.slug === template);
  const workflowName = (id: string) => workflows.data?.items.find((w) => w.id === id)?.name ?? t('workflows.runs.archivedWorkflow');
  const sourceReady = kind === 'file' ? Boolean(file.data) : kind === 'run' ? Boolean(runId) : Boolean(content.trim());
  const unsupported = kind === 'file' && file.data && exportableKind(file.data.content_type) === null;

  const submit = () => {
    const source: ExportCreate['source'] =
      kind === 'file' ? { kind: 'file', file_id: fileId } : kind === 'run' ? { kind: 'run', run_id: runId } : { kind: 'content', content, content_type: contentType };
    create.mutate(
      { source, format: format || null, template: template || null, title: cleanTitle(title) },
      { onSuccess: (job) => void navigate({ to: '/exports/$exportId', params: { exportId: job.id } }) },
    );
  };

  const sourceKinds = [
    { value: 'file', label: t('exports.new.sources.file'), description: t('exports.new.sources.fileHint') },
    ...(canRuns ? [{ value: 'run', label: t('exports.new.sources.run'), description: t('exports.new.sources.runHint') }] : []),
    { value: 'content', label: t('exports.new.sources.content'), description: t('exports.new.sources.contentHint') },
  ];

  return (
    <>
      <Link to="/exports" className="mb-2 inline-flex items-center gap-1 text-sm">
        <ArrowLeft aria-hidden className="rtl-flip size-4" />
        {t('exports.back')}
      </Link>
      <PageHeader title={t('exports.new.title')} description={t('exports.new.description')} />
      {!settings.data || !templates.data ? (
        settings.isError || templates.isError ? (
          <FormError error={settings.error ?? templates.error} />
        ) : (
          <SkeletonBlock label={t('common.loading')} lines={6} />
        )
      ) : (
        <form
          noValidate
          className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]"
          onSubmit={(e) => {
            e.preventDefault();
            if (sourceReady && !unsupported) submit();
          }}
        >
          <Card labelledBy="export-source">
            <CardHeader id="export-source" title={t('exports.new.source')} />
            <CardBody className="flex flex-col gap-4">
              <RadioGroup legend={t('exports.new.sourceKind')} value={kind} onValueChange={(v) => setKind(v as SourceKind)} options={sourceKinds} />
              {kind === 'file' && (
                <div className="flex flex-col gap-2">
                  <span className="text-sm font-medium" id="export-file-label">
                    {t('exports.new.file')}
                  </span>
                  {fileId && file.data ? (
                    <div className="flex flex-wrap items-center gap-3 rounded-lg border border-border bg-surface-muted/50 px-3 py-2.5" aria-labelledby="export-file-label" data-testid="export-file">
                      <FileIcon contentType={file.data.content_type} />
                      <div className="flex min-w-0 flex-1 flex-col">
                        <span className="font-medium [overflow-wrap:anywhere]" dir="auto">
                          {file.data.name}
                        </span>
                        <span className="text-xs text-fg-muted" dir="ltr">
                          {`${file.data.bucket}/${file.data.path}`} · {fmt.bytes(file.data.size)}
                        </span>
                      </div>
                      <Button variant="outline" size="sm" onClick={() => setPicking(true)}>
                        {t('exports.new.changeFile')}
                      </Button>
                    </div>
                  ) : fileId && file.isPending ? (
                    <SkeletonBlock label={t('common.loading')} lines={1} />
                  ) : (
                    <div>
                      {file.isError && <FormError error={file.error} />}
                      <Button variant="outline" onClick={() => setPicking(true)}>
                        <FolderOpen aria-hidden className="size-4" />
                        {t('exports.new.pickFile')}
                      </Button>
                    </div>
                  )}
                  {unsupported && <Alert tone="warning">{t('exports.new.unsupported', { type: file.data?.content_type ?? '' })}</Alert>}
                </div>
              )}
              {kind === 'run' && (
                <SelectField
                  label={t('exports.new.run')}
                  value={runId}
                  onValueChange={setRunId}
                  placeholder={runs.isPending ? t('common.loading') : t('exports.new.pickRun')}
                  options={(runs.data?.items ?? []).map((r) => ({ value: r.id, label: t('exports.new.runLabel', { workflow: workflowName(r.workflow_id), when: fmt.dateTime(r.created_at) }) }))}
                  hint={runs.data && runs.data.items.length === 0 ? t('exports.new.noRuns') : t('exports.new.runHint')}
                />
              )}
              {kind === 'content' && (
                <>
                  <RadioGroup
                    legend={t('exports.new.contentType')}
                    value={contentType}
                    onValueChange={(v) => setContentType(v as 'markdown' | 'html')}
                    options={[
                      { value: 'markdown', label: t('exports.new.markdown') },
                      { value: 'html', label: t('exports.new.html') },
                    ]}
                  />
                  <TextAreaField label={t('exports.new.content')} required dir="auto" value={content} onChange={(e) => setContent(e.target.value)} className="min-h-48 font-mono text-xs" error={fieldError(create.error, 'source.content')} />
                </>
              )}
            </CardBody>
          </Card>
          <Card labelledBy="export-options">
            <CardHeader id="export-options" title={t('exports.new.options')} />
            <CardBody className="flex flex-col gap-4">
              <FormError error={create.error} extra={unplacedFieldErrors(create.error, ['format', 'template', 'title', 'source.content'])} />
              <SelectField label={t('exports.new.format')} value={format} onValueChange={(v) => setFormat(v as ExportFormat)} options={FORMATS.map((f) => ({ value: f, label: t(`exports.formats.${f}`) }))} hint={format ? t(`exports.formatHints.${format}`) : undefined} error={fieldError(create.error, 'format')} />
              <SelectField label={t('exports.new.template')} value={template} onValueChange={setTemplate} options={templates.data.map((tpl) => ({ value: tpl.slug, label: tpl.name }))} error={fieldError(create.error, 'template')} />
              {chosen && <TemplateSummary template={chosen} />}
              <TextField label={t('exports.new.titleField')} value={title} onChange={(e) => setTitle(e.target.value)} hint={t('exports.new.titleHint')} dir="auto" maxLength={300} error={fieldError(create.error, 'title')} />
              <Button type="submit" loading={create.isPending} disabled={!sourceReady || Boolean(unsupported)}>
                <FileOutput aria-hidden className="size-4" />
                {t('exports.new.submit')}
              </Button>
            </CardBody>
          </Card>
        </form>
      )}
      <FilePicker
        open={picking}
        onOpenChange={setPicking}
        initialBucket={file.data?.bucket}
        onPick={(picked: FileRead) => {
          setFileId(picked.id);
          setPicking(false);
        }}
      />
    </>
  );
}
