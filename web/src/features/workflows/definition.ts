// The pure side of the workflow pages: reading the JSON a person typed, grouping validation
// problems per node, and laying out a definition's nodes (layers and run order).
import type { NodeRunRead, NodeStatus, ProblemRead, RunDetail } from '@/client';
import { isApiError } from '@/lib/problem';

export interface NodeSpec {
  id: string;
  type: string;
  name?: string;
  config?: Record<string, unknown>;
}

export interface EdgeSpec {
  source: string;
  target: string;
  port?: string;
}

export interface DefinitionShape {
  nodes: NodeSpec[];
  edges: EdgeSpec[];
}

export type JsonResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: 'syntax' | 'notObject'; detail: string };

/** The JSON object typed in an editor, or why it is not one. */
export function parseJsonObject(text: string): JsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'syntax', detail: error instanceof Error ? error.message : String(error) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'notObject', detail: '' };
  return { ok: true, value: value as Record<string, unknown> };
}

/** The nodes and edges of a definition, leaving out whatever is not shaped like one. */
export function shapeOf(definition: unknown): DefinitionShape {
  const record = (definition && typeof definition === 'object' ? definition : {}) as { nodes?: unknown; edges?: unknown };
  const nodes = (Array.isArray(record.nodes) ? record.nodes : []).filter((n): n is NodeSpec => Boolean(n) && typeof (n as NodeSpec).id === 'string' && typeof (n as NodeSpec).type === 'string');
  const edges = (Array.isArray(record.edges) ? record.edges : []).filter((e): e is EdgeSpec => Boolean(e) && typeof (e as EdgeSpec).source === 'string' && typeof (e as EdgeSpec).target === 'string');
  return { nodes, edges };
}

export type Problem = Pick<ProblemRead, 'node_id' | 'field' | 'code' | 'message'>;

export interface ProblemGroup {
  /** null: the problems of the workflow as a whole (its shape, inputs, outputs). */
  nodeId: string | null;
  problems: Problem[];
}

/**
 * Problems grouped per node: the workflow's own first, then the nodes in the definition's
 * order, then ids the definition does not have (an edge to an unknown node).
 */
export function groupProblems(problems: readonly Problem[], nodeOrder: readonly string[] = []): ProblemGroup[] {
  const groups = new Map<string | null, Problem[]>();
  for (const problem of problems) {
    const key = problem.node_id ?? null;
    groups.set(key, [...(groups.get(key) ?? []), problem]);
  }
  const rank = (id: string | null) => (id === null ? -1 : nodeOrder.includes(id) ? nodeOrder.indexOf(id) : nodeOrder.length);
  return [...groups.entries()]
    .map(([nodeId, list]) => ({ nodeId, problems: list }))
    .sort((a, b) => rank(a.nodeId) - rank(b.nodeId) || String(a.nodeId).localeCompare(String(b.nodeId)));
}

const NODE_FIELD = /^(?:body\.)?definition\.nodes\.([a-z][a-z0-9_]*)(?:\.|$)/;

/**
 * The problems of a refused publish or save (422 `workflow.invalid_definition`): the server
 * sends them as field errors (`definition.nodes.<id>.config.engine`), the node id in the path.
 * An empty list when the error is something else.
 */
export function problemsFromError(error: unknown): Problem[] {
  if (!isApiError(error) || error.status !== 422) return [];
  return Object.entries(error.fieldErrors).map(([field, message]) => {
    const match = NODE_FIELD.exec(field);
    const local = field.replace(/^(?:body\.)?definition\.?/, '');
    return { node_id: match?.[1] ?? null, field: local, code: error.code, message };
  });
}

/**
 * The nodes in layers: each node one layer after the furthest node it depends on, so a
 * layer's nodes can run side by side. Nodes on a cycle (an invalid draft) go last.
 */
export function graphLayers(definition: DefinitionShape): string[][] {
  const ids = definition.nodes.map((n) => n.id);
  const known = new Set(ids);
  const incoming = new Map(ids.map((id) => [id, [] as string[]]));
  for (const edge of definition.edges) {
    if (known.has(edge.source) && known.has(edge.target)) incoming.get(edge.target)!.push(edge.source);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const seen = depth.get(id);
    if (seen !== undefined) return seen;
    if (visiting.has(id)) return Number.POSITIVE_INFINITY;
    visiting.add(id);
    const parents = incoming.get(id) ?? [];
    const d = parents.length === 0 ? 0 : Math.max(...parents.map(visit)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  ids.forEach(visit);
  const finite = [...depth.values()].filter(Number.isFinite);
  const last = finite.length ? Math.max(...finite) + 1 : 0;
  const layers: string[][] = [];
  for (const id of ids) {
    const d = depth.get(id)!;
    const index = Number.isFinite(d) ? d : last;
    (layers[index] ??= []).push(id);
  }
  return layers.filter(Boolean);
}

/** The status a node is shown with: its run's, or `not_started` when it has none yet. */
export type ShownStatus = NodeStatus | 'not_started';

export interface NodeView {
  id: string;
  type: string;
  name: string;
  status: ShownStatus;
  /** The node's own run (item -1); a map's items come separately. */
  run: NodeRunRead | null;
  items: NodeRunRead[];
}

/**
 * The run's nodes in the definition's layer order, each with its run (the latest attempt)
 * and, for a map, its items. Node runs of ids the definition lacks are appended.
 */
export function nodeViews(definition: DefinitionShape, runs: readonly NodeRunRead[]): NodeView[] {
  const byNode = new Map<string, NodeRunRead[]>();
  for (const run of runs) byNode.set(run.node_id, [...(byNode.get(run.node_id) ?? []), run]);
  const specs = new Map(definition.nodes.map((n) => [n.id, n]));
  const order = graphLayers(definition).flat();
  for (const id of byNode.keys()) if (!specs.has(id)) order.push(id);
  return order.map((id) => {
    const spec = specs.get(id);
    const own = (byNode.get(id) ?? []).filter((r) => r.item_index < 0);
    const run = own.length ? own.reduce((a, b) => (b.attempt >= a.attempt ? b : a)) : null;
    const items = (byNode.get(id) ?? []).filter((r) => r.item_index >= 0).sort((a, b) => a.item_index - b.item_index);
    return { id, type: spec?.type ?? run?.node_type ?? items[0]?.node_type ?? '', name: spec?.name ?? '', status: run?.status ?? items[0]?.status ?? 'not_started', run, items };
  });
}

/** Approval nodes waiting for a decision. */
export function waitingApprovals(views: readonly NodeView[]): NodeView[] {
  return views.filter((v) => v.type === 'approval' && v.status === 'waiting');
}

/** The message an approval node shows the person deciding (rendered by the server). */
export function approvalMessage(view: NodeView): string {
  const output = view.run?.output as { message?: unknown } | null | undefined;
  return output && typeof output.message === 'string' ? output.message : '';
}

/** A starting point for a run's inputs: each property of the input schema, empty. */
export function sampleInputs(definition: unknown): Record<string, unknown> {
  const schema = (definition as { inputs?: { properties?: Record<string, { type?: unknown }> } } | null)?.inputs;
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    const type = property?.type;
    out[name] = type === 'array' ? [] : type === 'object' ? {} : type === 'number' || type === 'integer' ? 0 : type === 'boolean' ? false : '';
  }
  return out;
}

/** A run event's data, when it is a run (it always is; anything else is ignored). */
export function parseRunEvent(data: unknown): RunDetail | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const run = data as Partial<RunDetail>;
  return typeof run.id === 'string' && typeof run.status === 'string' && Array.isArray(run.nodes) ? (run as RunDetail) : undefined;
}
