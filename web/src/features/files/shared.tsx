// Bits the file pages share (each page is its own chunk; this one is small).
import { File, FileArchive, FileAudio, FileImage, FileText, FileVideo, Globe, Lock } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import type { Visibility } from '@/client';
import { Badge } from '@/components/ui/badge';
import { kindOf, type FileKind } from './paths';

const icons: Record<FileKind, typeof File> = { image: FileImage, document: FileText, text: FileText, audio: FileAudio, video: FileVideo, archive: FileArchive, other: File };

export function FileIcon({ contentType, className }: { contentType: string; className?: string }) {
  const Icon = icons[kindOf(contentType)];
  return <Icon aria-hidden className={className ?? 'size-4 shrink-0 text-fg-muted'} />;
}

export function VisibilityBadge({ visibility }: { visibility: Visibility }) {
  const { t } = useTranslation();
  return visibility === 'public-read' ? (
    <Badge tone="warning">
      <Globe aria-hidden className="size-3" />
      {t('files.bucket.public')}
    </Badge>
  ) : (
    <Badge>
      <Lock aria-hidden className="size-3" />
      {t('files.bucket.private')}
    </Badge>
  );
}
