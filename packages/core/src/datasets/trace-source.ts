import { z } from 'zod';

/** One message of an Orchestrator trace (OpenAI chat shape). */
export const TraceMessage = z.object({
  role: z.string(),
  content: z.unknown().optional(),
  tool_calls: z.array(z.unknown()).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});
export type TraceMessage = z.infer<typeof TraceMessage>;

/** A recorded assistant conversation, as the Orchestrator's trace API returns it. */
export const Trace = z.object({
  id: z.string().min(1),
  assistant_id: z.string().nullish(),
  project_id: z.string().nullish(),
  created_at: z.string(),
  messages: z.array(TraceMessage),
  tools: z.array(z.unknown()).nullish(),
  rating: z.number().nullish(),
  tags: z.array(z.string()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type Trace = z.infer<typeof Trace>;

/** The filters of a trace listing; `project_id` is the FTM project the dataset belongs to. */
export interface TraceQuery {
  readonly project_id?: string | null;
  readonly assistant_id?: string;
  readonly since?: string;
  readonly until?: string;
  readonly tags?: readonly string[];
  readonly min_rating?: number;
  readonly max_records?: number;
}

/** Where production traces come from (the Orchestrator); pages are walked lazily. */
export interface TraceSource {
  listTraces(query: TraceQuery, signal?: AbortSignal): AsyncIterable<Trace>;
}
