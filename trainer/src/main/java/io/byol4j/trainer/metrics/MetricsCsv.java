package io.byol4j.trainer.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the metrics CSV files the trainer and the fine-tuner write: a fixed header, then comma-separated rows. */
public final class MetricsCsv {

    private MetricsCsv() {}

    /**
     * The data rows of {@code file}, each split into exactly {@code columns} cells; blank lines are skipped.
     *
     * @throws IOException naming the file (and line) when it is missing, starts with another header, or has a row
     *     with another number of cells
     */
    public static List<String[]> rows(Path file, String header, int columns) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("metrics file is missing: " + file, e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw new IOException(file + " does not start with the expected header: " + header);
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != columns) {
                throw new IOException(
                        file + " line " + (i + 1) + " has " + cells.length + " columns, expected " + columns);
            }
            out.add(cells);
        }
        return out;
    }
}
