/**
 * Statistics of a job's engine calls that every Beam runner reports alike: the predict step keeps
 * them per bundle ({@link ai.hubbatch.stats.JobStats}) and emits them as a side output, which the
 * pipeline merges into one file beside the sink's report ({@link ai.hubbatch.stats.JobStatsFile}).
 * Being outputs, they are committed with their bundle: a retried bundle counts once, where Beam
 * metrics count it twice on runners that report attempted values only. They feed the run report.
 */
package ai.hubbatch.stats;
