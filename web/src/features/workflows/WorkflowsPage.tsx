import { Link, useNavigate } from '@tanstack/react-router';
import { LayoutTemplate, Plus, Workflow } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listWorkflowsApiWorkflowsGet, type WorkflowRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/input';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { slugify } from '@/features/engines/api';
import { hasPermission, useMe } from '@/features/session/api';
import { unwrap } from '@/lib/api';
import { useFormat } from '@/lib/format';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { useCreateWorkflow } from './api';

/** What a new workflow starts with: one node that echoes its input. */
export const STARTER_DEFINITION = {
  inputs: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  nodes: [{ id: 'echo', type: 'template', config: { template: '{{ inputs.text }}' } }],
  edges: [],
  outputs: { text: '{{ nodes.echo.output.text }}' },
};

function NewWorkflowDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const navigate = useNavigate();
  const create = useCreateWorkflow();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [description, setDescription] = useState('');
  const shownSlug = slugTouched ? slug : slugify(name);
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        onOpenChange(o);
        if (!o) create.reset();
      }}
    >
      <DialogContent
        title={t('workflows.create.title')}
        description={t('workflows.create.description')}
        footer={
          <>
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" form="new-workflow" loading={create.isPending}>
              {t('workflows.create.submit')}
            </Button>
          </>
        }
      >
        <form
          id="new-workflow"
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(
              { name: name.trim(), slug: shownSlug, description, definition: STARTER_DEFINITION },
              {
                onSuccess: (workflow) => {
                  toast({ title: t('workflows.create.done', { name: workflow.name }), variant: 'success' });
                  onOpenChange(false);
                  void navigate({ to: '/workflows/$workflowId', params: { workflowId: workflow.id } });
                },
              },
            );
          }}
        >
          <FormError error={create.error} extra={unplacedFieldErrors(create.error, ['name', 'slug', 'description'])} />
          <TextField label={t('workflows.fields.name')} required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(create.error, 'name')} />
          <TextField
            label={t('workflows.fields.slug')}
            required
            dir="ltr"
            value={shownSlug}
            onChange={(e) => {
              setSlugTouched(true);
              setSlug(e.target.value);
            }}
            hint={t('workflows.fields.slugHint')}
            error={fieldError(create.error, 'slug')}
          />
          <TextAreaField label={t('workflows.fields.description')} value={description} onChange={(e) => setDescription(e.target.value)} error={fieldError(create.error, 'description')} />
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function WorkflowsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const me = useMe();
  const canWrite = hasPermission(me.data, 'workflows:write');
  const [creating, setCreating] = useState(false);
  const { query, rows, pagination } = usePagedQuery({
    queryKey: ['workflows', 'pages'],
    filters: null,
    fetchPage: ({ cursor }) => unwrap(listWorkflowsApiWorkflowsGet({ query: { cursor, limit: 25 } })),
  });
  const columns: Column<WorkflowRead>[] = [
    {
      id: 'name',
      header: t('workflows.columns.name'),
      sortValue: (w) => w.name,
      cell: (w) => (
        <div className="flex flex-col">
          <Link to="/workflows/$workflowId" params={{ workflowId: w.id }} className="font-medium">
            {w.name}
          </Link>
          <code dir="ltr" className="text-xs text-fg-muted">
            {w.slug}
          </code>
        </div>
      ),
    },
    {
      id: 'published',
      header: t('workflows.columns.published'),
      sortValue: (w) => w.published_version ?? 0,
      cell: (w) => (w.published_version ? <Badge tone="success">{t('workflows.versionNumber', { number: w.published_version })}</Badge> : <Badge tone="warning">{t('workflows.notPublished')}</Badge>),
    },
    { id: 'latest', header: t('workflows.columns.latest'), align: 'end', sortValue: (w) => w.latest_version, cell: (w) => <span className="tabular-nums">{t('workflows.versionNumber', { number: w.latest_version })}</span> },
    {
      id: 'runs',
      header: t('workflows.columns.runs'),
      align: 'end',
      sortValue: (w) => w.runs,
      cell: (w) => (
        <Link to="/workflow-runs" search={{ workflow: w.id }} className="tabular-nums" aria-label={t('workflows.runsOf', { count: w.runs, name: w.name })}>
          {fmt.number(w.runs)}
        </Link>
      ),
    },
    { id: 'updated', header: t('workflows.columns.updated'), sortValue: (w) => w.updated_at, cell: (w) => <span className="whitespace-nowrap">{fmt.dateTime(w.updated_at)}</span> },
  ];
  return (
    <>
      <PageHeader
        title={t('workflows.title')}
        description={t('workflows.description')}
        actions={
          <>
            <Link to="/workflow-templates" className={buttonClasses('outline', 'md', 'no-underline')}>
              <LayoutTemplate aria-hidden className="size-4" />
              {t('workflows.fromTemplate')}
            </Link>
            {canWrite && (
              <Button onClick={() => setCreating(true)}>
                <Plus aria-hidden className="size-4" />
                {t('workflows.create.button')}
              </Button>
            )}
          </>
        }
      />
      <DataTable
        caption={t('workflows.tableCaption')}
        columns={columns}
        rows={rows}
        rowKey={(w) => w.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        empty={
          <EmptyState
            icon={<Workflow aria-hidden className="size-5" />}
            title={t('workflows.empty')}
            description={t('workflows.emptyBody')}
            action={
              <Link to="/workflow-templates" className={buttonClasses('primary', 'md', 'no-underline')}>
                {t('workflows.browseTemplates')}
              </Link>
            }
          />
        }
      />
      {canWrite && <NewWorkflowDialog open={creating} onOpenChange={setCreating} />}
    </>
  );
}
