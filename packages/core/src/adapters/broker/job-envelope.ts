/**
 * The body of every message BrokerQueue publishes: the job and what it needs to count attempts.
 * JSON, versioned, so a worker of the next release can still read a message of this one.
 */
export interface JobEnvelope {
  readonly v: 1;
  readonly id: string;
  readonly name: string;
  /** The attempt number of this message's first delivery (1 for a new job). */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  /**
   * The ledger row this message belongs to (a job id given at enqueue, a promoted delayed job or
   * retry, a replayed dead letter): the worker deletes that row when the job succeeds. Absent
   * for jobs that have no row.
   */
  readonly token?: string;
  /** The payload, unless it was too large for a message (then `stored` and it is in the ledger row). */
  readonly payload?: unknown;
  readonly stored?: true;
}

/** Encodes an envelope; its UTF-8 byte length is what brokers limit. */
export function encodeEnvelope(envelope: JobEnvelope): string {
  return JSON.stringify(envelope);
}

/** Parses a message body; undefined when it is not an FTM job envelope (a foreign message). */
export function decodeEnvelope(body: string): JobEnvelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const positiveInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (e.v !== 1 || typeof e.id !== 'string' || typeof e.name !== 'string') return undefined;
  if (!positiveInt(e.attempt) || !positiveInt(e.maxAttempts)) return undefined;
  if (typeof e.backoffMs !== 'number' || e.backoffMs < 0) return undefined;
  if (e.token !== undefined && typeof e.token !== 'string') return undefined;
  if (e.stored !== undefined && (e.stored !== true || e.token === undefined)) return undefined;
  return e as unknown as JobEnvelope;
}

/** UTF-8 bytes of a message body. */
export function bodyBytes(body: string): number {
  return Buffer.byteLength(body, 'utf8');
}
