import { describe, expect, it } from 'vitest';
import { emptyVersionForm, formToSpec, versionToForm, type VersionRead } from './version-form';

const VERSION: VersionRead = {
  id: 'v1',
  number: 1,
  status: 'published',
  model: 'mock-small',
  system_prompt: 'Be brief.',
  prompt_template: 'Summarise {{ text }}',
  input_schema: { type: 'object', properties: { text: { type: 'string' } } },
  output_schema: null,
  parameters: { temperature: 0.2, max_tokens: 256, stop: ['END', '###'] },
  routing_strategy: null,
  notes: '',
  created_at: '2026-01-01T00:00:00Z',
  published_at: '2026-01-01T00:00:00Z',
};

describe('the version form', () => {
  it('round-trips a version through the form', () => {
    const form = versionToForm(VERSION);
    expect(form).toMatchObject({ temperature: '0.2', max_tokens: '256', top_p: '', stop: 'END\n###', routing_strategy: '', output_schema: '' });
    expect(formToSpec(form)).toEqual({
      spec: {
        model: 'mock-small',
        system_prompt: 'Be brief.',
        prompt_template: 'Summarise {{ text }}',
        input_schema: VERSION.input_schema,
        output_schema: null,
        parameters: { temperature: 0.2, max_tokens: 256, stop: ['END', '###'] },
        routing_strategy: null,
        notes: '',
      },
      problems: {},
    });
  });

  it('starts a new engine with a text input', () => {
    const { spec } = formToSpec(emptyVersionForm('mock-small'));
    expect(spec?.input_schema).toMatchObject({ properties: { text: { type: 'string' } } });
    expect(spec?.parameters).toEqual({});
  });

  it('reports JSON and number problems under the API field names', () => {
    const form = { ...emptyVersionForm('m'), input_schema: '{oops', output_schema: '[1]', temperature: 'hot', max_tokens: '1.5', routing_strategy: 'fallback' as const };
    expect(formToSpec(form)).toEqual({
      spec: null,
      problems: { input_schema: 'invalidJson', output_schema: 'notObject', 'parameters.temperature': 'notNumber', 'parameters.max_tokens': 'notInteger' },
    });
  });
});
