import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { Archive, ArrowLeft, FilePlus2, FlaskConical, GitCompare, Rocket, Save } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listMembersApiMembersGet, type EngineDetail } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { DataTable, type Column } from '@/components/ui/data-table';
import { ConfirmDialog } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { STRATEGIES } from '@/features/deployments/api';
import { levelsQuery } from '@/features/levels/api';
import { hasPermission, useMe } from '@/features/session/api';
import { unwrap } from '@/lib/api';
import { useFormat } from '@/lib/format';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { assignmentsQuery, engineQuery, useArchiveEngine, useCreateVersion, usePublishVersion, useSetAssignments, useUpdateEngine, useUpdateVersion, useVersionDiff } from './api';
import { DiffView } from './DiffView';
import { useChatModels, versionTone } from './shared';
import { formToSpec, versionToForm, type VersionForm, type VersionProblem, type VersionRead } from './version-form';

function EngineDetails({ engine, canWrite }: { engine: EngineDetail; canWrite: boolean }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const update = useUpdateEngine(engine.id);
  const [name, setName] = useState(engine.name);
  const [description, setDescription] = useState(engine.description);
  const dirty = name !== engine.name || description !== engine.description;
  return (
    <Card>
      <CardHeader title={t('engines.details.title')} description={t('engines.details.slug', { slug: engine.slug })} />
      <CardBody>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            update.mutate({ name: name.trim(), description }, { onSuccess: () => toast({ title: t('engines.details.saved'), variant: 'success' }) });
          }}
        >
          <FormError error={update.error} extra={unplacedFieldErrors(update.error, ['name', 'description'])} />
          <TextField label={t('engines.fields.name')} required readOnly={!canWrite} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(update.error, 'name')} />
          <TextAreaField label={t('engines.fields.description')} readOnly={!canWrite} value={description} onChange={(e) => setDescription(e.target.value)} error={fieldError(update.error, 'description')} />
          {canWrite && (
            <div>
              <Button type="submit" variant="outline" disabled={!dirty} loading={update.isPending}>
                {t('common.save')}
              </Button>
            </div>
          )}
        </form>
      </CardBody>
    </Card>
  );
}

function useProblemText() {
  const { t } = useTranslation();
  return (problem: VersionProblem | undefined) => (problem ? t(`engines.problems.${problem}`) : undefined);
}

