import { useNavigate } from '@tanstack/react-router';
import { Play } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkflowDetail } from '@/client';
import { Alert, FormError } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { TextAreaField, TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { parseTokens } from '@/features/wallet/api';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { parseJsonObject, sampleInputs } from './definition';
import { useStartRun } from './api';

/** The first problem the server found in the inputs (`inputs` or `inputs.text`), if any. */
function inputsError(error: unknown): string | undefined {
  if (!isApiError(error)) return undefined;
  const entry = Object.entries(error.fieldErrors).find(([field]) => field === 'inputs' || field.startsWith('inputs.'));
  return entry ? `${entry[0] === 'inputs' ? '' : `${entry[0].slice(7)}: `}${entry[1]}` : undefined;
}

/** Starts a run of the published version (or of a chosen version) with JSON inputs. */
export function StartRun({ workflow }: { workflow: WorkflowDetail }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const navigate = useNavigate();
  const start = useStartRun(workflow.id);
  const runnable = [...workflow.versions].sort((a, b) => b.number - a.number);
  const [version, setVersion] = useState(String(workflow.published_version ?? runnable[0]?.number ?? 1));
  const chosen = workflow.versions.find((v) => String(v.number) === version);
  const [inputs, setInputs] = useState(() => JSON.stringify(sampleInputs(chosen?.definition), null, 2));
  const [budget, setBudget] = useState('');
  const [localError, setLocalError] = useState<{ field: 'inputs' | 'budget'; message: string } | null>(null);

  return (
    <Card labelledBy="start-run-title">
      <CardHeader id="start-run-title" title={t('workflows.run.title')} description={t('workflows.run.description')} />
      <CardBody>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            const parsed = parseJsonObject(inputs);
            if (!parsed.ok) {
              setLocalError({ field: 'inputs', message: parsed.reason === 'syntax' ? t('workflows.editor.jsonSyntax', { detail: parsed.detail }) : t('workflows.editor.jsonNotObject') });
              return;
            }
            const budgetTokens = budget.trim() ? parseTokens(budget) : null;
            if (budget.trim() && budgetTokens === null) {
              setLocalError({ field: 'budget', message: t('workflows.run.budgetInvalid') });
              return;
            }
            setLocalError(null);
            const isPublished = Number(version) === workflow.published_version;
            start.mutate(
              { inputs: parsed.value, version: isPublished ? null : Number(version), budget_tokens: budgetTokens },
              {
                onSuccess: (run) => {
                  toast({ title: t('workflows.run.started'), variant: 'success' });
                  void navigate({ to: '/workflow-runs/$runId', params: { runId: run.id } });
                },
              },
            );
          }}
        >
          {!workflow.published_version && <Alert tone="warning">{t('workflows.run.noPublished')}</Alert>}
          <FormError error={start.error} extra={unplacedFieldErrors(start.error, ['version', 'budget_tokens']).filter((line) => !line.startsWith('inputs'))} />
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label={t('workflows.run.version')}
              value={version}
              onValueChange={(v) => {
                setVersion(v);
                const next = workflow.versions.find((x) => String(x.number) === v);
                setInputs(JSON.stringify(sampleInputs(next?.definition), null, 2));
              }}
              options={runnable.map((v) => ({ value: String(v.number), label: `${t('workflows.versionNumber', { number: v.number })} · ${t(`workflows.versionStatus.${v.status}`)}` }))}
              hint={t('workflows.run.versionHint')}
              error={fieldError(start.error, 'version')}
            />
            <TextField
              label={t('workflows.run.budget')}
              inputMode="numeric"
              value={budget}
              onChange={(e) => setBudget(e.target.value)}
              hint={t('workflows.run.budgetHint')}
              error={localError?.field === 'budget' ? localError.message : fieldError(start.error, 'budget_tokens')}
            />
          </div>
          <TextAreaField
            label={t('workflows.run.inputs')}
            dir="ltr"
            spellCheck={false}
            className="min-h-40 font-mono text-xs"
            value={inputs}
            onChange={(e) => setInputs(e.target.value)}
            hint={t('workflows.run.inputsHint')}
            error={localError?.field === 'inputs' ? localError.message : inputsError(start.error)}
          />
          <div>
            <Button type="submit" loading={start.isPending}>
              <Play aria-hidden className="size-4" />
              {t('workflows.run.start')}
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
