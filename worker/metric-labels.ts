// The labels of Dossier's own series, as the SDK's exporter names its own. The SDK's TypeScript layer
// tags a metric recorded in an activity or a workflow with `taskQueue`, `activityType` and
// `workflowType`, while the core's `temporal_*` series carry `task_queue`, `activity_type` and
// `workflow_type`: a PromQL join of the two would match nothing. Every tag reaching the Runtime's
// meter is renamed here, so one query reads Dossier's counters beside the SDK's latencies.
import {
  MetricMeterWithComposedTags,
  type MetricCounter,
  type MetricGauge,
  type MetricHistogram,
  type MetricMeter,
  type MetricTags,
  type MetricUpDownCounter,
  type NumericMetricValueType,
} from '@temporalio/common';

/** The SDK's context tags and the names its Prometheus exporter gives them. */
const SNAKE_CASE_NAMES: Readonly<Record<string, string>> = { taskQueue: 'task_queue', activityType: 'activity_type', workflowType: 'workflow_type' };

export function snakeCaseTags(tags: MetricTags | undefined): MetricTags | undefined {
  if (tags === undefined) return undefined;
  const renamed: MetricTags = {};
  for (const [key, value] of Object.entries(tags)) renamed[SNAKE_CASE_NAMES[key] ?? key] = value;
  return renamed;
}

/** What every metric kind has in common for this purpose: one recording method and `withTags`. */
interface AnyMetric {
  add?(value: number, tags?: MetricTags): void;
  record?(value: number, tags?: MetricTags): void;
  set?(value: number, tags?: MetricTags): void;
  withTags(tags: MetricTags): AnyMetric;
}

/** `metric` with its tags renamed as each value is recorded, and as tags are bound to it. */
function renamingTags<M extends MetricCounter | MetricHistogram | MetricGauge | MetricUpDownCounter>(metric: M): M {
  const inner = metric as unknown as AnyMetric;
  const wrapped = {
    get name() { return metric.name; },
    get unit() { return metric.unit; },
    get description() { return metric.description; },
    get kind() { return metric.kind; },
    get valueType() { return metric.valueType; },
  } as unknown as AnyMetric;
  if (inner.add) wrapped.add = (value, tags) => inner.add!(value, snakeCaseTags(tags));
  if (inner.record) wrapped.record = (value, tags) => inner.record!(value, snakeCaseTags(tags));
  if (inner.set) wrapped.set = (value, tags) => inner.set!(value, snakeCaseTags(tags));
  wrapped.withTags = (tags) => renamingTags(inner.withTags(snakeCaseTags(tags)!) as unknown as M) as unknown as AnyMetric;
  return wrapped as unknown as M;
}

/** A meter whose every series, however its tags were composed, is recorded with the SDK exporter's label names. */
export class SnakeCaseTagsMeter implements MetricMeter {
  constructor(private readonly inner: MetricMeter) {}

  createCounter(name: string, unit?: string, description?: string): MetricCounter {
    return renamingTags(this.inner.createCounter(name, unit, description));
  }

  createHistogram(name: string, valueType?: NumericMetricValueType, unit?: string, description?: string): MetricHistogram {
    return renamingTags(this.inner.createHistogram(name, valueType, unit, description));
  }

  createGauge(name: string, valueType?: NumericMetricValueType, unit?: string, description?: string): MetricGauge {
    return renamingTags(this.inner.createGauge(name, valueType, unit, description));
  }

  createUpDownCounter(name: string, unit?: string, description?: string): MetricUpDownCounter {
    if (!this.inner.createUpDownCounter) throw new Error('createUpDownCounter is not supported by the underlying meter');
    return renamingTags(this.inner.createUpDownCounter(name, unit, description));
  }

  // Tags bound here are resolved with those given at record time and reach the metrics above as one set.
  withTags(tags: MetricTags): MetricMeter {
    return MetricMeterWithComposedTags.compose(this, tags);
  }
}
