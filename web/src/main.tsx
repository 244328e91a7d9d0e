import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '@/app/App';
import { createQueryClient } from '@/app/queryClient';
import { meQuery } from '@/features/session/api';
import { i18n, initI18n } from '@/i18n';
import { configureClient } from '@/lib/api';
import { readImpersonation } from '@/lib/impersonation';
import { isApiError } from '@/lib/problem';
import { applyMode, resolveMode, storedMode } from '@/theme/mode';
import '@/styles/index.css';

// Theme before the first paint (no inline script: the CSP allows only our files).
applyMode(resolveMode(storedMode() ?? 'system'));

configureClient({
  language: () => i18n.language || 'en',
  bearer: () => readImpersonation()?.accessToken ?? null,
  fallback: (key) => i18n.t(`errors.${key}`),
});

const queryClient = createQueryClient();
// A 401 on any request means the session ended: re-check who we are, which sends the
// signed-in pages back to the login page.
queryClient.getQueryCache().subscribe((event) => {
  if (event.type !== 'updated' || event.action.type !== 'error') return;
  const error = event.action.error;
  if (isApiError(error) && error.status === 401 && event.query.queryKey[0] !== 'me') {
    void queryClient.invalidateQueries({ queryKey: meQuery.queryKey });
  }
});

void initI18n().then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App queryClient={queryClient} />
    </StrictMode>,
  );
});
