package ai.hubbatch.model.engine;

/**
 * A tensor held by an engine, valid while the {@link Outputs} that produced it is open. Only the
 * engine that made it can take it as an input.
 */
non-sealed interface EngineValue extends Value {}
