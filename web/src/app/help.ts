// Help topics: each page names one in its route's staticData; the help drawer shows it.
export const HELP_TOPICS = {
  dashboard: 'tenancy',
  members: 'tenancy',
  apiKeys: 'api-keys',
  audit: 'audit',
  settings: 'tenancy',
  profile: 'auth',
  onboarding: 'tenancy',
  engines: 'engines',
  playground: 'engines',
  executions: 'engines',
  providers: 'catalog',
  models: 'catalog',
  deployments: 'catalog',
  levels: 'levels',
  wallet: 'wallet',
  workflows: 'workflows',
  workflowTemplates: 'workflows',
  workflowRuns: 'workflows',
  workers: 'workers',
  files: 'storage',
  exports: 'exports',
  exportTemplates: 'exports',
  adminTenants: 'admin',
  adminUsers: 'admin',
  components: null,
  auth: 'auth',
} as const satisfies Record<string, string | null>;

export type HelpTopic = keyof typeof HELP_TOPICS;

/** The API reference section (Swagger UI served by the backend) for a topic. */
export function apiDocsHref(topic: HelpTopic): string {
  const tag = HELP_TOPICS[topic];
  return tag ? `/docs#/${tag}` : '/docs';
}
