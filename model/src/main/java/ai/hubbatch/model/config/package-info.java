/**
 * What a user configures, as opposed to what a program does: {@link
 * ai.hubbatch.model.config.ConfigurationException}, the error every module throws for a
 * configuration that cannot work, which commands report as exit code 2.
 */
package ai.hubbatch.model.config;
