import { describe, expect, it } from 'vitest';
import { fieldsFromSchema, initialValues, toInputs } from './schema-form';

const DEMO = {
  type: 'object',
  properties: {
    text: { type: 'string', minLength: 1 },
    sentences: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
  },
  required: ['text', 'sentences'],
};

describe('fieldsFromSchema', () => {
  it('maps each JSON Schema type to a form control, in property order', () => {
    const fields = fieldsFromSchema({
      type: 'object',
      properties: {
        body: { type: 'string', title: 'Body text', description: 'What to work on' },
        title: { type: 'string', maxLength: 80 },
        notes: { type: 'string', maxLength: 80, format: 'textarea' },
        count: { type: 'integer', minimum: 1 },
        ratio: { type: ['number', 'null'], maximum: 1 },
        formal: { type: 'boolean' },
        tone: { type: 'string', enum: ['friendly', 'formal'] },
        level: { enum: [1, 2, 3] },
        extra: { type: 'object' },
        tags: { type: 'array', items: { type: 'string' } },
        untyped: {},
      },
      required: ['body', 'tone'],
    });
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['body', 'textarea'],
      ['title', 'text'],
      ['notes', 'textarea'],
      ['count', 'integer'],
      ['ratio', 'number'],
      ['formal', 'boolean'],
      ['tone', 'enum'],
      ['level', 'enum'],
      ['extra', 'json'],
      ['tags', 'json'],
      ['untyped', 'json'],
    ]);
    expect(fields[0]).toMatchObject({ label: 'Body text', description: 'What to work on', required: true });
    expect(fields[1]).toMatchObject({ label: 'title', required: false, maxLength: 80 });
    expect(fields[6]!.options).toEqual(['friendly', 'formal']);
    expect(fields[4]!.maximum).toBe(1);
  });

  it('has no fields for a schema without properties or not a schema at all', () => {
    expect(fieldsFromSchema({ type: 'object' })).toEqual([]);
    expect(fieldsFromSchema(null)).toEqual([]);
    expect(fieldsFromSchema('nope')).toEqual([]);
  });
});

describe('initialValues', () => {
  it('starts from the defaults, with the first option of a required enum', () => {
    const fields = fieldsFromSchema({
      type: 'object',
      properties: { ...DEMO.properties, formal: { type: 'boolean', default: true }, tone: { enum: ['a', 'b'] }, extra: { type: 'object', default: { a: 1 } } },
      required: ['tone'],
    });
    expect(initialValues(fields)).toEqual({ text: '', sentences: '3', formal: true, tone: 'a', extra: '{\n  "a": 1\n}' });
  });
});

describe('toInputs', () => {
  const fields = fieldsFromSchema(DEMO);

  it('types the values for the API', () => {
    expect(toInputs(fields, { text: 'Hello', sentences: '2' })).toEqual({ inputs: { text: 'Hello', sentences: 2 }, problems: {} });
  });

  it('reports missing, non-integer and out-of-range values per field', () => {
    expect(toInputs(fields, { text: '  ', sentences: '2.5' }).problems).toEqual({ text: { code: 'required' }, sentences: { code: 'notInteger' } });
    expect(toInputs(fields, { text: 'x', sentences: '11' }).problems).toEqual({ sentences: { code: 'max', limit: 10 } });
    expect(toInputs(fields, { text: 'x', sentences: '0' }).problems).toEqual({ sentences: { code: 'min', limit: 1 } });
    expect(toInputs(fields, { text: 'x', sentences: 'abc' }).problems).toEqual({ sentences: { code: 'notInteger' } });
  });

  it('leaves empty optional fields out, parses numbers, booleans, enums and JSON', () => {
    const more = fieldsFromSchema({
      type: 'object',
      properties: {
        ratio: { type: 'number' },
        formal: { type: 'boolean' },
        level: { enum: [1, 2] },
        extra: { type: 'object' },
        note: { type: 'string', maxLength: 3 },
        skip: { type: 'string' },
      },
    });
    expect(toInputs(more, { ratio: '0,5', formal: true, level: '2', extra: '{"a": [1]}', note: 'abc', skip: '' })).toEqual({
      inputs: { ratio: 0.5, formal: true, level: 2, extra: { a: [1] }, note: 'abc' },
      problems: {},
    });
    expect(toInputs(more, { ratio: '1e', formal: false, level: '', extra: '{oops', note: 'abcd', skip: '' }).problems).toEqual({
      ratio: { code: 'notNumber' },
      extra: { code: 'invalidJson' },
      note: { code: 'maxLength', limit: 3 },
    });
  });
});
