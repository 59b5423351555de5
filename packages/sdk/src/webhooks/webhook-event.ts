/**
 * The body of an FTM webhook delivery. `type` names the event (`dataset.created`,
 * `ft_job.updated`, `model.promoted`, …) and `data` carries the resource as the API returns it.
 */
export interface WebhookEvent<TData = Record<string, unknown>> {
  readonly id: string;
  readonly type: string;
  readonly created_at: string;
  readonly resource_type?: string;
  readonly resource_id?: string | null;
  readonly project_id?: string | null;
  readonly data: TData;
}
