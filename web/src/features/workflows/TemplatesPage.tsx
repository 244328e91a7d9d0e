import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { LayoutTemplate } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListTemplatesApiWorkflowTemplatesGetResponse } from '@/client';

/** A workflow template, named through its list (the schema's own name is shared with export templates). */
type TemplateRead = ListTemplatesApiWorkflowTemplatesGetResponse[number];
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/input';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { slugify } from '@/features/engines/api';
import { hasPermission, useMe } from '@/features/session/api';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { shapeOf } from './definition';
import { templatesQuery, useUseTemplate } from './api';

function UseTemplateDialog({ template, onClose }: { template: TemplateRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const navigate = useNavigate();
  const use = useUseTemplate();
  const [name, setName] = useState(template.name);
  const [slug, setSlug] = useState(slugify(template.slug));
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={t('templates.use.title', { name: template.name })}
        description={t('templates.use.description')}
        footer={
          <>
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" form="use-template" loading={use.isPending}>
              {t('templates.use.submit')}
            </Button>
          </>
        }
      >
        <form
          id="use-template"
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            use.mutate(
              { templateId: template.id, slug: slug.trim(), name: name.trim() },
              {
                onSuccess: (workflow) => {
                  toast({ title: t('templates.use.done', { name: workflow.name }), variant: 'success' });
                  onClose();
                  void navigate({ to: '/workflows/$workflowId', params: { workflowId: workflow.id } });
                },
              },
            );
          }}
        >
          <FormError error={use.error} extra={unplacedFieldErrors(use.error, ['name', 'slug'])} />
          <TextField label={t('workflows.fields.name')} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(use.error, 'name')} />
          <TextField label={t('workflows.fields.slug')} required dir="ltr" value={slug} onChange={(e) => setSlug(e.target.value)} hint={t('workflows.fields.slugHint')} error={fieldError(use.error, 'slug')} />
        </form>
      </DialogContent>
    </Dialog>
  );
}

function TemplateCard({ template, canUse, onUse }: { template: TemplateRead; canUse: boolean; onUse: () => void }) {
  const { t } = useTranslation();
  const shape = shapeOf(template.definition);
  const types = [...new Set(shape.nodes.map((n) => n.type))];
  const headingId = `template-${template.id}`;
  return (
    <li>
      <article aria-labelledby={headingId} className="flex h-full flex-col gap-3 rounded-xl border border-border bg-surface p-5 shadow-sm">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone="primary">{t(`templates.categories.${template.category}`, { defaultValue: template.category })}</Badge>
          {!template.shared && <Badge>{t('templates.ownTenant')}</Badge>}
        </div>
        <h2 id={headingId} className="text-base font-semibold">
          {template.name}
        </h2>
        <p className="flex-1 text-sm text-fg-muted">{template.description}</p>
        <p className="text-xs text-fg-muted">
          {t('templates.nodes', { count: shape.nodes.length })}
          {types.length > 0 && (
            <>
              {' · '}
              <span dir="ltr">{types.join(', ')}</span>
            </>
          )}
        </p>
        {canUse && (
          <div>
            <Button onClick={onUse} aria-label={t('templates.useNamed', { name: template.name })}>
              {t('templates.useButton')}
            </Button>
          </div>
        )}
      </article>
    </li>
  );
}

export function TemplatesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const canUse = hasPermission(me.data, 'workflows:write');
  const templates = useQuery(templatesQuery);
  const [using, setUsing] = useState<TemplateRead | null>(null);
  return (
    <>
      <PageHeader title={t('templates.title')} description={t('templates.description')} />
      {templates.isError ? (
        <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
      ) : !templates.data ? (
        <SkeletonBlock label={t('common.loading')} lines={6} />
      ) : templates.data.length === 0 ? (
        <EmptyState icon={<LayoutTemplate aria-hidden className="size-5" />} title={t('templates.empty')} description={t('templates.emptyBody')} />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label={t('templates.listLabel')}>
          {templates.data.map((template) => (
            <TemplateCard key={template.id} template={template} canUse={canUse} onUse={() => setUsing(template)} />
          ))}
        </ul>
      )}
      {using && <UseTemplateDialog template={using} onClose={() => setUsing(null)} />}
    </>
  );
}
