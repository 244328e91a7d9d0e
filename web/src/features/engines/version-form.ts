// The version editor's form: text fields for everything, turned into a VersionSpec for the
// API (JSON parsed, numbers typed), or the problems found, keyed like the API's field errors.
import type { EngineDetail, Strategy, VersionSpec } from '@/client';

/** One version of an engine (named through the engine so it survives schema renames). */
export type VersionRead = EngineDetail['versions'][number];

export interface VersionForm {
  model: string;
  system_prompt: string;
  prompt_template: string;
  input_schema: string;
  output_schema: string;
  temperature: string;
  top_p: string;
  max_tokens: string;
  /** One stop sequence per line. */
  stop: string;
  /** '' for the tenant's routing strategy. */
  routing_strategy: '' | Strategy;
  notes: string;
}

export type VersionProblem = 'invalidJson' | 'notObject' | 'notNumber' | 'notInteger';

export const DEFAULT_INPUT_SCHEMA = { type: 'object', properties: { text: { type: 'string', minLength: 1 } }, required: ['text'] };

export function emptyVersionForm(model = ''): VersionForm {
  return {
    model,
    system_prompt: '',
    prompt_template: '{{ text }}',
    input_schema: JSON.stringify(DEFAULT_INPUT_SCHEMA, null, 2),
    output_schema: '',
    temperature: '',
    top_p: '',
    max_tokens: '',
    stop: '',
    routing_strategy: '',
    notes: '',
  };
}

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** The form for an existing version (to edit a draft, or to start a new one from it). */
export function versionToForm(version: VersionRead): VersionForm {
  const parameters = version.parameters as { temperature?: number; top_p?: number; max_tokens?: number; stop?: string[] };
  return {
    model: version.model,
    system_prompt: version.system_prompt,
    prompt_template: version.prompt_template,
    input_schema: JSON.stringify(version.input_schema, null, 2),
    output_schema: version.output_schema ? JSON.stringify(version.output_schema, null, 2) : '',
    temperature: text(parameters.temperature),
    top_p: text(parameters.top_p),
    max_tokens: text(parameters.max_tokens),
    stop: (parameters.stop ?? []).join('\n'),
    routing_strategy: version.routing_strategy ?? '',
    notes: version.notes,
  };
}

function parseObject(value: string): Record<string, unknown> | VersionProblem {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'notObject';
  } catch {
    return 'invalidJson';
  }
}

function parseNumber(value: string, integer: boolean): number | VersionProblem | undefined {
  const cleaned = value.trim().replace(',', '.');
  if (!cleaned) return undefined;
  const parsed = Number(cleaned);
  if (!Number.isFinite(parsed)) return integer ? 'notInteger' : 'notNumber';
  if (integer && !Number.isInteger(parsed)) return 'notInteger';
  return parsed;
}

/** The spec for the API, or the problems keyed by the API's field names (`parameters.temperature`). */
export function formToSpec(form: VersionForm): { spec: VersionSpec | null; problems: Record<string, VersionProblem> } {
  const problems: Record<string, VersionProblem> = {};
  const input = parseObject(form.input_schema);
  if (typeof input === 'string') problems.input_schema = input;
  let output: Record<string, unknown> | null = null;
  if (form.output_schema.trim()) {
    const parsed = parseObject(form.output_schema);
    if (typeof parsed === 'string') problems.output_schema = parsed;
    else output = parsed;
  }
  const parameters: NonNullable<VersionSpec['parameters']> = {};
  for (const [name, integer] of [
    ['temperature', false],
    ['top_p', false],
    ['max_tokens', true],
  ] as const) {
    const value = parseNumber(form[name], integer);
    if (typeof value === 'string') problems[`parameters.${name}`] = value;
    else if (value !== undefined) parameters[name] = value;
  }
  const stop = form.stop
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  if (stop.length) parameters.stop = stop;
  if (Object.keys(problems).length > 0 || typeof input === 'string') return { spec: null, problems };
  return {
    spec: {
      model: form.model,
      system_prompt: form.system_prompt,
      prompt_template: form.prompt_template,
      input_schema: input,
      output_schema: output,
      parameters,
      routing_strategy: form.routing_strategy || null,
      notes: form.notes,
    },
    problems,
  };
}
