import { ApiResource } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { CreateProjectRequest, Project } from '../generated/schemas.js';

/** Projects group resources inside a tenant. */
export class Projects extends ApiResource {
  /**
   * Creates a project.
   * @example const project = await ftm.projects.create({ name: 'support-bot' });
   */
  create(body: CreateProjectRequest, options?: RequestOptions): ApiPromise<Project> {
    return this.client.request({ method: 'POST', path: '/projects', body, options });
  }

  /**
   * Lists projects.
   * @example for await (const p of ftm.projects.list()) console.log(p.name);
   */
  list(params?: ListParams<'listProjects'>, options?: RequestOptions): PagePromise<Project> {
    return this.page('/projects', params, options);
  }
}
