// Bits the engine pages share (kept apart so each page's chunk stays its own).
import { useQuery } from '@tanstack/react-query';
import type { VersionStatus } from '@/client';
import type { BadgeTone } from '@/components/ui/badge';
import { modelsQuery } from '@/features/models/api';

export const versionTone: Record<VersionStatus, BadgeTone> = { draft: 'warning', published: 'success', retired: 'neutral' };

/** Models an engine can use: those that chat. */
export function useChatModels() {
  const models = useQuery(modelsQuery);
  return { ...models, items: (models.data?.items ?? []).filter((m) => m.capabilities.includes('chat')) };
}
