// The playground's URL search (`/playground?engine=<id>&version=<n>`); read by the router, so
// kept apart from the page (which loads lazily).
export interface PlaygroundSearch {
  engine?: string;
  version?: number;
}

export function validatePlaygroundSearch(search: Record<string, unknown>): PlaygroundSearch {
  const out: PlaygroundSearch = {};
  if (typeof search.engine === 'string' && search.engine) out.engine = search.engine;
  const version = Number(search.version);
  if (Number.isInteger(version) && version > 0) out.version = version;
  return out;
}
