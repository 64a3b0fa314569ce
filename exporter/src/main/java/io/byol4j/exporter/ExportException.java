package io.byol4j.exporter;

import java.util.Optional;

/**
 * An export did not produce a model: the encoder could not be translated, a file could not be
 * written, or the exported model disagrees with DJL beyond the tolerance. In every case no output
 * file is left behind. Parity failures carry the {@link ExportReport} with the measured differences.
 */
public final class ExportException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient ExportReport report;

    /** A failure described by {@code message}. */
    public ExportException(String message) {
        this(message, null, null);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public ExportException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** A parity failure with the report holding the measured differences. */
    public ExportException(String message, ExportReport report) {
        this(message, null, report);
    }

    private ExportException(String message, Throwable cause, ExportReport report) {
        super(message, cause);
        this.report = report;
    }

    /** The report of a failed parity check; empty for other failures. */
    public Optional<ExportReport> report() {
        return Optional.ofNullable(report);
    }
}