/** The editor of one version: editable while a draft, read-only once published or retired. */
function VersionEditor({ engine, version, canWrite, onSelect }: { engine: EngineDetail; version: VersionRead; canWrite: boolean; onSelect: (number: number) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const problemText = useProblemText();
  const models = useChatModels();
  const save = useUpdateVersion(engine.id);
  const publish = usePublishVersion(engine.id);
  const copy = useCreateVersion(engine.id);
  const initial = useMemo(() => versionToForm(version), [version]);
  const [form, setForm] = useState<VersionForm>(initial);
  const [problems, setProblems] = useState<Record<string, VersionProblem>>({});
  useEffect(() => {
    setForm(initial);
    setProblems({});
  }, [initial]);
  const editable = canWrite && version.status === 'draft';
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);
  const error = save.error ?? publish.error ?? copy.error;
  const set = (patch: Partial<VersionForm>) => setForm((f) => ({ ...f, ...patch }));
  const err = (name: string) => problemText(problems[name]) ?? fieldError(error, name);

  const spec = () => {
    const result = formToSpec(form);
    setProblems(result.problems);
    return result.spec;
  };
  const onSave = (then?: () => void) => {
    const body = spec();
    if (!body) return;
    save.mutate(
      { number: version.number, body },
      {
        onSuccess: () => {
          if (then) then();
          else toast({ title: t('engines.editor.saved', { number: version.number }), variant: 'success' });
        },
      },
    );
  };
  const onPublish = () => {
    const go = () =>
      publish.mutate(version.number, {
        onSuccess: () => toast({ title: t('engines.editor.published', { number: version.number }), variant: 'success' }),
      });
    if (dirty) onSave(go);
    else go();
  };
  const onCopy = () => {
    const body = spec();
    if (!body) return;
    copy.mutate(body, {
      onSuccess: (created) => {
        toast({ title: t('engines.editor.created', { number: created.number }), variant: 'success' });
        onSelect(created.number);
      },
    });
  };

  const shown = ['model', 'system_prompt', 'prompt_template', 'input_schema', 'output_schema', 'parameters.temperature', 'parameters.top_p', 'parameters.max_tokens', 'parameters.stop', 'routing_strategy', 'notes'];
  const mono = 'font-mono text-xs';
  return (
    <Card>
      <CardHeader
        title={t('engines.editor.title', { number: version.number })}
        description={t(`engines.editor.status.${version.status}`)}
        actions={<Badge tone={versionTone[version.status]}>{t(`engines.statuses.${version.status}`)}</Badge>}
      />
      <CardBody>
        <form
          noValidate
          className="flex flex-col gap-5"
          onSubmit={(event) => {
            event.preventDefault();
            if (editable) onSave();
          }}
        >
          {!editable && canWrite && (
            <Alert
              tone="info"
              action={
                <Button size="sm" variant="outline" loading={copy.isPending} onClick={onCopy}>
                  <FilePlus2 aria-hidden className="size-3.5" />
                  {t('engines.editor.newFrom', { number: version.number })}
                </Button>
              }
            >
              {t('engines.editor.frozen')}
            </Alert>
          )}
          <FormError error={error} extra={unplacedFieldErrors(error, shown)} />
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label={t('engines.fields.model')}
              value={form.model}
              disabled={!editable}
              onValueChange={(model) => set({ model })}
              options={
                models.items.some((m) => m.slug === form.model)
                  ? models.items.map((m) => ({ value: m.slug, label: `${m.name} (${m.slug})` }))
                  : [{ value: form.model, label: form.model }, ...models.items.map((m) => ({ value: m.slug, label: `${m.name} (${m.slug})` }))]
              }
              error={err('model')}
            />
            <SelectField
              label={t('engines.fields.routing')}
              value={form.routing_strategy || 'tenant'}
              disabled={!editable}
              onValueChange={(v) => set({ routing_strategy: v === 'tenant' ? '' : (v as VersionForm['routing_strategy']) })}
              hint={t(form.routing_strategy ? `deployments.strategies.${form.routing_strategy}.help` : 'engines.fields.routingTenantHint')}
              options={[{ value: 'tenant', label: t('engines.fields.routingTenant') }, ...STRATEGIES.map((s) => ({ value: s, label: t(`deployments.strategies.${s}.name`) }))]}
              error={err('routing_strategy')}
            />
          </div>
          <TextAreaField label={t('engines.fields.systemPrompt')} readOnly={!editable} value={form.system_prompt} onChange={(e) => set({ system_prompt: e.target.value })} error={err('system_prompt')} />
          <TextAreaField
            label={t('engines.fields.promptTemplate')}
            required
            readOnly={!editable}
            dir="ltr"
            spellCheck={false}
            className={`${mono} min-h-28`}
            value={form.prompt_template}
            onChange={(e) => set({ prompt_template: e.target.value })}
            hint={t('engines.fields.promptTemplateHint', { example: '{{ text }}' })}
            error={err('prompt_template')}
          />
          <div className="grid gap-4 lg:grid-cols-2">
            <TextAreaField
              label={t('engines.fields.inputSchema')}
              readOnly={!editable}
              dir="ltr"
              spellCheck={false}
              className={`${mono} min-h-48`}
              value={form.input_schema}
              onChange={(e) => set({ input_schema: e.target.value })}
              hint={t('engines.fields.inputSchemaHint')}
              error={err('input_schema')}
            />
            <TextAreaField
              label={t('engines.fields.outputSchema')}
              readOnly={!editable}
              dir="ltr"
              spellCheck={false}
              className={`${mono} min-h-48`}
              value={form.output_schema}
              onChange={(e) => set({ output_schema: e.target.value })}
              hint={t('engines.fields.outputSchemaHint')}
              error={err('output_schema')}
            />
          </div>
          <fieldset className="flex flex-col gap-3">
            <legend className="mb-1 text-sm font-semibold">{t('engines.fields.parameters')}</legend>
            <div className="grid gap-4 sm:grid-cols-3">
              <TextField label={t('engines.fields.temperature')} inputMode="decimal" readOnly={!editable} value={form.temperature} onChange={(e) => set({ temperature: e.target.value })} hint={t('engines.fields.temperatureHint')} error={err('parameters.temperature')} />
              <TextField label={t('engines.fields.topP')} inputMode="decimal" readOnly={!editable} value={form.top_p} onChange={(e) => set({ top_p: e.target.value })} hint={t('engines.fields.topPHint')} error={err('parameters.top_p')} />
              <TextField label={t('engines.fields.maxTokens')} inputMode="numeric" readOnly={!editable} value={form.max_tokens} onChange={(e) => set({ max_tokens: e.target.value })} hint={t('engines.fields.maxTokensHint')} error={err('parameters.max_tokens')} />
            </div>
            <TextAreaField label={t('engines.fields.stop')} readOnly={!editable} dir="ltr" className={`${mono} min-h-16`} value={form.stop} onChange={(e) => set({ stop: e.target.value })} hint={t('engines.fields.stopHint')} error={err('parameters.stop')} />
          </fieldset>
          <TextAreaField label={t('engines.fields.notes')} readOnly={!editable} value={form.notes} onChange={(e) => set({ notes: e.target.value })} hint={t('engines.fields.notesHint')} error={err('notes')} />
          {editable && (
            <div className="flex flex-wrap gap-2">
              <Button type="submit" variant="outline" disabled={!dirty} loading={save.isPending && !publish.isPending}>
                <Save aria-hidden className="size-4" />
                {t('engines.editor.save')}
              </Button>
              <Button onClick={onPublish} loading={publish.isPending}>
                <Rocket aria-hidden className="size-4" />
                {t('engines.editor.publish', { number: version.number })}
              </Button>
            </div>
          )}
        </form>
      </CardBody>
    </Card>
  );
}

