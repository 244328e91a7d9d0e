import { Languages, Monitor, Moon, Sun } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuLabel, DropdownMenuRadioGroup, DropdownMenuRadioItem, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { Tooltip } from '@/components/ui/tooltip';
import { useChangeLanguage } from '@/features/session/language';
import { endonym, isLanguage, LANGUAGES } from '@/i18n/languages';
import { isModePreference } from '@/theme/mode';
import { useTheme } from '@/theme/ThemeProvider';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const changeLanguage = useChangeLanguage();
  return (
    <DropdownMenu>
      <Tooltip content={t('language.label')}>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="sm" aria-label={t('language.button', { code: i18n.language.toUpperCase() })} className="gap-1.5">
            <Languages aria-hidden className="size-4" />
            <span>{i18n.language.toUpperCase()}</span>
          </Button>
        </DropdownMenuTrigger>
      </Tooltip>
      <DropdownMenuContent>
        <DropdownMenuLabel>{t('language.label')}</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={i18n.language} onValueChange={(value) => isLanguage(value) && changeLanguage(value)}>
          {LANGUAGES.map((language) => (
            <DropdownMenuRadioItem key={language} value={language}>
              <span lang={language}>{endonym(language)}</span>
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

const modeIcons = { system: Monitor, light: Sun, dark: Moon } as const;

export function ThemeToggle() {
  const { t } = useTranslation();
  const { preference, resolved, setPreference } = useTheme();
  const Icon = preference === 'system' ? modeIcons.system : modeIcons[resolved];
  return (
    <DropdownMenu>
      <Tooltip content={t('theme.label')}>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label={t('theme.label')}>
            <Icon aria-hidden className="size-4" />
          </Button>
        </DropdownMenuTrigger>
      </Tooltip>
      <DropdownMenuContent>
        <DropdownMenuLabel>{t('theme.label')}</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={preference} onValueChange={(value) => isModePreference(value) && setPreference(value)}>
          {(['system', 'light', 'dark'] as const).map((mode) => {
            const ModeIcon = modeIcons[mode];
            return (
              <DropdownMenuRadioItem key={mode} value={mode}>
                <ModeIcon aria-hidden className="size-4 text-fg-muted" />
                {t(`theme.${mode}`)}
              </DropdownMenuRadioItem>
            );
          })}
        </DropdownMenuRadioGroup>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
