import { useMatches } from '@tanstack/react-router';
import { BookOpen, CircleHelp, ExternalLink } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiDocsHref, type HelpTopic } from '@/app/help';
import { Button } from '@/components/ui/button';
import { Drawer, DrawerContent, DrawerTrigger } from '@/components/ui/drawer';
import { Tooltip } from '@/components/ui/tooltip';

function useHelpTopic(): HelpTopic {
  const matches = useMatches();
  for (let i = matches.length - 1; i >= 0; i -= 1) {
    const topic = matches[i]?.staticData?.help;
    if (topic) return topic;
  }
  return 'dashboard';
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The page's help: what it is for, tips and links to the docs. Opens with "?" too. */
export function HelpButton() {
  const { t } = useTranslation();
  const topic = useHelpTopic();
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target)) {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const tips = t(`help.${topic}.tips`, { returnObjects: true, defaultValue: [] }) as unknown;
  return (
    <Drawer open={open} onOpenChange={setOpen}>
      <Tooltip content={t('help.open')}>
        <DrawerTrigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label={t('help.open')} aria-keyshortcuts="?">
            <CircleHelp aria-hidden className="size-4" />
          </Button>
        </DrawerTrigger>
      </Tooltip>
      <DrawerContent title={t(`help.${topic}.title`)}>
        <div className="flex flex-col gap-5 text-sm">
          <p className="leading-relaxed text-fg">{t(`help.${topic}.body`)}</p>
          {Array.isArray(tips) && tips.length > 0 && (
            <section aria-labelledby="help-tips" className="flex flex-col gap-2">
              <h3 id="help-tips" className="text-sm font-semibold">
                {t('help.tipsHeading')}
              </h3>
              <ul className="flex list-disc flex-col gap-1.5 ps-5 text-fg-muted">
                {tips.map((tip) => (
                  <li key={String(tip)}>{String(tip)}</li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="help-links" className="flex flex-col gap-2">
            <h3 id="help-links" className="text-sm font-semibold">
              {t('help.docsHeading')}
            </h3>
            <a href={apiDocsHref(topic)} target="_blank" rel="noreferrer" className="inline-flex items-center gap-2 font-medium">
              <BookOpen aria-hidden className="size-4" />
              {t('help.apiReference')}
              <ExternalLink aria-hidden className="size-3.5" />
              <span className="sr-only">{t('common.opensInNewTab')}</span>
            </a>
          </section>
          <p className="text-xs text-fg-muted">{t('help.shortcut')}</p>
        </div>
      </DrawerContent>
    </Drawer>
  );
}