function VersionsTable({ engine, canWrite, onOpen, onCompare }: { engine: EngineDetail; canWrite: boolean; onOpen: (n: number) => void; onCompare: (n: number) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const publish = usePublishVersion(engine.id);
  const rows = [...engine.versions].sort((a, b) => b.number - a.number);
  const columns: Column<VersionRead>[] = [
    { id: 'number', header: t('engines.versions.version'), sortValue: (v) => v.number, cell: (v) => <span className="font-medium">{t('engines.versionNumber', { number: v.number })}</span> },
    { id: 'status', header: t('engines.versions.status'), sortValue: (v) => v.status, cell: (v) => <Badge tone={versionTone[v.status]}>{t(`engines.statuses.${v.status}`)}</Badge> },
    {
      id: 'model',
      header: t('engines.fields.model'),
      cell: (v) => (
        <code dir="ltr" className="text-xs">
          {v.model}
        </code>
      ),
    },
    { id: 'notes', header: t('engines.fields.notes'), cell: (v) => <span className="line-clamp-2 max-w-64 text-fg-muted">{v.notes}</span> },
    { id: 'created', header: t('engines.versions.created'), sortValue: (v) => v.created_at, cell: (v) => <span className="whitespace-nowrap">{fmt.dateTime(v.created_at)}</span> },
    { id: 'published', header: t('engines.versions.published'), sortValue: (v) => v.published_at ?? '', cell: (v) => <span className="whitespace-nowrap">{v.published_at ? fmt.dateTime(v.published_at) : ''}</span> },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (v) => (
        <div className="flex justify-end gap-1">
          <Button variant="ghost" size="sm" onClick={() => onOpen(v.number)} aria-label={t('engines.versions.openNamed', { number: v.number })}>
            {t('engines.versions.open')}
          </Button>
          {v.number > 1 && (
            <Button variant="ghost" size="sm" onClick={() => onCompare(v.number)} aria-label={t('engines.versions.compareNamed', { number: v.number, previous: v.number - 1 })}>
              <GitCompare aria-hidden className="size-3.5" />
              {t('engines.versions.compare')}
            </Button>
          )}
          {canWrite && v.status === 'draft' && (
            <Button
              size="sm"
              loading={publish.isPending && publish.variables === v.number}
              onClick={() => publish.mutate(v.number, { onSuccess: () => toast({ title: t('engines.editor.published', { number: v.number }), variant: 'success' }) })}
              aria-label={t('engines.editor.publish', { number: v.number })}
            >
              <Rocket aria-hidden className="size-3.5" />
              {t('engines.versions.publish')}
            </Button>
          )}
        </div>
      ),
    },
  ];
  return (
    <div className="flex flex-col gap-3">
      <FormError error={publish.error} />
      <DataTable caption={t('engines.versions.caption')} columns={columns} rows={rows} rowKey={(v) => v.id} empty={null} />
    </div>
  );
}

