import { Search } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

/** A search form: the query applies on submit, so typing does not fire a request per key. */
export function SearchBox({ label, onSearch }: { label: string; onSearch: (q: string) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  return (
    <form
      role="search"
      className="flex items-center gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(value);
      }}
    >
      <div className="relative">
        <Search aria-hidden className="pointer-events-none absolute start-2.5 top-1/2 size-4 -translate-y-1/2 text-fg-muted" />
        <Input aria-label={label} type="search" value={value} onChange={(e) => setValue(e.target.value)} className="w-64 ps-8" />
      </div>
      <Button type="submit" variant="outline" className="h-9">
        {t('common.search')}
      </Button>
    </form>
  );
}
