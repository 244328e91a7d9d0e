import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { Archive, ArrowLeft, History, Rocket } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkflowDetail } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { ConfirmDialog } from '@/components/ui/dialog';
import { SelectField } from '@/components/ui/select';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { versionTone } from '@/features/engines/shared';
import { hasPermission, useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { isApiError } from '@/lib/problem';
import { shapeOf } from './definition';
import { DefinitionEditor } from './DefinitionEditor';
import { StartRun } from './StartRun';
import { Triggers } from './Triggers';
import { useArchiveWorkflow, usePublish, workflowQuery, type WorkflowVersion } from './api';

function VersionsTable({ workflow, canWrite, onOpen }: { workflow: WorkflowDetail; canWrite: boolean; onOpen: (n: number) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const publish = usePublish(workflow.id);
  const rows = [...workflow.versions].sort((a, b) => b.number - a.number);
  const columns: Column<WorkflowVersion>[] = [
    { id: 'number', header: t('workflows.versions.version'), sortValue: (v) => v.number, cell: (v) => <span className="font-medium">{t('workflows.versionNumber', { number: v.number })}</span> },
    { id: 'status', header: t('workflows.versions.status'), sortValue: (v) => v.status, cell: (v) => <Badge tone={versionTone[v.status]}>{t(`workflows.versionStatus.${v.status}`)}</Badge> },
    { id: 'nodes', header: t('workflows.versions.nodes'), align: 'end', cell: (v) => <span className="tabular-nums">{fmt.number(shapeOf(v.definition).nodes.length)}</span> },
    { id: 'notes', header: t('workflows.editor.notes'), cell: (v) => <span className="line-clamp-2 max-w-64 text-fg-muted">{v.notes}</span> },
    { id: 'created', header: t('workflows.versions.created'), sortValue: (v) => v.created_at, cell: (v) => <span className="whitespace-nowrap">{fmt.dateTime(v.created_at)}</span> },
    { id: 'published', header: t('workflows.versions.published'), sortValue: (v) => v.published_at ?? '', cell: (v) => <span className="whitespace-nowrap">{v.published_at ? fmt.dateTime(v.published_at) : ''}</span> },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (v) => (
        <div className="flex justify-end gap-1">
          <Button variant="ghost" size="sm" onClick={() => onOpen(v.number)} aria-label={t('workflows.versions.openNamed', { number: v.number })}>
            {t('workflows.versions.open')}
          </Button>
          {canWrite && v.status === 'draft' && (
            <Button
              size="sm"
              loading={publish.isPending && publish.variables === v.number}
              onClick={() => publish.mutate(v.number, { onSuccess: () => toast({ title: t('workflows.editor.published', { number: v.number }), variant: 'success' }) })}
              aria-label={t('workflows.editor.publish', { number: v.number })}
            >
              <Rocket aria-hidden className="size-3.5" />
              {t('workflows.versions.publish')}
            </Button>
          )}
        </div>
      ),
    },
  ];
  return (
    <div className="flex flex-col gap-3">
      {/* A refused publish lists its problems in the editor, where they can be fixed. */}
      <FormError error={publish.error} />
      <DataTable caption={t('workflows.versions.caption')} columns={columns} rows={rows} rowKey={(v) => v.id} empty={null} />
    </div>
  );
}

export function WorkflowPage() {
  const { t } = useTranslation();
  const { toast } = useToast();
  const navigate = useNavigate();
  const { workflowId = '' } = useParams({ strict: false });
  const me = useMe();
  const canWrite = hasPermission(me.data, 'workflows:write');
  const canRun = hasPermission(me.data, 'workflows:run');
  const workflow = useQuery(workflowQuery(workflowId));
  const archive = useArchiveWorkflow();
  const [tab, setTab] = useState('editor');
  const [selected, setSelected] = useState<number | null>(null);
  const [archiving, setArchiving] = useState(false);

  const back = (
    <Link to="/workflows" className="mb-2 inline-flex items-center gap-1 text-sm">
      <ArrowLeft aria-hidden className="rtl-flip size-4" />
      {t('workflows.back')}
    </Link>
  );
  if (workflow.isError) {
    return (
      <>
        {back}
        <PageHeader title={t('workflows.title')} />
        <ErrorState error={workflow.error} onRetry={() => void workflow.refetch()} />
      </>
    );
  }
  if (!workflow.data) return <SkeletonBlock label={t('common.loading')} lines={6} />;
  const data = workflow.data;
  const number = selected ?? data.latest_version;
  const version = data.versions.find((v) => v.number === number) ?? data.versions[data.versions.length - 1];

  return (
    <>
      {back}
      <PageHeader
        title={data.name}
        description={
          <>
            {data.description && <span dir="auto">{data.description} </span>}
            <code dir="ltr" className="text-xs">
              {data.slug}
            </code>
          </>
        }
        actions={
          <>
            {data.published_version ? <Badge tone="success">{t('workflows.publishedVersion', { number: data.published_version })}</Badge> : <Badge tone="warning">{t('workflows.notPublished')}</Badge>}
            <Link to="/workflow-runs" search={{ workflow: data.id }} className={buttonClasses('outline', 'md', 'no-underline')}>
              <History aria-hidden className="size-4" />
              {t('workflows.viewRuns', { count: data.runs })}
            </Link>
            {canWrite && (
              <Button variant="ghost" onClick={() => setArchiving(true)}>
                <Archive aria-hidden className="size-4" />
                {t('workflows.archive.button')}
              </Button>
            )}
          </>
        }
      />
      <Tabs value={tab} onValueChange={setTab}>
        <TabsList label={t('workflows.tabs.label')}>
          <TabsTrigger value="editor">{t('workflows.tabs.editor')}</TabsTrigger>
          <TabsTrigger value="versions">{t('workflows.tabs.versions')}</TabsTrigger>
          {canRun && <TabsTrigger value="run">{t('workflows.tabs.run')}</TabsTrigger>}
          <TabsTrigger value="triggers">{t('workflows.tabs.triggers')}</TabsTrigger>
        </TabsList>
        <TabsContent value="editor" className="flex flex-col gap-6">
          <SelectField
            label={t('workflows.editor.pick')}
            value={String(version?.number ?? '')}
            onValueChange={(v) => setSelected(Number(v))}
            fieldClassName="max-w-xs"
            options={[...data.versions].sort((a, b) => b.number - a.number).map((v) => ({ value: String(v.number), label: `${t('workflows.versionNumber', { number: v.number })} · ${t(`workflows.versionStatus.${v.status}`)}` }))}
          />
          {version && <DefinitionEditor key={version.id} workflow={data} version={version} canWrite={canWrite} onSelect={setSelected} />}
        </TabsContent>
        <TabsContent value="versions">
          <VersionsTable
            workflow={data}
            canWrite={canWrite}
            onOpen={(n) => {
              setSelected(n);
              setTab('editor');
            }}
          />
        </TabsContent>
        {canRun && (
          <TabsContent value="run">
            <StartRun key={data.published_version ?? 0} workflow={data} />
          </TabsContent>
        )}
        <TabsContent value="triggers">
          <Triggers workflow={data} canWrite={canWrite} />
        </TabsContent>
      </Tabs>
      <ConfirmDialog
        open={archiving}
        onOpenChange={setArchiving}
        title={t('workflows.archive.title', { name: data.name })}
        description={t('workflows.archive.description')}
        confirmLabel={t('workflows.archive.button')}
        pending={archive.isPending}
        onConfirm={() =>
          archive.mutate(data.id, {
            onSuccess: () => {
              toast({ title: t('workflows.archive.done', { name: data.name }), variant: 'success' });
              void navigate({ to: '/workflows' });
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      />
    </>
  );
}