function Compare({ engine, from, to, onChange }: { engine: EngineDetail; from: number; to: number; onChange: (from: number, to: number) => void }) {
  const { t } = useTranslation();
  const diff = useVersionDiff(engine.id, from, to);
  const options = [...engine.versions].sort((a, b) => a.number - b.number).map((v) => ({ value: String(v.number), label: `${t('engines.versionNumber', { number: v.number })} · ${t(`engines.statuses.${v.status}`)}` }));
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end gap-4">
        <SelectField label={t('engines.diff.from')} value={String(from)} onValueChange={(v) => onChange(Number(v), to)} options={options} fieldClassName="w-48" />
        <SelectField label={t('engines.diff.to')} value={String(to)} onValueChange={(v) => onChange(from, Number(v))} options={options} fieldClassName="w-48" />
      </div>
      {from === to ? (
        <p className="text-sm text-fg-muted">{t('engines.diff.pickTwo')}</p>
      ) : diff.isError ? (
        <ErrorState error={diff.error} onRetry={() => void diff.refetch()} />
      ) : !diff.data ? (
        <SkeletonBlock label={t('common.loading')} />
      ) : (
        <DiffView changes={diff.data.changes} />
      )}
    </div>
  );
}

function Access({ engine, canWrite }: { engine: EngineDetail; canWrite: boolean }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const assignments = useQuery(assignmentsQuery(engine.id));
  const members = useQuery({ queryKey: ['members', 'all'], queryFn: () => unwrap(listMembersApiMembersGet({ query: { limit: 200 } })) });
  const levels = useQuery(levelsQuery);
  const save = useSetAssignments(engine.id);
  const [users, setUsers] = useState<string[] | null>(null);
  const [levelIds, setLevelIds] = useState<string[] | null>(null);
  const chosenUsers = users ?? assignments.data?.user_ids ?? [];
  const chosenLevels = levelIds ?? assignments.data?.level_ids ?? [];
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));
  if (assignments.isError) return <ErrorState error={assignments.error} onRetry={() => void assignments.refetch()} />;
  if (!assignments.data) return <SkeletonBlock label={t('common.loading')} />;
  const open = chosenUsers.length === 0 && chosenLevels.length === 0;
  return (
    <form
      className="flex flex-col gap-5"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(
          { user_ids: chosenUsers, level_ids: chosenLevels },
          {
            onSuccess: () => {
              setUsers(null);
              setLevelIds(null);
              toast({ title: t('engines.access.saved'), variant: 'success' });
              void assignments.refetch();
            },
          },
        );
      }}
    >
      <Alert tone={open ? 'info' : 'warning'}>{open ? t('engines.access.open') : t('engines.access.restricted')}</Alert>
      <FormError error={save.error} />
      <div className="grid gap-6 md:grid-cols-2">
        <fieldset className="flex flex-col gap-2.5" disabled={!canWrite}>
          <legend className="mb-1 text-sm font-semibold">{t('engines.access.levels')}</legend>
          {(levels.data?.items ?? []).map((level) => (
            <Checkbox key={level.id} label={level.name} description={level.slug} disabled={!canWrite} checked={chosenLevels.includes(level.id)} onCheckedChange={(on) => setLevelIds(toggle(chosenLevels, level.id, on))} />
          ))}
          {levels.data?.items.length === 0 && <p className="text-sm text-fg-muted">{t('engines.access.noLevels')}</p>}
        </fieldset>
        <fieldset className="flex flex-col gap-2.5" disabled={!canWrite}>
          <legend className="mb-1 text-sm font-semibold">{t('engines.access.members')}</legend>
          {(members.data?.items ?? []).map((member) => (
            <Checkbox key={member.user_id} label={member.name || member.email} description={member.email} disabled={!canWrite} checked={chosenUsers.includes(member.user_id)} onCheckedChange={(on) => setUsers(toggle(chosenUsers, member.user_id, on))} />
          ))}
          {members.isError && <p className="text-sm text-fg-muted">{t('engines.access.membersHidden')}</p>}
        </fieldset>
      </div>
      {canWrite && (
        <div>
          <Button type="submit" loading={save.isPending} disabled={users === null && levelIds === null}>
            {t('engines.access.save')}
          </Button>
        </div>
      )}
    </form>
  );
}

