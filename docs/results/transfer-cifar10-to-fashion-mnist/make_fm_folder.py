# Writes Fashion-MNIST IDX images as 28x28 gray PNGs in ImageFolder layout: the first N of each class.
import gzip, struct, sys, zlib, os
src, split, per_class, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
names = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]
prefix = "train" if split == "train" else "t10k"
with gzip.open(f"{src}/{prefix}-images-idx3-ubyte.gz") as f:
    _, n, h, w = struct.unpack(">IIII", f.read(16)); pixels = f.read()
with gzip.open(f"{src}/{prefix}-labels-idx1-ubyte.gz") as f:
    f.read(8); labels = f.read()
def png(path, img):
    raw = b"".join(b"\x00" + img[r * w:(r + 1) * w] for r in range(h))
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as o: o.write(data)
count = [0] * 10
for i in range(n):
    c = labels[i]
    if per_class and count[c] >= per_class: continue
    count[c] += 1
    d = os.path.join(out, names[c]); os.makedirs(d, exist_ok=True)
    png(os.path.join(d, f"{split}-{i:05d}.png"), pixels[i * h * w:(i + 1) * h * w])
print(out, sum(count), count)
