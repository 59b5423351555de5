-- Evals: what the contract carries beyond 0004's eval tables.
--
-- parent_suite_id: the version a suite version was derived from (versions replace edits).
-- params: the model parameters of a run (temperature, max_tokens, seed, top_p), as requested.
-- case_ids: the cases a vector_retrieval selection picked when the run was created, in order;
--   null means every case of the suite. Fixed at creation so a resumed run grades the same cases.
alter table eval_suites add column parent_suite_id uuid;
alter table eval_suites
  add constraint eval_suites_parent_fk foreign key (tenant_id, parent_suite_id) references eval_suites (tenant_id, id);

alter table eval_runs add column params jsonb not null default '{}'::jsonb;
alter table eval_runs add column case_ids uuid[];
alter table eval_runs add column judge_cost_usd numeric(14, 6) not null default 0 check (judge_cost_usd >= 0);

-- Results in case order (GET /eval-runs/{id}/results pages by case id, which is creation order).
create index eval_case_results_run_case_idx on eval_case_results (tenant_id, eval_run_id, case_id);

-- What grading one case cost on top of the model call (a judge model); part of cost_usd.
alter table eval_case_results add column judge_cost_usd numeric(14, 6) not null default 0 check (judge_cost_usd >= 0);
