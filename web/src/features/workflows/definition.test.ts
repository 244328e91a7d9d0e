import { describe, expect, it } from 'vitest';
import type { NodeRunRead } from '@/client';
import { ApiError } from '@/lib/problem';
import { approvalMessage, graphLayers, groupProblems, nodeViews, parseJsonObject, parseRunEvent, problemsFromError, sampleInputs, shapeOf, waitingApprovals } from './definition';

const SUMMARISE = shapeOf({
  nodes: [
    { id: 'summary', type: 'engine' },
    { id: 'review', type: 'approval' },
    { id: 'publish', type: 'template' },
    { id: 'archive', type: 'template' },
  ],
  edges: [
    { source: 'summary', target: 'review' },
    { source: 'review', port: 'approved', target: 'publish' },
    { source: 'review', port: 'rejected', target: 'archive' },
  ],
});

function nodeRun(patch: Partial<NodeRunRead>): NodeRunRead {
  return {
    id: Math.random().toString(36),
    node_id: 'summary',
    node_type: 'engine',
    item_index: -1,
    status: 'succeeded',
    port: 'out',
    attempt: 1,
    worker: null,
    inputs: null,
    output: null,
    feedback: null,
    prompt_tokens: 0,
    completion_tokens: 0,
    charged_tokens: 0,
    cost_nanos: 0,
    error_code: null,
    error_message: null,
    started_at: null,
    finished_at: null,
    ...patch,
  };
}

describe('parseJsonObject', () => {
  it('accepts an object and refuses other JSON or broken text', () => {
    expect(parseJsonObject('{"text": "hi"}')).toEqual({ ok: true, value: { text: 'hi' } });
    expect(parseJsonObject('[1]')).toMatchObject({ ok: false, reason: 'notObject' });
    expect(parseJsonObject('{"text": ')).toMatchObject({ ok: false, reason: 'syntax' });
  });
});

describe('groupProblems', () => {
  it('puts workflow-level problems first, then nodes in definition order, unknown ids last', () => {
    const groups = groupProblems(
      [
        { node_id: 'publish', field: 'nodes.publish.config.template', code: 'unknown_variable', message: 'No variable is called x.' },
        { node_id: 'ghost', field: 'edges.0.target', code: 'unknown_node', message: 'No node has the id ghost.' },
        { node_id: null, field: 'nodes', code: 'invalid', message: 'Input should be a valid list' },
        { node_id: 'summary', field: 'nodes.summary.config.engine', code: 'missing_config', message: 'engine is required.' },
        { node_id: 'publish', field: 'nodes.publish', code: 'cycle', message: 'The node is on a cycle.' },
      ],
      ['summary', 'review', 'publish', 'archive'],
    );
    expect(groups.map((g) => [g.nodeId, g.problems.length])).toEqual([
      [null, 1],
      ['summary', 1],
      ['publish', 2],
      ['ghost', 1],
    ]);
  });
});

describe('problemsFromError', () => {
  it('reads the node of each field error of a refused publish', () => {
    const error = new ApiError({
      status: 422,
      code: 'workflow.invalid_definition',
      detail: 'The workflow definition has problems: 3.',
      fieldErrors: { 'definition.nodes.a.config.engine': 'engine is required.', 'definition.nodes.b': 'The node is on a cycle.', 'definition.edges.0.target': 'No node has the id q.' },
    });
    expect(problemsFromError(error)).toEqual([
      { node_id: 'a', field: 'nodes.a.config.engine', code: 'workflow.invalid_definition', message: 'engine is required.' },
      { node_id: 'b', field: 'nodes.b', code: 'workflow.invalid_definition', message: 'The node is on a cycle.' },
      { node_id: null, field: 'edges.0.target', code: 'workflow.invalid_definition', message: 'No node has the id q.' },
    ]);
    expect(problemsFromError(new ApiError({ status: 409, code: 'x', detail: 'y' }))).toEqual([]);
    expect(problemsFromError(new Error('boom'))).toEqual([]);
  });
});

describe('graphLayers', () => {
  it('puts each node one layer after the furthest node it waits for', () => {
    expect(graphLayers(SUMMARISE)).toEqual([['summary'], ['review'], ['publish', 'archive']]);
    const diamond = shapeOf({
      nodes: ['a', 'b', 'c', 'd'].map((id) => ({ id, type: 'set' })),
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'a', target: 'd' },
        { source: 'c', target: 'd' },
      ],
    });
    expect(graphLayers(diamond)).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('keeps nodes on a cycle (an invalid draft) in a last layer instead of looping', () => {
    const cyclic = shapeOf({ nodes: ['a', 'b', 'c'].map((id) => ({ id, type: 'set' })), edges: [{ source: 'a', target: 'b' }, { source: 'b', target: 'a' }] });
    expect(graphLayers(cyclic)).toEqual([['c'], ['a', 'b']]);
  });
});

describe('nodeViews', () => {
  it('orders the nodes by layer with their latest attempt and marks those not started', () => {
    const views = nodeViews(SUMMARISE, [
      nodeRun({ node_id: 'summary', attempt: 1, status: 'failed' }),
      nodeRun({ node_id: 'summary', attempt: 2, status: 'succeeded' }),
      nodeRun({ node_id: 'review', node_type: 'approval', status: 'waiting', output: { message: 'Publish this summary?' } }),
    ]);
    expect(views.map((v) => [v.id, v.type, v.status, v.run?.attempt ?? null])).toEqual([
      ['summary', 'engine', 'succeeded', 2],
      ['review', 'approval', 'waiting', 1],
      ['publish', 'template', 'not_started', null],
      ['archive', 'template', 'not_started', null],
    ]);
    const waiting = waitingApprovals(views);
    expect(waiting.map((v) => v.id)).toEqual(['review']);
    expect(approvalMessage(waiting[0]!)).toBe('Publish this summary?');
  });

  it("keeps a map's items apart from its own run", () => {
    const map = shapeOf({ nodes: [{ id: 'notes', type: 'map' }], edges: [] });
    const views = nodeViews(map, [nodeRun({ node_id: 'notes', node_type: 'map', status: 'waiting' }), nodeRun({ node_id: 'notes', node_type: 'llm', item_index: 1 }), nodeRun({ node_id: 'notes', node_type: 'llm', item_index: 0 })]);
    expect(views[0]!.status).toBe('waiting');
    expect(views[0]!.items.map((i) => i.item_index)).toEqual([0, 1]);
  });
});

describe('sampleInputs', () => {
  it('gives each input of the schema an empty value of its type', () => {
    expect(sampleInputs({ inputs: { type: 'object', properties: { text: { type: 'string' }, topics: { type: 'array' }, n: { type: 'integer' } } } })).toEqual({ text: '', topics: [], n: 0 });
    expect(sampleInputs({})).toEqual({});
  });
});

describe('parseRunEvent', () => {
  it('takes a run with its nodes and ignores anything else', () => {
    const run = { id: 'r1', status: 'running', nodes: [], evaluations: [] };
    expect(parseRunEvent(run)).toBe(run);
    expect(parseRunEvent({ id: 'r1', status: 'running' })).toBeUndefined();
    expect(parseRunEvent('keep-alive')).toBeUndefined();
    expect(parseRunEvent(null)).toBeUndefined();
  });
});
