import { useNavigate } from '@tanstack/react-router';
import { ArchiveRestore, Copy, Download, ExternalLink, FileOutput, FolderInput, Link2, MoreHorizontal, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileRead } from '@/client';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { useToast } from '@/components/ui/toast';
import { isApiError } from '@/lib/problem';
import { contentUrl, useUndeleteFile } from './api';
import { DeleteDialog, MoveDialog, ShareDialog, type MoveMode } from './dialogs';
import { exportableKind } from './paths';

export interface FileDialogState {
  moving: { file: FileRead; mode: MoveMode } | null;
  sharing: FileRead | null;
  deleting: FileRead | null;
  setMoving: (value: { file: FileRead; mode: MoveMode } | null) => void;
  setSharing: (file: FileRead | null) => void;
  setDeleting: (file: FileRead | null) => void;
}

export function useFileDialogs(): FileDialogState {
  const [moving, setMoving] = useState<FileDialogState['moving']>(null);
  const [sharing, setSharing] = useState<FileRead | null>(null);
  const [deleting, setDeleting] = useState<FileRead | null>(null);
  return { moving, sharing, deleting, setMoving, setSharing, setDeleting };
}

/** Starts a download of a URL (same origin: the session cookie goes with it). */
export function download(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** A file's row menu: open, download, export, share, rename or move, copy, delete; restore when deleted. */
export function FileActions({ file, canWrite, dialogs }: { file: FileRead; canWrite: boolean; dialogs: FileDialogState }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { toast } = useToast();
  const undelete = useUndeleteFile();
  if (file.deleted_at) {
    return canWrite ? (
      <Button
        variant="outline"
        size="sm"
        loading={undelete.isPending}
        aria-label={t('files.undeleteNamed', { name: file.name })}
        onClick={() =>
          undelete.mutate(file.id, {
            onSuccess: (restored) => toast({ title: t('files.undeleted', { name: restored.name }), variant: 'success' }),
            onError: (error) => toast({ title: isApiError(error) ? error.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      >
        <ArchiveRestore aria-hidden className="size-3.5" />
        {t('files.undelete')}
      </Button>
    ) : null;
  }
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon-sm" aria-label={t('files.actionsFor', { name: file.name })}>
          <MoreHorizontal aria-hidden className="size-4" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        <DropdownMenuItem onSelect={() => void navigate({ to: '/files/$fileId', params: { fileId: file.id } })}>
          <ExternalLink aria-hidden className="size-4" />
          {t('files.actions.open')}
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={() => download(contentUrl(file.id, { download: true }))}>
          <Download aria-hidden className="size-4" />
          {t('files.actions.download')}
        </DropdownMenuItem>
        {canWrite && exportableKind(file.content_type) && (
          <DropdownMenuItem onSelect={() => void navigate({ to: '/exports/new', search: { file: file.id } })}>
            <FileOutput aria-hidden className="size-4" />
            {t('files.actions.export')}
          </DropdownMenuItem>
        )}
        <DropdownMenuItem onSelect={() => dialogs.setSharing(file)}>
          <Link2 aria-hidden className="size-4" />
          {t('files.actions.share')}
        </DropdownMenuItem>
        {canWrite && (
          <>
            <DropdownMenuSeparator />
            <DropdownMenuItem onSelect={() => dialogs.setMoving({ file, mode: 'move' })}>
              <FolderInput aria-hidden className="size-4" />
              {t('files.actions.move')}
            </DropdownMenuItem>
            <DropdownMenuItem onSelect={() => dialogs.setMoving({ file, mode: 'copy' })}>
              <Copy aria-hidden className="size-4" />
              {t('files.actions.copy')}
            </DropdownMenuItem>
            <DropdownMenuSeparator />
            <DropdownMenuItem onSelect={() => dialogs.setDeleting(file)} className="text-danger-text">
              <Trash2 aria-hidden className="size-4" />
              {t('files.actions.delete')}
            </DropdownMenuItem>
          </>
        )}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

/** The dialogs the actions open (rendered once per page). */
export function FileDialogs({ dialogs, buckets, onMoved, onDeleted }: { dialogs: FileDialogState; buckets: string[]; onMoved?: (file: FileRead) => void; onDeleted?: (file: FileRead) => void }) {
  return (
    <>
      <MoveDialog file={dialogs.moving?.file ?? null} mode={dialogs.moving?.mode ?? 'move'} buckets={buckets} onClose={() => dialogs.setMoving(null)} onDone={onMoved} />
      <ShareDialog file={dialogs.sharing} onClose={() => dialogs.setSharing(null)} />
      <DeleteDialog file={dialogs.deleting} onClose={() => dialogs.setDeleting(null)} onDone={onDeleted} />
    </>
  );
}
