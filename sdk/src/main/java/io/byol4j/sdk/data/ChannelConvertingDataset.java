package io.byol4j.sdk.data;

import io.byol4j.sdk.image.ImageDecodeException;
import java.util.List;

/** A view of a dataset whose images are converted to another channel count. */
final class ChannelConvertingDataset implements Dataset {

    private final Dataset base;
    private final int channels;

    ChannelConvertingDataset(Dataset base, int channels) {
        this.base = base;
        this.channels = channels;
    }

    @Override
    public int size() {
        return base.size();
    }

    @Override
    public Sample get(int index) throws ImageDecodeException {
        Sample s = base.get(index);
        return new Sample(s.image().toChannels(channels), s.label(), s.id());
    }

    @Override
    public int label(int index) {
        return base.label(index);
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public String describe() {
        return base.describe() + (channels == 1 ? ", as gray" : ", as RGB");
    }

    @Override
    public String toString() {
        return describe();
    }
}
