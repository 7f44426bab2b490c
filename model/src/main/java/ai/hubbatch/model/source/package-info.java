/**
 * Where models come from: local folders, archives, the Hub and the bundled default, resolved to one
 * immutable folder that every worker loads alike.
 */
package ai.hubbatch.model.source;