export function EnginePage() {
  const { t } = useTranslation();
  const { toast } = useToast();
  const navigate = useNavigate();
  const { engineId = '' } = useParams({ strict: false });
  const me = useMe();
  const canWrite = hasPermission(me.data, 'engines:write');
  const engine = useQuery(engineQuery(engineId));
  const archive = useArchiveEngine();
  const [tab, setTab] = useState('editor');
  const [selected, setSelected] = useState<number | null>(null);
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);
  const [archiving, setArchiving] = useState(false);

  if (engine.isError) {
    return (
      <>
        <PageHeader title={t('engines.title')} />
        <ErrorState error={engine.error} onRetry={() => void engine.refetch()} />
      </>
    );
  }
  if (!engine.data) return <SkeletonBlock label={t('common.loading')} lines={6} />;
  const data = engine.data;
  const latest = data.versions.reduce((max, v) => Math.max(max, v.number), 0);
  const number = selected ?? latest;
  const version = data.versions.find((v) => v.number === number) ?? data.versions[data.versions.length - 1];
  const pair = compare ?? { from: Math.max(1, latest - 1), to: latest };

  return (
    <>
      <Link to="/engines" className="mb-2 inline-flex items-center gap-1 text-sm">
        <ArrowLeft aria-hidden className="rtl-flip size-4" />
        {t('engines.back')}
      </Link>
      <PageHeader
        title={data.name}
        description={data.description ? <span dir="auto">{data.description}</span> : undefined}
        actions={
          <>
            {data.published_version ? <Badge tone="success">{t('engines.publishedVersion', { number: data.published_version })}</Badge> : <Badge tone="warning">{t('engines.notPublished')}</Badge>}
            <Link to="/playground" search={{ engine: data.id }} className={buttonClasses('outline', 'md', 'no-underline')}>
              <FlaskConical aria-hidden className="size-4" />
              {t('engines.openPlayground')}
            </Link>
            {canWrite && (
              <Button variant="ghost" onClick={() => setArchiving(true)}>
                <Archive aria-hidden className="size-4" />
                {t('engines.archive.button')}
              </Button>
            )}
          </>
        }
      />
      <Tabs value={tab} onValueChange={setTab}>
        <TabsList label={t('engines.tabs.label')}>
          <TabsTrigger value="editor">{t('engines.tabs.editor')}</TabsTrigger>
          <TabsTrigger value="versions">{t('engines.tabs.versions')}</TabsTrigger>
          <TabsTrigger value="compare" disabled={data.versions.length < 2}>
            {t('engines.tabs.compare')}
          </TabsTrigger>
          <TabsTrigger value="access">{t('engines.tabs.access')}</TabsTrigger>
        </TabsList>
        <TabsContent value="editor" className="flex flex-col gap-6">
          <EngineDetails engine={data} canWrite={canWrite} />
          <SelectField
            label={t('engines.editor.pick')}
            value={String(version?.number ?? '')}
            onValueChange={(v) => setSelected(Number(v))}
            fieldClassName="max-w-xs"
            options={[...data.versions].sort((a, b) => b.number - a.number).map((v) => ({ value: String(v.number), label: `${t('engines.versionNumber', { number: v.number })} · ${t(`engines.statuses.${v.status}`)}` }))}
          />
          {version && <VersionEditor key={version.id} engine={data} version={version} canWrite={canWrite} onSelect={setSelected} />}
        </TabsContent>
        <TabsContent value="versions">
          <VersionsTable
            engine={data}
            canWrite={canWrite}
            onOpen={(n) => {
              setSelected(n);
              setTab('editor');
            }}
            onCompare={(n) => {
              setCompare({ from: n - 1, to: n });
              setTab('compare');
            }}
          />
        </TabsContent>
        <TabsContent value="compare">
          <Compare engine={data} from={pair.from} to={pair.to} onChange={(from, to) => setCompare({ from, to })} />
        </TabsContent>
        <TabsContent value="access">
          <Access engine={data} canWrite={canWrite} />
        </TabsContent>
      </Tabs>
      <ConfirmDialog
        open={archiving}
        onOpenChange={setArchiving}
        title={t('engines.archive.title', { name: data.name })}
        description={t('engines.archive.description')}
        confirmLabel={t('engines.archive.button')}
        pending={archive.isPending}
        onConfirm={() =>
          archive.mutate(data.id, {
            onSuccess: () => {
              toast({ title: t('engines.archive.done', { name: data.name }), variant: 'success' });
              void navigate({ to: '/engines' });
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      />
    </>
  );
}
