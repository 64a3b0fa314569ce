package io.byol4j.cli;

import io.byol4j.sdk.internal.DeviceRequest;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one {@code --device} flag of every command that computes on a device: its help text, and a converter that
 * accepts exactly {@link DeviceRequest}'s words and passes on their canonical form ({@code CUDA:1} becomes
 * {@code gpu:1}), so a typo fails while the flags are parsed, naming the value and the words.
 */
final class DeviceFlag implements ITypeConverter<String> {

    /** The flag's help text. */
    static final String DESCRIPTION = "auto (every GPU, else the CPU; the default), cpu, gpu (every GPU) or gpu:N"
            + " (GPU number N); cuda and cuda:N mean the same as gpu and gpu:N.";

    @Override
    public String convert(String value) {
        try {
            return DeviceRequest.parse(value).toString();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
