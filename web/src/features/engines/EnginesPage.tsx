import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Cpu, FlaskConical, Plus } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { hasPermission, useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { enginesQuery, slugify, useCreateEngine } from './api';
import { useChatModels } from './shared';
import { DEFAULT_INPUT_SCHEMA } from './version-form';

function CreateEngineDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const navigate = useNavigate();
  const create = useCreateEngine();
  const models = useChatModels();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [model, setModel] = useState('');
  const [template, setTemplate] = useState('{{ text }}');
  const error = create.error;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={t('engines.create.title')} description={t('engines.create.description')} className="max-w-xl">
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(
              { name: name.trim(), slug, description, version: { model: model || (models.items[0]?.slug ?? ''), prompt_template: template, input_schema: DEFAULT_INPUT_SCHEMA } },
              {
                onSuccess: (engine) => {
                  toast({ title: t('engines.create.done', { name: engine.name }), variant: 'success' });
                  onClose();
                  void navigate({ to: '/engines/$engineId', params: { engineId: engine.id } });
                },
              },
            );
          }}
        >
          <FormError error={error} extra={unplacedFieldErrors(error, ['name', 'slug', 'description', 'version.model', 'version.prompt_template'])} />
          <TextField
            label={t('engines.fields.name')}
            required
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
            error={fieldError(error, 'name')}
          />
          <TextField
            label={t('engines.fields.slug')}
            required
            dir="ltr"
            value={slug}
            onChange={(e) => {
              setSlugTouched(true);
              setSlug(e.target.value);
            }}
            hint={t('engines.fields.slugHint')}
            error={fieldError(error, 'slug')}
          />
          <TextAreaField label={t('engines.fields.description')} value={description} onChange={(e) => setDescription(e.target.value)} error={fieldError(error, 'description')} />
          <SelectField
            label={t('engines.fields.model')}
            value={model || (models.items[0]?.slug ?? '')}
            onValueChange={setModel}
            placeholder={t('deployments.form.choose')}
            options={models.items.map((m) => ({ value: m.slug, label: `${m.name} (${m.slug})` }))}
            error={fieldError(error, 'version.model')}
          />
          <TextAreaField
            label={t('engines.fields.promptTemplate')}
            required
            dir="ltr"
            spellCheck={false}
            className="font-mono text-xs"
            value={template}
            onChange={(e) => setTemplate(e.target.value)}
            hint={t('engines.fields.promptTemplateHint', { example: '{{ text }}' })}
            error={fieldError(error, 'version.prompt_template')}
          />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={create.isPending}>
              {t('engines.create.submit')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function EnginesPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const me = useMe();
  const canWrite = hasPermission(me.data, 'engines:write');
  const engines = useQuery(enginesQuery);
  const [creating, setCreating] = useState(false);

  const columns: Column<EngineRead>[] = [
    {
      id: 'name',
      header: t('engines.columns.name'),
      sortValue: (e) => e.name,
      cell: (e) => (
        <div className="flex min-w-36 flex-col">
          <Link to="/engines/$engineId" params={{ engineId: e.id }} className="font-medium">
            {e.name}
          </Link>
          <code dir="ltr" className="text-xs text-fg-muted">
            {e.slug}
          </code>
        </div>
      ),
    },
    { id: 'description', header: t('engines.columns.description'), cell: (e) => (
        <span dir="auto" className="line-clamp-2 max-w-80 text-fg-muted">
          {e.description}
        </span>
      ),
    },
    {
      id: 'published',
      header: t('engines.columns.published'),
      sortValue: (e) => e.published_version ?? 0,
      cell: (e) => (e.published_version ? <Badge tone="success">{t('engines.versionNumber', { number: e.published_version })}</Badge> : <Badge tone="warning">{t('engines.notPublished')}</Badge>),
    },
    { id: 'latest', header: t('engines.columns.latest'), align: 'end', sortValue: (e) => e.latest_version, cell: (e) => t('engines.versionNumber', { number: e.latest_version }) },
    { id: 'updated', header: t('engines.columns.updated'), sortValue: (e) => e.updated_at, cell: (e) => <span className="whitespace-nowrap">{fmt.relative(e.updated_at)}</span> },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (e) => (
        <Link to="/playground" search={{ engine: e.id }} className={buttonClasses('ghost', 'sm', 'no-underline')} aria-label={t('engines.tryNamed', { name: e.name })}>
          <FlaskConical aria-hidden className="size-3.5" />
          {t('engines.try')}
        </Link>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('engines.title')}
        description={t('engines.description')}
        actions={
          canWrite && (
            <Button onClick={() => setCreating(true)}>
              <Plus aria-hidden className="size-4" />
              {t('engines.create.button')}
            </Button>
          )
        }
      />
      <DataTable
        caption={t('engines.tableCaption')}
        columns={columns}
        rows={engines.data?.items}
        rowKey={(e) => e.id}
        isLoading={engines.isPending}
        error={engines.error}
        onRetry={() => void engines.refetch()}
        empty={
          <EmptyState
            icon={<Cpu aria-hidden className="size-5" />}
            title={t('engines.empty')}
            description={t('engines.emptyBody')}
            action={
              canWrite && (
                <Button size="sm" onClick={() => setCreating(true)}>
                  {t('engines.create.button')}
                </Button>
              )
            }
          />
        }
      />
      {creating && <CreateEngineDialog onClose={() => setCreating(false)} />}
    </>
  );
}
