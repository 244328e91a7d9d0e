import { useQuery } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TriggerCreated, TriggerKind, TriggerRead, WorkflowDetail } from '@/client';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/input';
import { RadioGroup } from '@/components/ui/radio-group';
import { useToast } from '@/components/ui/toast';
import { useFormat } from '@/lib/format';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { parseJsonObject } from './definition';
import { triggersQuery, useAddTrigger, useRemoveTrigger } from './api';

function AddTrigger({ workflow, onCreated }: { workflow: WorkflowDetail; onCreated: (created: TriggerCreated) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const add = useAddTrigger(workflow.id);
  const [kind, setKind] = useState<TriggerKind>('schedule');
  const [cron, setCron] = useState('0 9 * * 1-5');
  const [inputs, setInputs] = useState('{}');
  const [inputsError, setInputsError] = useState<string | undefined>();
  return (
    <form
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parseJsonObject(inputs);
        if (!parsed.ok) {
          setInputsError(parsed.reason === 'syntax' ? t('workflows.editor.jsonSyntax', { detail: parsed.detail }) : t('workflows.editor.jsonNotObject'));
          return;
        }
        setInputsError(undefined);
        add.mutate(
          { kind, cron: kind === 'schedule' ? cron.trim() : null, inputs: parsed.value },
          {
            onSuccess: (created) => {
              toast({ title: t(`workflows.triggers.added.${created.kind}`), variant: 'success' });
              onCreated(created);
            },
          },
        );
      }}
    >
      <FormError error={add.error} extra={unplacedFieldErrors(add.error, ['cron', 'inputs', 'kind'])} />
      <RadioGroup
        legend={t('workflows.triggers.kind')}
        value={kind}
        onValueChange={(v) => setKind(v as TriggerKind)}
        options={[
          { value: 'schedule', label: t('workflows.triggers.kinds.schedule'), description: t('workflows.triggers.scheduleHelp') },
          { value: 'webhook', label: t('workflows.triggers.kinds.webhook'), description: t('workflows.triggers.webhookHelp') },
        ]}
      />
      {kind === 'schedule' && <TextField label={t('workflows.triggers.cron')} required dir="ltr" value={cron} onChange={(e) => setCron(e.target.value)} hint={t('workflows.triggers.cronHint')} error={fieldError(add.error, 'cron')} />}
      <TextAreaField label={t('workflows.triggers.inputs')} dir="ltr" spellCheck={false} className="min-h-24 font-mono text-xs" value={inputs} onChange={(e) => setInputs(e.target.value)} hint={t('workflows.triggers.inputsHint')} error={inputsError ?? fieldError(add.error, 'inputs')} />
      <div>
        <Button type="submit" loading={add.isPending}>
          <Plus aria-hidden className="size-4" />
          {t('workflows.triggers.add')}
        </Button>
      </div>
    </form>
  );
}

export function Triggers({ workflow, canWrite }: { workflow: WorkflowDetail; canWrite: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const triggers = useQuery(triggersQuery(workflow.id));
  const remove = useRemoveTrigger(workflow.id);
  const [created, setCreated] = useState<TriggerCreated | null>(null);
  const [removing, setRemoving] = useState<TriggerRead | null>(null);
  const columns: Column<TriggerRead>[] = [
    { id: 'kind', header: t('workflows.triggers.kind'), cell: (tr) => <Badge tone={tr.kind === 'schedule' ? 'primary' : 'neutral'}>{t(`workflows.triggers.kinds.${tr.kind}`)}</Badge> },
    { id: 'cron', header: t('workflows.triggers.cron'), cell: (tr) => (tr.cron ? <code dir="ltr" className="text-xs">{tr.cron}</code> : <span className="text-fg-muted">{t('workflows.triggers.secretUrl')}</span>) },
    { id: 'next', header: t('workflows.triggers.next'), cell: (tr) => <span className="whitespace-nowrap">{tr.next_run_at ? fmt.dateTime(tr.next_run_at) : '—'}</span> },
    { id: 'last', header: t('workflows.triggers.last'), cell: (tr) => <span className="whitespace-nowrap">{tr.last_run_at ? fmt.dateTime(tr.last_run_at) : t('workflows.triggers.never')}</span> },
    {
      id: 'inputs',
      header: t('workflows.triggers.inputs'),
      cell: (tr) => (
        <code dir="ltr" className="line-clamp-2 max-w-64 text-xs break-all">
          {JSON.stringify(tr.inputs)}
        </code>
      ),
    },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (tr) =>
        canWrite ? (
          <Button variant="ghost" size="sm" onClick={() => setRemoving(tr)} aria-label={t('workflows.triggers.removeNamed', { kind: t(`workflows.triggers.kinds.${tr.kind}`), when: fmt.dateTime(tr.created_at) })}>
            <Trash2 aria-hidden className="size-3.5" />
            {t('common.delete')}
          </Button>
        ) : null,
    },
  ];
  return (
    <div className="flex flex-col gap-6">
      <DataTable
        caption={t('workflows.triggers.caption')}
        columns={columns}
        rows={triggers.data}
        rowKey={(tr) => tr.id}
        isLoading={triggers.isPending}
        error={triggers.error}
        onRetry={() => void triggers.refetch()}
        empty={<p className="p-4 text-sm text-fg-muted">{t('workflows.triggers.empty')}</p>}
      />
      {canWrite && (
        <Card labelledBy="add-trigger-title">
          <CardHeader id="add-trigger-title" title={t('workflows.triggers.addTitle')} description={workflow.published_version ? undefined : t('workflows.triggers.needsPublished')} />
          <CardBody>
            <AddTrigger workflow={workflow} onCreated={(c) => c.url && setCreated(c)} />
          </CardBody>
        </Card>
      )}
      <Dialog open={created !== null} onOpenChange={(open) => !open && setCreated(null)}>
        <DialogContent
          modalOnly
          title={t('workflows.triggers.urlTitle')}
          description={t('workflows.triggers.urlDescription')}
          footer={
            <DialogClose asChild>
              <Button>{t('workflows.triggers.urlDone')}</Button>
            </DialogClose>
          }
        >
          <Alert tone="warning" className="mb-3">
            {t('workflows.triggers.urlOnce')}
          </Alert>
          <div className="flex items-start gap-2">
            <code dir="ltr" data-testid="webhook-url" className="min-w-0 flex-1 rounded-md bg-surface-muted p-3 font-mono text-xs break-all">
              {created?.url}
            </code>
            {created?.url && <CopyButton value={created.url} label={t('workflows.triggers.copyUrl')} />}
          </div>
        </DialogContent>
      </Dialog>
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={t('workflows.triggers.removeTitle')}
        description={t('workflows.triggers.removeDescription')}
        confirmLabel={t('common.delete')}
        pending={remove.isPending}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.id, {
            onSuccess: () => {
              toast({ title: t('workflows.triggers.removed'), variant: 'success' });
              setRemoving(null);
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      />
    </div>
  );
}
