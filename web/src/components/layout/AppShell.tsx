import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useLocation, useNavigate } from '@tanstack/react-router';
import { Activity, Blocks, Boxes, Building2, Cpu, FileOutput, FlaskConical, FolderOpen, HardDrive, History, KeyRound, Layers, LayoutDashboard, LayoutTemplate, LogOut, Menu, Network, ScrollText, Server, Settings, UserRound, Users, UsersRound, Wallet, Workflow } from 'lucide-react';
import { useEffect, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeRead } from '@/client';
import { Button } from '@/components/ui/button';
import { Drawer, DrawerContent } from '@/components/ui/drawer';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { currentTenantQuery, hasPermission, meQuery, useLogout } from '@/features/session/api';
import { useSyncLanguage } from '@/features/session/language';
import { isApiError } from '@/lib/problem';
import { useTheme } from '@/theme/ThemeProvider';
import { ImpersonationBanner, VerifyEmailBanner } from './Banners';
import { Brand } from './Brand';
import { HelpButton } from './HelpDrawer';
import { TenantSwitcher } from './TenantSwitcher';
import { LanguageSwitcher, ThemeToggle } from './Toggles';

interface NavItem {
  to:
    | '/'
    | '/members'
    | '/api-keys'
    | '/audit'
    | '/settings'
    | '/engines'
    | '/playground'
    | '/executions'
    | '/providers'
    | '/models'
    | '/deployments'
    | '/levels'
    | '/wallet'
    | '/workflows'
    | '/workflow-templates'
    | '/workflow-runs'
    | '/files'
    | '/exports'
    | '/admin/tenants'
    | '/admin/users'
    | '/admin/workers'
    | '/components';
  label: string;
  icon: ComponentType<{ className?: string; 'aria-hidden'?: boolean }>;
}

function useNavSections(me: MeRead): Array<{ label: string; items: NavItem[] }> {
  const { t } = useTranslation();
  const workspace: NavItem[] = [];
  if (me.tenant_id) {
    workspace.push({ to: '/', label: t('nav.dashboard'), icon: LayoutDashboard });
    if (hasPermission(me, 'members:read')) workspace.push({ to: '/members', label: t('nav.members'), icon: Users });
    if (hasPermission(me, 'api_keys:own') || hasPermission(me, 'api_keys:manage')) workspace.push({ to: '/api-keys', label: t('nav.apiKeys'), icon: KeyRound });
    if (hasPermission(me, 'audit:read')) workspace.push({ to: '/audit', label: t('nav.audit'), icon: ScrollText });
    if (hasPermission(me, 'tenant:read')) workspace.push({ to: '/settings', label: t('nav.settings'), icon: Settings });
  }
  const content: NavItem[] = [];
  if (me.tenant_id && hasPermission(me, 'files:read')) {
    content.push({ to: '/files', label: t('nav.files'), icon: FolderOpen });
    content.push({ to: '/exports', label: t('nav.exports'), icon: FileOutput });
  }
  const ai: NavItem[] = [];
  const usage: NavItem[] = [];
  const automation: NavItem[] = [];
  if (me.tenant_id && hasPermission(me, 'workflows:read')) {
    automation.push({ to: '/workflows', label: t('nav.workflows'), icon: Workflow });
    automation.push({ to: '/workflow-templates', label: t('nav.workflowTemplates'), icon: LayoutTemplate });
    automation.push({ to: '/workflow-runs', label: t('nav.workflowRuns'), icon: Activity });
  }
  if (me.tenant_id) {
    if (hasPermission(me, 'engines:read')) {
      ai.push({ to: '/engines', label: t('nav.engines'), icon: Cpu });
      if (hasPermission(me, 'engines:execute') || hasPermission(me, 'engines:write')) ai.push({ to: '/playground', label: t('nav.playground'), icon: FlaskConical });
      ai.push({ to: '/executions', label: t('nav.executions'), icon: History });
    }
    if (hasPermission(me, 'providers:read')) {
      ai.push({ to: '/providers', label: t('nav.providers'), icon: Server });
      ai.push({ to: '/models', label: t('nav.models'), icon: Boxes });
      ai.push({ to: '/deployments', label: t('nav.deployments'), icon: Network });
    } else if (hasPermission(me, 'tenant:read')) {
      ai.push({ to: '/models', label: t('nav.models'), icon: Boxes });
    }
    if (hasPermission(me, 'tenant:read')) usage.push({ to: '/levels', label: t('nav.levels'), icon: Layers });
    if (hasPermission(me, 'wallet:read')) usage.push({ to: '/wallet', label: t('nav.wallet'), icon: Wallet });
  }
  const sections = [
    { label: t('nav.workspace'), items: workspace },
    { label: t('nav.ai'), items: ai },
    { label: t('nav.automation'), items: automation },
    { label: t('nav.content'), items: content },
    { label: t('nav.usage'), items: usage },
  ];
  if (me.user.is_superadmin && !me.impersonator_id) {
    sections.push({
      label: t('nav.platform'),
      items: [
        { to: '/admin/tenants', label: t('nav.adminTenants'), icon: Building2 },
        { to: '/admin/users', label: t('nav.adminUsers'), icon: UsersRound },
        { to: '/admin/workers', label: t('nav.adminWorkers'), icon: HardDrive },
      ],
    });
  }
  sections.push({ label: t('nav.resources'), items: [{ to: '/components', label: t('nav.components'), icon: Blocks }] });
  return sections.filter((s) => s.items.length > 0);
}

