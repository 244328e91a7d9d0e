import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ArrowLeft, Pencil, Plus, Trash2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportDefaults, ExportFormat } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { hasPermission, useMe } from '@/features/session/api';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { FORMATS, settingsQuery, templatesQuery, useCreateTemplate, useDeleteTemplate, useSaveSettings, useUpdateTemplate, type ExportTemplate } from './api';
import { FONTS, formToLayout, layoutToForm, NUMBER_POSITIONS, PAGE_SIZES, SIDES, slugify, type LayoutErrors, type LayoutForm } from './layout-form';
import { TemplateSummary } from './TemplateSummary';

type Editing = { mode: 'create'; from: ExportTemplate } | { mode: 'edit'; template: ExportTemplate };

function TemplateDialog({ editing, templates, onClose }: { editing: Editing | null; templates: ExportTemplate[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const create = useCreateTemplate();
  const update = useUpdateTemplate();
  const mutation = editing?.mode === 'edit' ? update : create;
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [form, setForm] = useState<LayoutForm | null>(null);
  const [errors, setErrors] = useState<LayoutErrors>({});
  const [fromSlug, setFromSlug] = useState('');
  useEffect(() => {
    if (!editing) return;
    const source = editing.mode === 'edit' ? editing.template : editing.from;
    setFromSlug(source.slug);
    setName(editing.mode === 'edit' ? source.name : t('exports.templates.copyName', { name: source.name }));
    setSlug(editing.mode === 'edit' ? source.slug : '');
    setSlugTouched(false);
    setForm({ ...layoutToForm(source.layout), description: source.description });
    setErrors({});
    create.reset();
    update.reset();
    // Reset when another template is opened, not on every render.
  }, [editing]);
  const effectiveSlug = editing?.mode === 'edit' ? slug : slugTouched ? slug : slugify(name);
  /** Changes a field and forgets the error it had (it is checked again on submit). */
  const set = <K extends keyof LayoutForm>(key: K, value: LayoutForm[K], errorKey: string = key) => {
    setForm((f) => (f ? { ...f, [key]: value } : f));
    setErrors(({ [errorKey]: _dropped, ...rest }) => rest);
  };
  const err = (key: string) => (errors[key] ? t(`exports.layout.errors.${errors[key]}`) : fieldError(mutation.error, `layout.${key}`));
  const close = () => {
    onClose();
    mutation.reset();
  };

  return (
    <Dialog open={editing !== null} onOpenChange={(open) => !open && close()}>
      <DialogContent
        className="max-w-2xl"
        title={editing?.mode === 'edit' ? t('exports.templates.editTitle', { name: editing.template.name }) : t('exports.templates.createTitle')}
        description={t('exports.templates.formDescription')}
      >
        {form && (
          <form
            noValidate
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              const { layout, errors: found } = formToLayout(form);
              setErrors(found);
              if (Object.keys(found).length > 0) return;
              const body = { slug: effectiveSlug, name: name.trim(), description: form.description.trim(), layout };
              mutation.mutate(body, {
                onSuccess: (saved) => {
                  toast({ title: t('exports.templates.saved', { name: saved.name }), variant: 'success' });
                  close();
                },
              });
            }}
          >
            <FormError error={mutation.error} extra={unplacedFieldErrors(mutation.error, ['slug', 'name', 'description', ...Object.keys(form).map((k) => `layout.${k}`), ...SIDES.map((s) => `layout.margins.${s}`)])} />
            {editing?.mode === 'create' && (
              <SelectField
                label={t('exports.templates.startFrom')}
                value={fromSlug}
                onValueChange={(v) => {
                  const from = templates.find((tpl) => tpl.slug === v);
                  if (!from) return;
                  setFromSlug(v);
                  setForm({ ...layoutToForm(from.layout), description: from.description });
                }}
                options={templates.map((tpl) => ({ value: tpl.slug, label: tpl.name }))}
              />
            )}
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField label={t('exports.templates.name')} required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(mutation.error, 'name')} />
              <TextField
                label={t('exports.templates.slug')}
                required
                dir="ltr"
                value={effectiveSlug}
                readOnly={editing?.mode === 'edit'}
                onChange={(e) => {
                  setSlugTouched(true);
                  setSlug(e.target.value);
                }}
                hint={t('exports.templates.slugHint')}
                error={fieldError(mutation.error, 'slug')}
              />
            </div>
            <TextField label={t('exports.templates.descriptionField')} value={form.description} onChange={(e) => set('description', e.target.value)} error={fieldError(mutation.error, 'description')} />
            <fieldset className="grid gap-4 sm:grid-cols-2">
              <legend className="mb-2 text-sm font-semibold">{t('exports.layout.page')}</legend>
              <SelectField label={t('exports.layout.pageSize')} value={form.page_size} onValueChange={(v) => set('page_size', v as LayoutForm['page_size'])} options={PAGE_SIZES.map((p) => ({ value: p, label: t(`exports.layout.pageSizes.${p}`) }))} />
              <TextField label={t('exports.layout.accentColor')} dir="ltr" value={form.accent_color} onChange={(e) => set('accent_color', e.target.value)} error={err('accent_color')} hint={t('exports.layout.accentHint')} />
              {SIDES.map((side) => (
                <TextField key={side} label={t(`exports.layout.margin.${side}`)} inputMode="decimal" dir="ltr" value={form.margins[side]} onChange={(e) => set('margins', { ...form.margins, [side]: e.target.value }, `margins.${side}`)} error={err(`margins.${side}`)} hint={t('exports.layout.marginHint')} />
              ))}
            </fieldset>
            <fieldset className="grid gap-4 sm:grid-cols-2">
              <legend className="mb-2 text-sm font-semibold">{t('exports.layout.type')}</legend>
              <SelectField label={t('exports.layout.bodyFont')} value={form.body_font} onValueChange={(v) => set('body_font', v as LayoutForm['body_font'])} options={FONTS.map((f) => ({ value: f, label: f }))} />
              <SelectField label={t('exports.layout.headingFont')} value={form.heading_font} onValueChange={(v) => set('heading_font', v as LayoutForm['heading_font'])} options={FONTS.map((f) => ({ value: f, label: f }))} />
              <SelectField label={t('exports.layout.monoFont')} value={form.mono_font} onValueChange={(v) => set('mono_font', v as LayoutForm['mono_font'])} options={FONTS.map((f) => ({ value: f, label: f }))} />
              <TextField label={t('exports.layout.fontSize')} inputMode="decimal" dir="ltr" value={form.font_size} onChange={(e) => set('font_size', e.target.value)} error={err('font_size')} hint={t('exports.layout.fontSizeHint')} />
              <TextField label={t('exports.layout.lineHeight')} inputMode="decimal" dir="ltr" value={form.line_height} onChange={(e) => set('line_height', e.target.value)} error={err('line_height')} hint={t('exports.layout.lineHeightHint')} />
              <div className="flex items-end pb-2">
                <Checkbox checked={form.justify} onCheckedChange={(v) => set('justify', v)} label={t('exports.layout.justify')} />
              </div>
            </fieldset>
            <fieldset className="grid gap-4 sm:grid-cols-2">
              <legend className="mb-2 text-sm font-semibold">{t('exports.layout.structure')}</legend>
              <Checkbox checked={form.cover} onCheckedChange={(v) => set('cover', v)} label={t('exports.layout.cover')} />
              <Checkbox checked={form.title_page} onCheckedChange={(v) => set('title_page', v)} label={t('exports.layout.titlePage')} />
              <Checkbox checked={form.chapter_page_breaks} onCheckedChange={(v) => set('chapter_page_breaks', v)} label={t('exports.layout.chapterBreaks')} />
              <Checkbox checked={form.toc} onCheckedChange={(v) => set('toc', v)} label={t('exports.layout.toc')} />
              {form.toc && <TextField label={t('exports.layout.tocDepthField')} inputMode="numeric" dir="ltr" value={form.toc_depth} onChange={(e) => set('toc_depth', e.target.value)} error={err('toc_depth')} hint={t('exports.layout.tocDepthHint')} />}
              <Checkbox checked={form.page_numbers} onCheckedChange={(v) => set('page_numbers', v)} label={t('exports.layout.pageNumbers')} />
              {form.page_numbers && (
                <SelectField label={t('exports.layout.numberPosition')} value={form.page_number_position} onValueChange={(v) => set('page_number_position', v as LayoutForm['page_number_position'])} options={NUMBER_POSITIONS.map((p) => ({ value: p, label: t(`exports.layout.positions.${p}`) }))} />
              )}
              <TextField label={t('exports.layout.headerText')} value={form.header_text} onChange={(e) => set('header_text', e.target.value)} error={err('header_text')} hint={t('exports.layout.headerHint')} maxLength={120} />
              <TextField label={t('exports.layout.footerText')} value={form.footer_text} onChange={(e) => set('footer_text', e.target.value)} error={err('footer_text')} hint={t('exports.layout.headerHint')} maxLength={120} />
            </fieldset>
            <div className="flex justify-end gap-2">
              <DialogClose asChild>
                <Button variant="outline">{t('common.cancel')}</Button>
              </DialogClose>
              <Button type="submit" loading={mutation.isPending} disabled={!name.trim() || !effectiveSlug}>
                {editing?.mode === 'edit' ? t('common.save') : t('exports.templates.create')}
              </Button>
            </div>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function SettingsCard({ templates, canManage }: { templates: ExportTemplate[]; canManage: boolean }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const settings = useQuery(settingsQuery);
  const save = useSaveSettings();
  const [draft, setDraft] = useState<ExportDefaults | null>(null);
  useEffect(() => {
    if (settings.data) setDraft(settings.data);
  }, [settings.data]);
  return (
    <Card labelledBy="export-settings">
      <CardHeader id="export-settings" title={t('exports.settings.title')} description={t('exports.settings.description')} />
      <CardBody>
        {settings.isError ? (
          <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
        ) : !draft ? (
          <SkeletonBlock label={t('common.loading')} lines={3} />
        ) : (
          <form
            noValidate
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate({ ...draft, folder: (draft.folder ?? '').trim() }, { onSuccess: () => toast({ title: t('exports.settings.saved'), variant: 'success' }) });
            }}
          >
            <FormError error={save.error} extra={unplacedFieldErrors(save.error, ['format', 'template', 'bucket', 'folder'])} />
            <fieldset disabled={!canManage} className="grid gap-4 sm:grid-cols-2">
              <legend className="sr-only">{t('exports.settings.title')}</legend>
              <SelectField label={t('exports.settings.format')} value={draft.format ?? 'pdf'} onValueChange={(v) => setDraft({ ...draft, format: v as ExportFormat })} options={FORMATS.map((f) => ({ value: f, label: t(`exports.formats.${f}`) }))} disabled={!canManage} error={fieldError(save.error, 'format')} />
              <SelectField label={t('exports.settings.template')} value={draft.template ?? 'classic'} onValueChange={(v) => setDraft({ ...draft, template: v })} options={templates.map((tpl) => ({ value: tpl.slug, label: tpl.name }))} disabled={!canManage} error={fieldError(save.error, 'template')} />
              <TextField label={t('exports.settings.bucket')} dir="ltr" value={draft.bucket ?? ''} onChange={(e) => setDraft({ ...draft, bucket: e.target.value })} hint={t('exports.settings.bucketHint')} error={fieldError(save.error, 'bucket')} />
              <TextField label={t('exports.settings.folder')} dir="ltr" value={draft.folder ?? ''} onChange={(e) => setDraft({ ...draft, folder: e.target.value })} hint={t('exports.settings.folderHint')} error={fieldError(save.error, 'folder')} />
            </fieldset>
            {canManage && (
              <div className="flex justify-end">
                <Button type="submit" loading={save.isPending}>
                  {t('common.save')}
                </Button>
              </div>
            )}
          </form>
        )}
      </CardBody>
    </Card>
  );
}

export function ExportTemplatesPage() {
  const { t } = useTranslation();
  const { toast } = useToast();
  const me = useMe();
  const canManage = hasPermission(me.data, 'tenant:write');
  const templates = useQuery(templatesQuery);
  const remove = useDeleteTemplate();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<ExportTemplate | null>(null);
  const list = templates.data ?? [];
  return (
    <>
      <Link to="/exports" className="mb-2 inline-flex items-center gap-1 text-sm">
        <ArrowLeft aria-hidden className="rtl-flip size-4" />
        {t('exports.back')}
      </Link>
      <PageHeader
        title={t('exports.templates.title')}
        description={t('exports.templates.description')}
        actions={
          canManage &&
          list[0] && (
            <Button onClick={() => setEditing({ mode: 'create', from: list[0]! })}>
              <Plus aria-hidden className="size-4" />
              {t('exports.templates.new')}
            </Button>
          )
        }
      />
      <div className="flex flex-col gap-6">
        <SettingsCard templates={list} canManage={canManage} />
        {templates.isError ? (
          <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
        ) : !templates.data ? (
          <SkeletonBlock label={t('common.loading')} lines={6} />
        ) : (
          <ul className="grid gap-4 md:grid-cols-2" aria-label={t('exports.templates.list')}>
            {list.map((tpl) => (
              <li key={tpl.slug}>
                <article aria-labelledby={`template-${tpl.slug}`} className="flex h-full flex-col gap-3 rounded-xl border border-border bg-surface p-4 shadow-sm">
                  <div className="flex flex-wrap items-center gap-2">
                    <h2 id={`template-${tpl.slug}`} className="text-base font-semibold">
                      {tpl.name}
                    </h2>
                    <code dir="ltr" className="text-xs text-fg-muted">
                      {tpl.slug}
                    </code>
                    <Badge tone={tpl.builtin ? 'neutral' : 'primary'}>{tpl.builtin ? t('exports.templates.builtin') : t('exports.templates.custom')}</Badge>
                  </div>
                  <TemplateSummary template={tpl} />
                  {canManage && (
                    <div className="mt-auto flex flex-wrap gap-2">
                      <Button variant="outline" size="sm" onClick={() => setEditing({ mode: 'create', from: tpl })} aria-label={t('exports.templates.duplicateNamed', { name: tpl.name })}>
                        <Plus aria-hidden className="size-3.5" />
                        {t('exports.templates.duplicate')}
                      </Button>
                      {!tpl.builtin && (
                        <>
                          <Button variant="outline" size="sm" onClick={() => setEditing({ mode: 'edit', template: tpl })} aria-label={t('exports.templates.editNamed', { name: tpl.name })}>
                            <Pencil aria-hidden className="size-3.5" />
                            {t('exports.templates.edit')}
                          </Button>
                          <Button variant="ghost" size="sm" onClick={() => setDeleting(tpl)} aria-label={t('exports.templates.deleteNamed', { name: tpl.name })}>
                            <Trash2 aria-hidden className="size-3.5" />
                            {t('common.delete')}
                          </Button>
                        </>
                      )}
                    </div>
                  )}
                </article>
              </li>
            ))}
          </ul>
        )}
      </div>
      <TemplateDialog editing={editing} templates={list} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('exports.templates.deleteTitle', { name: deleting?.name ?? '' })}
        description={t('exports.templates.deleteDescription')}
        confirmLabel={t('common.delete')}
        pending={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.slug, {
            onSuccess: () => {
              toast({ title: t('exports.templates.deleted', { name: deleting.name }), variant: 'success' });
              setDeleting(null);
            },
            onError: (error) => {
              setDeleting(null);
              toast({ title: isApiError(error) ? error.detail : t('errors.unknown'), variant: 'error' });
            },
          })
        }
      />
    </>
  );
}
