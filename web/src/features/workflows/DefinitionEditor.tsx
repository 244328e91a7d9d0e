import { CheckCircle2, FilePlus2, ListChecks, Rocket, Save, WandSparkles } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkflowDetail } from '@/client';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { TextAreaField, TextField } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { versionTone } from '@/features/engines/shared';
import { groupProblems, parseJsonObject, problemsFromError, shapeOf, type Problem } from './definition';
import { useNewVersion, usePublish, useSaveDraft, validateDefinition, type WorkflowVersion } from './api';
import { ProblemList } from './shared';

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'done'; problems: Problem[] } | { state: 'json'; detail: string };

/** The JSON editor of one version: a draft can be validated, saved and published. */
export function DefinitionEditor({ workflow, version, canWrite, onSelect }: { workflow: WorkflowDetail; version: WorkflowVersion; canWrite: boolean; onSelect: (n: number) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const initial = useMemo(() => JSON.stringify(version.definition, null, 2), [version.definition]);
  const [text, setText] = useState(initial);
  const [notes, setNotes] = useState(version.notes);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const save = useSaveDraft(workflow.id);
  const publish = usePublish(workflow.id);
  const copy = useNewVersion(workflow.id);
  useEffect(() => {
    setText(initial);
    setNotes(version.notes);
    setCheck({ state: 'idle' });
  }, [initial, version.notes]);
  const editable = canWrite && version.status === 'draft';
  const dirty = text !== initial || notes !== version.notes;
  const mutationError = save.error ?? publish.error ?? copy.error;
  const refused = problemsFromError(mutationError);

  const parsed = () => {
    const result = parseJsonObject(text);
    if (!result.ok) {
      setCheck({ state: 'json', detail: result.reason === 'syntax' ? t('workflows.editor.jsonSyntax', { detail: result.detail }) : t('workflows.editor.jsonNotObject') });
      return null;
    }
    return result.value;
  };
  const onValidate = async () => {
    const definition = parsed();
    if (!definition) return;
    setCheck({ state: 'checking' });
    try {
      const answer = await validateDefinition(definition);
      setCheck({ state: 'done', problems: answer.problems });
    } catch (error) {
      setCheck({ state: 'idle' });
      toast({ title: error instanceof Error ? error.message : t('errors.unknown'), variant: 'error' });
    }
  };
  const onSave = (then?: () => void) => {
    const definition = parsed();
    if (!definition) return;
    publish.reset();
    save.mutate(
      { number: version.number, definition, notes },
      {
        onSuccess: () => {
          if (then) then();
          else toast({ title: t('workflows.editor.saved', { number: version.number }), variant: 'success' });
        },
      },
    );
  };
  const onPublish = () => {
    const go = () =>
      publish.mutate(version.number, {
        onSuccess: () => toast({ title: t('workflows.editor.published', { number: version.number }), variant: 'success' }),
      });
    save.reset();
    if (dirty) onSave(go);
    else go();
  };
  const onCopy = () => {
    const definition = parsed();
    if (!definition) return;
    copy.mutate(
      { definition, notes: '' },
      {
        onSuccess: (created) => {
          toast({ title: t('workflows.editor.created', { number: created.number }), variant: 'success' });
          onSelect(created.number);
        },
      },
    );
  };

  let order: string[] = [];
  const current = parseJsonObject(text);
  if (current.ok) order = shapeOf(current.value).nodes.map((n) => n.id);
  return (
    <Card labelledBy="definition-title">
      <CardHeader
        id="definition-title"
        title={t('workflows.editor.title', { number: version.number })}
        description={t(`workflows.editor.status.${version.status}`)}
        actions={<Badge tone={versionTone[version.status]}>{t(`workflows.versionStatus.${version.status}`)}</Badge>}
      />
      <CardBody className="flex flex-col gap-4">
        {!editable && canWrite && (
          <Alert
            tone="info"
            action={
              <Button size="sm" variant="outline" loading={copy.isPending} onClick={onCopy}>
                <FilePlus2 aria-hidden className="size-3.5" />
                {t('workflows.editor.newFrom', { number: version.number })}
              </Button>
            }
          >
            {t('workflows.editor.frozen')}
          </Alert>
        )}
        <TextAreaField
          label={t('workflows.editor.definition')}
          hint={t('workflows.editor.definitionHint')}
          readOnly={!editable}
          dir="ltr"
          spellCheck={false}
          className="min-h-96 font-mono text-xs leading-relaxed"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (check.state !== 'idle') setCheck({ state: 'idle' });
          }}
        />
        {editable && <TextField label={t('workflows.editor.notes')} value={notes} onChange={(e) => setNotes(e.target.value)} />}
        <div id="definition-status" aria-live="polite" className="flex flex-col gap-3">
          {check.state === 'json' && <Alert tone="danger" title={t('workflows.editor.notJson')}>{check.detail}</Alert>}
          {check.state === 'done' && check.problems.length === 0 && (
            <Alert tone="success" title={t('workflows.editor.valid')}>
              {t('workflows.editor.validBody')}
            </Alert>
          )}
          {check.state === 'done' && check.problems.length > 0 && (
            <>
              <p className="text-sm font-semibold text-danger-text">{t('workflows.editor.problemCount', { count: check.problems.length })}</p>
              <ProblemList groups={groupProblems(check.problems, order)} />
            </>
          )}
          {refused.length > 0 ? (
            <>
              <Alert tone="danger" title={t('workflows.editor.refused')}>
                {mutationError instanceof Error ? mutationError.message : ''}
              </Alert>
              <ProblemList groups={groupProblems(refused, order)} />
            </>
          ) : (
            <FormError error={mutationError} />
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" onClick={() => void onValidate()} loading={check.state === 'checking'}>
            <ListChecks aria-hidden className="size-4" />
            {t('workflows.editor.validate')}
          </Button>
          {editable && (
            <>
              <Button
                variant="ghost"
                onClick={() => {
                  const definition = parsed();
                  if (definition) setText(JSON.stringify(definition, null, 2));
                }}
              >
                <WandSparkles aria-hidden className="size-4" />
                {t('workflows.editor.format')}
              </Button>
              <Button variant="outline" onClick={() => onSave()} disabled={!dirty} loading={save.isPending && !publish.isPending}>
                <Save aria-hidden className="size-4" />
                {t('workflows.editor.save')}
              </Button>
              <Button onClick={onPublish} loading={publish.isPending}>
                <Rocket aria-hidden className="size-4" />
                {t('workflows.editor.publish', { number: version.number })}
              </Button>
            </>
          )}
          {version.status === 'published' && (
            <span className="inline-flex items-center gap-1.5 text-sm text-success-text">
              <CheckCircle2 aria-hidden className="size-4" />
              {t('workflows.editor.isPublished')}
            </span>
          )}
        </div>
      </CardBody>
    </Card>
  );
}
