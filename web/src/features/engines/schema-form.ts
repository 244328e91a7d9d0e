// An engine version's input schema (JSON Schema, object at the top) turned into form fields,
// and the form's values turned back into the typed inputs the API expects.

export type SchemaFieldKind = 'text' | 'textarea' | 'integer' | 'number' | 'boolean' | 'enum' | 'json';

export interface SchemaField {
  name: string;
  kind: SchemaFieldKind;
  /** The schema's title, else the property name. */
  label: string;
  description?: string;
  required: boolean;
  /** Values for an enum, as the schema gives them. */
  options?: Array<string | number | boolean>;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
}

/** What the form holds per field: text for inputs, a boolean for checkboxes. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

/** Why a value was refused, for the UI to translate (with `limit` where it applies). */
export type InputProblem = { code: 'required' } | { code: 'notInteger' } | { code: 'notNumber' } | { code: 'invalidJson' } | { code: 'min'; limit: number } | { code: 'max'; limit: number } | { code: 'minLength'; limit: number } | { code: 'maxLength'; limit: number };

// Strings longer than this (or without a limit) get a textarea.
const SHORT_TEXT = 120;

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The type a property declares ("string", or the first non-null one of ["string", "null"]). */
function typeOf(property: Schema): string | undefined {
  const type = property.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null');
  return undefined;
}

function kindOf(property: Schema): SchemaFieldKind {
  if (Array.isArray(property.enum) && property.enum.length > 0 && property.enum.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return 'enum';
  switch (typeOf(property)) {
    case 'string': {
      const max = num(property.maxLength);
      const multiline = property.format === 'textarea' || property['x-multiline'] === true;
      return !multiline && max !== undefined && max <= SHORT_TEXT ? 'text' : 'textarea';
    }
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

/** The form fields of an input schema, in the schema's property order. */
export function fieldsFromSchema(schema: unknown): SchemaField[] {
  if (!isSchema(schema) || !isSchema(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  return Object.entries(schema.properties).map(([name, raw]) => {
    const property = isSchema(raw) ? raw : {};
    const kind = kindOf(property);
    return {
      name,
      kind,
      label: typeof property.title === 'string' && property.title ? property.title : name,
      description: typeof property.description === 'string' ? property.description : undefined,
      required: required.has(name),
      options: kind === 'enum' ? (property.enum as Array<string | number | boolean>) : undefined,
      minimum: num(property.minimum),
      maximum: num(property.maximum),
      minLength: num(property.minLength),
      maxLength: num(property.maxLength),
      default: property.default,
    };
  });
}

/** The values a fresh form starts with: each field's default, else empty. */
export function initialValues(fields: SchemaField[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const fallback = field.default;
    if (field.kind === 'boolean') values[field.name] = fallback === true;
    else if (fallback === undefined || fallback === null) values[field.name] = field.kind === 'enum' && field.required && field.options ? String(field.options[0]) : '';
    else values[field.name] = field.kind === 'json' ? JSON.stringify(fallback, null, 2) : String(fallback);
  }
  return values;
}

function checkRange(field: SchemaField, value: number): InputProblem | null {
  if (field.minimum !== undefined && value < field.minimum) return { code: 'min', limit: field.minimum };
  if (field.maximum !== undefined && value > field.maximum) return { code: 'max', limit: field.maximum };
  return null;
}

/**
 * The typed inputs for the API from the form's values, or the problems found per field.
 * Empty optional fields are left out; the server checks everything again.
 */
export function toInputs(fields: SchemaField[], values: FormValues): { inputs: Record<string, unknown>; problems: Record<string, InputProblem> } {
  const inputs: Record<string, unknown> = {};
  const problems: Record<string, InputProblem> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === 'boolean') {
      inputs[field.name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value : '';
    if (text.trim() === '') {
      if (field.required) problems[field.name] = { code: 'required' };
      continue;
    }
    switch (field.kind) {
      case 'integer':
      case 'number': {
        const normalized = text.trim().replace(',', '.');
        const parsed = Number(normalized);
        if (!Number.isFinite(parsed) || !/^-?\d*\.?\d+(e[+-]?\d+)?$/i.test(normalized)) {
          problems[field.name] = { code: field.kind === 'integer' ? 'notInteger' : 'notNumber' };
        } else if (field.kind === 'integer' && !Number.isInteger(parsed)) {
          problems[field.name] = { code: 'notInteger' };
        } else {
          const range = checkRange(field, parsed);
          if (range) problems[field.name] = range;
          else inputs[field.name] = parsed;
        }
        break;
      }
      case 'enum': {
        const option = field.options?.find((o) => String(o) === text);
        if (option === undefined) problems[field.name] = { code: 'required' };
        else inputs[field.name] = option;
        break;
      }
      case 'json':
        try {
          inputs[field.name] = JSON.parse(text);
        } catch {
          problems[field.name] = { code: 'invalidJson' };
        }
        break;
      default:
        if (field.minLength !== undefined && text.length < field.minLength) problems[field.name] = { code: 'minLength', limit: field.minLength };
        else if (field.maxLength !== undefined && text.length > field.maxLength) problems[field.name] = { code: 'maxLength', limit: field.maxLength };
        else inputs[field.name] = text;
    }
  }
  return { inputs, problems };
}
