package io.byol4j.trainer.augment;

/** The four colour-jitter adjustments, whose order is drawn at random for every view. */
public enum ColorOp {
    BRIGHTNESS,
    CONTRAST,
    SATURATION,
    HUE
}
