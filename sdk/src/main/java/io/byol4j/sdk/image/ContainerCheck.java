package io.byol4j.sdk.image;

/**
 * Cheap structural checks that tell a file cut short from one with bad content: PNG (chunks up to
 * IEND), JPEG (segments, then an EOI marker after the first scan) and GIF (blocks up to the first
 * complete image). Reads no pixels.
 */
final class ContainerCheck {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int PNG_IEND = ('I' << 24) | ('E' << 16) | ('N' << 8) | 'D';

    private ContainerCheck() {}

    private static final int PNG_IHDR = ('I' << 24) | ('H' << 16) | ('D' << 8) | 'R';

    /**
     * For a PNG whose first chunk is a complete IHDR (the header with width and height): whether its
     * CRC-32 disagrees with its bytes, i.e. the header itself is damaged. False for anything else.
     */
    static boolean isPngHeaderDamaged(byte[] data) {
        int start = PNG_SIGNATURE.length;
        if (data.length < start + 8 + 13 + 4 || !startsWith(data, PNG_SIGNATURE, PNG_SIGNATURE.length)) {
            return false;
        }
        if (readInt(data, start) != 13 || readInt(data, start + 4) != PNG_IHDR) {
            return false;
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data, start + 4, 4 + 13);
        return (int) crc.getValue() != readInt(data, start + 8 + 13);
    }

    /** True when {@code data} starts like a PNG but ends before its IEND chunk is complete. */
    static boolean isTruncatedPng(byte[] data) {
        if (data.length < PNG_SIGNATURE.length) {
            return startsWith(data, PNG_SIGNATURE, data.length);
        }
        if (!startsWith(data, PNG_SIGNATURE, PNG_SIGNATURE.length)) {
            return false;
        }
        long pos = PNG_SIGNATURE.length;
        while (true) {
            if (pos + 8 > data.length) {
                return true;
            }
            long length = readInt(data, (int) pos) & 0xFFFFFFFFL;
            int type = readInt(data, (int) pos + 4);
            long end = pos + 12 + length;
            if (end > data.length) {
                return true;
            }
            if (type == PNG_IEND) {
                return false;
            }
            pos = end;
        }
    }

    /**
     * True when {@code data} starts like a JPEG but its marker segments run past the end, or no EOI
     * marker follows the first start-of-scan.
     */
    static boolean isTruncatedJpeg(byte[] data) {
        if (data.length < 2) {
            return data.length == 1 && data[0] == (byte) 0xFF;
        }
        if (data[0] != (byte) 0xFF || data[1] != (byte) 0xD8) {
            return false;
        }
        int pos = 2;
        while (true) {
            if (pos >= data.length) {
                return true;
            }
            if (data[pos] != (byte) 0xFF) {
                return false; // not a marker where one must be: bad content, not a short file
            }
            while (pos < data.length && data[pos] == (byte) 0xFF) {
                pos++; // fill bytes
            }
            if (pos >= data.length) {
                return true;
            }
            int marker = data[pos++] & 0xFF;
            if (marker == 0xD9) {
                return false;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // standalone markers carry no length
            }
            if (pos + 2 > data.length) {
                return true;
            }
            int length = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
            if (length < 2) {
                return false;
            }
            pos += length;
            if (pos > data.length) {
                return true;
            }
            if (marker == 0xDA) {
                return !containsEoi(data, pos);
            }
        }
    }

    /**
     * True when {@code data} starts like a GIF but a block runs past the end, or it ends before its
     * first image is complete. A GIF that only lacks its trailer byte after a complete image is not
     * reported, since decoders accept it.
     */
    static boolean isTruncatedGif(byte[] data) {
        if (data.length < 13) {
            return data.length >= 3 && data[0] == 'G' && data[1] == 'I' && data[2] == 'F';
        }
        if (data[0] != 'G' || data[1] != 'I' || data[2] != 'F') {
            return false;
        }
        int packed = data[10] & 0xFF;
        long pos = 13;
        if ((packed & 0x80) != 0) {
            pos += 3L << ((packed & 7) + 1);
        }
        boolean sawImage = false;
        while (true) {
            if (pos >= data.length) {
                return !sawImage;
            }
            int introducer = data[(int) pos++] & 0xFF;
            if (introducer == 0x3B) {
                return false;
            } else if (introducer == 0x21) {
                pos += 1; // extension label
            } else if (introducer == 0x2C) {
                if (pos + 9 > data.length) {
                    return true;
                }
                int localPacked = data[(int) pos + 8] & 0xFF;
                pos += 9;
                if ((localPacked & 0x80) != 0) {
                    pos += 3L << ((localPacked & 7) + 1);
                }
                pos += 1; // LZW minimum code size
            } else {
                return false; // unknown block: bad content, not a short file
            }
            pos = skipSubBlocks(data, pos);
            if (pos < 0) {
                return true;
            }
            sawImage |= introducer == 0x2C;
        }
    }

    /** Position after a chain of data sub-blocks ending with a zero length, or -1 if it runs past the end. */
    private static long skipSubBlocks(byte[] data, long pos) {
        while (true) {
            if (pos >= data.length) {
                return -1;
            }
            int length = data[(int) pos] & 0xFF;
            pos += 1 + length;
            if (length == 0) {
                return pos;
            }
        }
    }

    private static boolean containsEoi(byte[] data, int from) {
        for (int i = data.length - 2; i >= from; i--) {
            if (data[i] == (byte) 0xFF && data[i + 1] == (byte) 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] data, byte[] prefix, int length) {
        for (int i = 0; i < length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int readInt(byte[] b, int pos) {
        return ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
    }
}
