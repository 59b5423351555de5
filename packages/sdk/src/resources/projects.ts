import { ApiResource } from '../core/api-resource.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { JsonBody, JsonResponse, ListItem, ListParams } from '../core/operation-types.js';

/** Projects group resources inside a tenant. */
export class Projects extends ApiResource {
  /**
   * Creates a project.
   * @example const project = await ftm.projects.create({ name: 'support-bot' });
   */
  create(body: JsonBody<'createProject'>, options?: RequestOptions): Promise<JsonResponse<'createProject'>> {
    return this.client.request({ method: 'POST', path: '/projects', body, options });
  }

  /**
   * Lists projects.
   * @example for await (const p of ftm.projects.list()) console.log(p.name);
   */
  list(params?: ListParams<'listProjects'>, options?: RequestOptions): PagePromise<ListItem<'listProjects'>> {
    return this.page('/projects', params, options);
  }
}
