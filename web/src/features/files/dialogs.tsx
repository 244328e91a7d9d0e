// The dialogs the file browser and the file page share: move or copy, share by link, delete.
import { Link2 } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileRead, LinkRead, Visibility } from '@/client';
import { FormError } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { CopyButton } from '@/components/ui/copy-button';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/input';
import { RadioGroup } from '@/components/ui/radio-group';
import { SelectField } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { useFormat } from '@/lib/format';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { useCopyFile, useCreateBucket, useDeleteFile, useMoveFile, useShareFile } from './api';

export type MoveMode = 'move' | 'copy';

/** Rename or move a file (a new path, maybe another bucket), or copy it. */
export function MoveDialog({ file, mode, buckets, onClose, onDone }: { file: FileRead | null; mode: MoveMode; buckets: string[]; onClose: () => void; onDone?: (file: FileRead) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const move = useMoveFile();
  const copy = useCopyFile();
  const mutation = mode === 'move' ? move : copy;
  const [path, setPath] = useState('');
  const [bucket, setBucket] = useState('');
  useEffect(() => {
    if (!file) return;
    setBucket(file.bucket);
    if (mode === 'move') setPath(file.path);
    else {
      const dot = file.name.lastIndexOf('.');
      const copyName = dot > 0 ? `${file.name.slice(0, dot)} ${t('files.copySuffix')}${file.name.slice(dot)}` : `${file.name} ${t('files.copySuffix')}`;
      setPath(`${file.folder}${copyName}`);
    }
    move.reset();
    copy.reset();
    // Reset when another file (or mode) is chosen, not on every render.
  }, [file?.id, mode]);
  const close = () => {
    onClose();
    mutation.reset();
  };
  return (
    <Dialog open={file !== null} onOpenChange={(open) => !open && close()}>
      <DialogContent title={t(mode === 'move' ? 'files.move.title' : 'files.copy.title', { name: file?.name ?? '' })} description={t(mode === 'move' ? 'files.move.description' : 'files.copy.description')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (!file) return;
            mutation.mutate(
              { id: file.id, path: path.trim(), bucket: bucket === file.bucket ? undefined : bucket },
              {
                onSuccess: (result) => {
                  toast({ title: t(mode === 'move' ? 'files.move.done' : 'files.copy.done', { path: result.path }), variant: 'success' });
                  close();
                  onDone?.(result);
                },
              },
            );
          }}
        >
          <FormError error={mutation.error} extra={unplacedFieldErrors(mutation.error, ['path', 'bucket'])} />
          {buckets.length > 1 && <SelectField label={t('files.fields.bucket')} value={bucket} onValueChange={setBucket} options={buckets.map((b) => ({ value: b, label: b }))} error={fieldError(mutation.error, 'bucket')} />}
          <TextField label={t('files.fields.path')} required dir="ltr" value={path} onChange={(e) => setPath(e.target.value)} hint={t('files.fields.pathHint')} error={fieldError(mutation.error, 'path')} />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={mutation.isPending} disabled={!path.trim()}>
              {t(mode === 'move' ? 'files.move.submit' : 'files.copy.submit')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export const LINK_EXPIRIES = ['3600', '86400', '604800'] as const;

/** A signed link to a file that works without signing in, until it expires. */
export function ShareDialog({ file, onClose }: { file: FileRead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const share = useShareFile();
  const [expires, setExpires] = useState<string>('86400');
  const [download, setDownload] = useState(false);
  const [link, setLink] = useState<LinkRead | null>(null);
  const close = () => {
    onClose();
    share.reset();
    setLink(null);
  };
  const absolute = (url: string) => new URL(url, window.location.origin).toString();
  return (
    <Dialog open={file !== null} onOpenChange={(open) => !open && close()}>
      <DialogContent title={t('files.share.title', { name: file?.name ?? '' })} description={t('files.share.description')}>
        <div className="flex flex-col gap-4">
          <FormError error={share.error} />
          {file?.public_url && (
            <div className="flex flex-col gap-1.5">
              <label htmlFor="public-url" className="text-sm font-medium">
                {t('files.publicUrl')}
              </label>
              <div className="flex items-center gap-2">
                <input id="public-url" readOnly dir="ltr" value={file.public_url} onFocus={(e) => e.currentTarget.select()} className="h-10 w-full rounded-md border border-border-strong bg-surface-muted px-3 font-mono text-xs" />
                <CopyButton value={file.public_url} />
              </div>
              <p className="text-xs text-fg-muted">{t('files.publicUrlHint')}</p>
            </div>
          )}
          <SelectField
            label={t('files.share.expires')}
            value={expires}
            onValueChange={setExpires}
            options={LINK_EXPIRIES.map((e) => ({ value: e, label: t(`files.share.expiry.${e}`) }))}
          />
          <Checkbox checked={download} onCheckedChange={setDownload} label={t('files.share.download')} description={t('files.share.downloadHint')} />
          <div className="flex justify-end">
            <Button loading={share.isPending} onClick={() => file && share.mutate({ id: file.id, body: { expires_in: Number(expires), download } }, { onSuccess: setLink })}>
              <Link2 aria-hidden className="size-4" />
              {t('files.share.create')}
            </Button>
          </div>
          {link && (
            <div className="flex flex-col gap-1.5 rounded-lg border border-border bg-surface-muted/50 p-3" data-testid="share-link">
              <label htmlFor="share-url" className="text-sm font-medium">
                {t('files.share.link')}
              </label>
              <div className="flex items-center gap-2">
                <input id="share-url" readOnly dir="ltr" value={absolute(link.url)} onFocus={(e) => e.currentTarget.select()} className="h-10 w-full rounded-md border border-border-strong bg-surface px-3 font-mono text-xs" />
                <CopyButton value={absolute(link.url)} />
              </div>
              <p className="text-xs text-fg-muted" role="status">
                {t('files.share.expiresAt', { when: fmt.dateTime(link.expires_at) })}
              </p>
            </div>
          )}
        </div>
      </DialogContent>
    </Dialog>
  );
}

/** Deleting is soft: the file goes to "Deleted", restorable until it is purged. */
export function DeleteDialog({ file, onClose, onDone }: { file: FileRead | null; onClose: () => void; onDone?: (file: FileRead) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const remove = useDeleteFile();
  return (
    <ConfirmDialog
      open={file !== null}
      onOpenChange={(open) => {
        if (!open) {
          onClose();
          remove.reset();
        }
      }}
      title={t('files.delete.title', { name: file?.name ?? '' })}
      description={t('files.delete.description')}
      confirmLabel={t('files.delete.confirm')}
      pending={remove.isPending}
      onConfirm={() =>
        file &&
        remove.mutate(file, {
          onSuccess: (deleted) => {
            toast({ title: t('files.delete.done', { name: deleted.name }), variant: 'success' });
            onClose();
            onDone?.(deleted);
          },
          onError: (error) => {
            onClose();
            toast({ title: isApiError(error) ? error.detail : t('errors.unknown'), variant: 'error' });
          },
        })
      }
    />
  );
}

/** Whole mebibytes typed by a person as bytes (empty: no quota); null when not a number. */
export function quotaBytes(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const value = Number(trimmed.replace(',', '.'));
  if (!Number.isFinite(value) || value < 0) return undefined;
  return Math.round(value * 1024 * 1024);
}

/** A new bucket (admins): a name, who can read it, and an optional quota. */
export function CreateBucketDialog({ open, onOpenChange, onCreated }: { open: boolean; onOpenChange: (open: boolean) => void; onCreated: (name: string) => void }) {
  const { t } = useTranslation();
  const create = useCreateBucket();
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [quota, setQuota] = useState('');
  const [description, setDescription] = useState('');
  const quotaValue = quotaBytes(quota);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) create.reset();
      }}
    >
      <DialogContent title={t('files.bucket.create.title')} description={t('files.bucket.create.description')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (quotaValue === undefined) return;
            create.mutate(
              { name: name.trim(), visibility, quota_bytes: quotaValue, description: description.trim() },
              {
                onSuccess: (bucket) => {
                  onOpenChange(false);
                  setName('');
                  setQuota('');
                  setDescription('');
                  setVisibility('private');
                  onCreated(bucket.name);
                },
              },
            );
          }}
        >
          <FormError error={create.error} extra={unplacedFieldErrors(create.error, ['name', 'visibility', 'quota_bytes', 'description'])} />
          <TextField label={t('files.bucket.name')} required dir="ltr" autoComplete="off" value={name} onChange={(e) => setName(e.target.value.toLowerCase())} hint={t('files.bucket.nameHint')} error={fieldError(create.error, 'name')} />
          <TextField label={t('files.bucket.descriptionField')} value={description} onChange={(e) => setDescription(e.target.value)} error={fieldError(create.error, 'description')} />
          <RadioGroup
            legend={t('files.bucket.visibility')}
            value={visibility}
            onValueChange={(v) => setVisibility(v as Visibility)}
            options={[
              { value: 'private', label: t('files.bucket.private'), description: t('files.bucket.privateHint') },
              { value: 'public-read', label: t('files.bucket.public'), description: t('files.bucket.publicHint') },
            ]}
          />
          <TextField
            label={t('files.bucket.quota')}
            inputMode="decimal"
            dir="ltr"
            value={quota}
            onChange={(e) => setQuota(e.target.value)}
            hint={t('files.bucket.quotaHint')}
            error={quotaValue === undefined ? t('files.bucket.quotaInvalid') : fieldError(create.error, 'quota_bytes')}
          />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={create.isPending}>
              {t('files.bucket.create.submit')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
