package io.byol4j.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a picocli option that changes how a command runs (for example {@code --force}), not what it computes:
 * it is not a configuration key, so {@link CommandConfigs#resolve(Class, Record, java.nio.file.Path, Object)}
 * skips it and it is not saved with the configuration.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface RunFlag {}