function NavLinks({ me, onNavigate }: { me: MeRead; onNavigate?: () => void }) {
  const sections = useNavSections(me);
  return (
    <div className="flex flex-col gap-5">
      {sections.map((section) => (
        <div key={section.label} className="flex flex-col gap-1">
          <p className="px-3 pb-1 text-xs font-semibold tracking-wide text-fg-muted uppercase">{section.label}</p>
          <ul className="flex flex-col gap-0.5">
            {section.items.map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  onClick={onNavigate}
                  activeOptions={{ exact: item.to === '/' }}
                  className="flex items-center gap-3 rounded-md px-3 py-1.5 text-sm font-medium text-fg-muted no-underline transition-colors hover:bg-surface-muted hover:text-fg aria-[current=page]:bg-primary-soft aria-[current=page]:text-primary-text"
                >
                  <item.icon aria-hidden className="size-4" />
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function UserMenu({ me }: { me: MeRead }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const logout = useLogout();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon-sm" aria-label={t('user.menu')} className="rounded-full">
          <span aria-hidden className="flex size-8 items-center justify-center rounded-full bg-accent text-accent-fg">
            <UserRound className="size-4" />
          </span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        <DropdownMenuLabel>
          <span className="block text-sm font-medium text-fg">{me.user.name || me.user.email}</span>
          <span className="block font-normal">{me.user.email}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void navigate({ to: '/profile' })}>
          <UserRound aria-hidden className="size-4" />
          {t('nav.profile')}
        </DropdownMenuItem>
        <DropdownMenuItem
          onSelect={() =>
            logout.mutate(undefined, {
              onSettled: () => void navigate({ to: '/login' }),
            })
          }
        >
          <LogOut aria-hidden className="rtl-flip size-4" />
          {t('user.logout')}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

/** The signed-in frame: sidebar navigation, header controls and the page. */
export function AppShell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const me = useQuery(meQuery);
  const tenant = useQuery({ ...currentTenantQuery, enabled: Boolean(me.data?.tenant_id) });
  const { setBranding } = useTheme();
  const [menuOpen, setMenuOpen] = useState(false);

  useSyncLanguage(me.data, tenant.data?.settings?.default_language);

  useEffect(() => {
    setBranding(tenant.data?.settings?.theme ?? null);
  }, [tenant.data, setBranding]);
  useEffect(() => () => setBranding(null), [setBranding]);

  useEffect(() => {
    if (isApiError(me.error) && me.error.status === 401) {
      void navigate({ to: '/login', search: { redirect: location.href } });
    }
  }, [me.error, navigate, location.href]);

  if (!me.data) {
    return (
      <div className="p-8">
        <SkeletonBlock label={t('common.loading')} />
      </div>
    );
  }

  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:start-4 focus:top-4 focus:z-[70] focus:rounded-md focus:bg-surface focus:px-3 focus:py-2">
        {t('nav.skipToContent')}
      </a>
      <ImpersonationBanner me={me.data} />
      <div className="flex flex-1">
        <nav aria-label={t('nav.main')} className="sticky top-0 hidden h-screen w-[var(--sidebar-width)] shrink-0 flex-col gap-6 overflow-y-auto border-e border-border bg-surface px-3 py-4 md:flex">
          <Link to="/" className="px-2 text-fg no-underline">
            <Brand />
          </Link>
          <NavLinks me={me.data} />
        </nav>
        <Drawer open={menuOpen} onOpenChange={setMenuOpen}>
          <DrawerContent title={t('nav.main')} side="start" className="max-w-72">
            <nav aria-label={t('nav.main')}>
              <NavLinks me={me.data} onNavigate={() => setMenuOpen(false)} />
            </nav>
          </DrawerContent>
        </Drawer>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="sticky top-0 z-30 flex h-[var(--header-height)] items-center gap-2 border-b border-border bg-bg/85 px-3 backdrop-blur sm:px-6">
            <Button variant="ghost" size="icon-sm" className="md:hidden" aria-label={t('nav.openMenu')} onClick={() => setMenuOpen(true)}>
              <Menu aria-hidden className="size-5" />
            </Button>
            <TenantSwitcher me={me.data} />
            <div className="ms-auto flex items-center gap-1">
              <HelpButton />
              <LanguageSwitcher />
              <ThemeToggle />
              <UserMenu me={me.data} />
            </div>
          </header>
          <VerifyEmailBanner me={me.data} />
          <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none sm:px-8 sm:py-8">
            <Outlet />
          </main>
        </div>
      </div>
    </div>
  );
}
