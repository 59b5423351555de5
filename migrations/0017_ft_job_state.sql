-- FTM's own bookkeeping of a fine-tuning job leaves the caller's metadata.
--
-- Until now it lived under metadata._ftm, mixed into the labels the caller sets (and FTM sends
-- to the provider). ftm_state holds it now (cost estimate, threshold, grader, status reason,
-- progress, provider event cursor, submit lease, training format: see FtJobBookkeeping), and the
-- retarget lineage gets a column of its own. Existing rows move over and lose their _ftm key, so
-- metadata is only the caller's again.
alter table ft_jobs add column ftm_state jsonb not null default '{}'::jsonb;
alter table ft_jobs add column retargeted_from uuid;

update ft_jobs set
  ftm_state = case when jsonb_typeof(metadata -> '_ftm') = 'object' then (metadata -> '_ftm') - 'retargeted_from' else '{}'::jsonb end,
  retargeted_from = case when jsonb_typeof(metadata #> '{_ftm,retargeted_from}') = 'string' then (metadata #>> '{_ftm,retargeted_from}')::uuid end,
  metadata = metadata - '_ftm'
where metadata ? '_ftm';
