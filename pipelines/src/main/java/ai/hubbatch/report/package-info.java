/**
 * The run report, {@code _report.html}: one self-contained page a job leaves beside its outputs.
 *
 * <p>A report is data ({@link ai.hubbatch.report.RunReport}: sections of blocks such as figures,
 * tables and bar charts) that {@link ai.hubbatch.report.ReportPage} renders as HTML with inline CSS
 * and SVG, and {@link ai.hubbatch.report.ReportFile} writes to the output folder on any Beam file
 * system. {@link ai.hubbatch.report.RunReports} builds the report of a finished job from the sink's
 * written-files report, the predict step's statistics and Beam metrics; later work adds sections or
 * blocks to it.
 */
package ai.hubbatch.report;
