package io.byol4j.sdk.data;

import static io.byol4j.sdk.data.BinaryDatasetsTest.cifarRecords;
import static io.byol4j.sdk.data.BinaryDatasetsTest.gzip;
import static io.byol4j.sdk.data.BinaryDatasetsTest.idxImages;
import static io.byol4j.sdk.data.BinaryDatasetsTest.idxLabels;
import static io.byol4j.sdk.data.BinaryDatasetsTest.write;
import static io.byol4j.sdk.data.FolderDatasetsTest.writeImage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @Test
    void syntheticSpecsUseDefaultsAndOptions() throws Exception {
        SyntheticDataset d = assertInstanceOf(SyntheticDataset.class, Datasets.open("synthetic", 0));
        assertEquals(2000, d.size());
        assertEquals(1, d.seed());
        assertEquals(32, d.imageSize());

        SyntheticDataset custom =
                assertInstanceOf(SyntheticDataset.class, Datasets.open(" Synthetic:size=30, seed=7,image=16 ", 3));
        assertEquals(30, custom.size());
        assertEquals(7, custom.seed());
        assertEquals(16, custom.imageSize());

        Dataset gray = Datasets.open("synthetic:size=10", 1);
        assertEquals(1, gray.channels());
        assertEquals(1, gray.get(3).image().channels());
        assertArrayEquals(
                custom.get(0).image().toChannels(1).pixels(),
                Datasets.open("synthetic:size=30,seed=7,image=16", 1)
                        .get(0)
                        .image()
                        .pixels());

        assertMessage("unknown synthetic dataset option 'colour'", () -> Datasets.open("synthetic:colour=red", 3));
        assertMessage("must be an integer", () -> Datasets.open("synthetic:size=lots", 3));
        assertMessage("not key=value", () -> Datasets.open("synthetic:size", 3));
    }

    @Test
    void folderFlatAndBareDirectorySpecs(@TempDir Path root) throws Exception {
        writeImage(root.resolve("a/1.png"), 0xFFFFFF, "png");
        writeImage(root.resolve("b/2.png"), 0x000000, "png");

        Dataset folder = Datasets.open("folder:" + root, 0);
        assertInstanceOf(ImageFolderDataset.class, folder);
        assertEquals(3, folder.channels());
        assertEquals(List.of("a", "b"), folder.classNames());

        Dataset bare = Datasets.open(root.toString(), 1);
        assertInstanceOf(ImageFolderDataset.class, bare);
        assertEquals(1, bare.get(0).image().channels());

        Dataset flat = Datasets.open("flat:" + root, 3);
        assertInstanceOf(FlatFolderDataset.class, flat);
        assertEquals(2, flat.size());
        assertTrue(!flat.isLabeled());
    }

    @Test
    void idxAndMnistSpecs(@TempDir Path dir) throws Exception {
        write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idxImages(4, 28, 28)));
        write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idxLabels(1, 2, 3, 0)));
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(idxImages(2, 28, 28)));
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idxLabels(5, 6)));

        Dataset idx = Datasets.open(
                "idx:" + dir.resolve("train-images-idx3-ubyte.gz") + "," + dir.resolve("train-labels-idx1-ubyte.gz"),
                0);
        assertEquals(1, idx.channels());
        assertEquals(4, idx.size());
        assertEquals(List.of("0", "1", "2", "3"), idx.classNames());

        Dataset unlabeled = Datasets.open("idx:" + dir.resolve("t10k-images-idx3-ubyte.gz"), 3);
        assertEquals(3, unlabeled.channels());
        assertEquals(3, unlabeled.get(1).image().channels());
        assertTrue(!unlabeled.isLabeled());

        assertEquals(4, Datasets.open("fashion-mnist:" + dir, 0).size());
        Dataset test = Datasets.open("fashion-mnist:" + dir + ":test", 0);
        assertEquals(2, test.size());
        assertEquals("Shirt", test.classNames().get(test.label(1)));
        assertEquals(4, Datasets.open("mnist:" + dir + ":train", 0).size());
        assertEquals(2, Datasets.open("MNIST:" + dir + ":test", 3).size());

        assertMessage("unknown split 'validation'", () -> Datasets.open("mnist:" + dir + ":validation", 0));
        assertMessage("idx:/path/images[,/path/labels]", () -> Datasets.open("idx:a,b,c", 0));
    }

    @Test
    void cifarSpec(@TempDir Path dir) throws Exception {
        write(dir.resolve("test_batch.bin"), cifarRecords(3, 0));
        Dataset ds = Datasets.open("cifar10-bin:" + dir + ":test", 0);
        assertEquals(3, ds.size());
        assertEquals(3, ds.channels());
        Dataset gray = Datasets.open("cifar10-bin:" + dir + ":test", 1);
        assertEquals(1, gray.get(0).image().channels());
        assertMessage("data_batch_1.bin", () -> Datasets.open("cifar10-bin:" + dir, 0));
    }

    @Test
    void badSpecsNameTheKnownForms(@TempDir Path dir) throws Exception {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Datasets.open("imagenet:/data", 3));
        assertTrue(e.getMessage().contains("unknown prefix 'imagenet'"), e.getMessage());
        for (String prefix : Datasets.PREFIXES) {
            assertTrue(e.getMessage().contains(prefix), prefix + " missing from: " + e.getMessage());
        }
        assertMessage(
                "not an existing directory",
                () -> Datasets.open(dir.resolve("missing").toString(), 3));
        assertMessage("needs an argument", () -> Datasets.open("folder:", 3));
        assertMessage("empty dataset spec", () -> Datasets.open("  ", 3));
        assertMessage("channels must be 1 or 3", () -> Datasets.open("synthetic", 2));
    }

    @Test
    void stratifiedSplitIsDisjointCompleteBalancedAndSeeded() throws Exception {
        SyntheticDataset ds = new SyntheticDataset(200, 4, 16);
        Split split = Datasets.split(ds, 0.75, 99);
        assertEquals(150, split.train().size());
        assertEquals(50, split.test().size());
        Set<Integer> seen = new HashSet<>();
        int[] trainCounts = new int[10];
        Subset train = (Subset) split.train();
        Subset test = (Subset) split.test();
        for (int i = 0; i < train.size(); i++) {
            assertTrue(seen.add(train.baseIndex(i)));
            trainCounts[train.label(i)]++;
            assertEquals(ds.label(train.baseIndex(i)), train.label(i));
        }
        for (int i = 0; i < test.size(); i++) {
            assertTrue(seen.add(test.baseIndex(i)));
        }
        assertEquals(200, seen.size());
        for (int c : trainCounts) {
            assertEquals(15, c, Arrays.toString(trainCounts));
        }
        int[] sorted = train.indices().clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, train.indices(), "parts keep the base order");

        assertArrayEquals(
                train.indices(), ((Subset) Datasets.split(ds, 0.75, 99).train()).indices());
        assertTrue(!Arrays.equals(
                train.indices(), ((Subset) Datasets.split(ds, 0.75, 100).train()).indices()));
        assertEquals(ds.classNames(), train.classNames());
        assertTrue(train.describe().startsWith("150 of synthetic shapes"), train.describe());
    }

    @Test
    void unlabeledSplitAndSubsetViews(@TempDir Path root) throws Exception {
        for (int i = 0; i < 5; i++) {
            writeImage(root.resolve("img" + i + ".png"), i * 40, "png");
        }
        Dataset flat = Datasets.open("flat:" + root, 3);
        Split split = Datasets.split(flat, 0.5, 1);
        assertEquals(3, split.train().size()); // round(2.5) = 3
        assertEquals(2, split.test().size());

        Subset subset = new Subset(flat, new int[] {4, 0, 4});
        assertEquals(3, subset.size());
        assertEquals("img4.png", subset.get(0).id());
        assertEquals("img0.png", subset.get(1).id());
        assertEquals(Sample.UNLABELED, subset.label(2));
        assertThrows(IndexOutOfBoundsException.class, () -> new Subset(flat, new int[] {5}));
        assertThrows(IndexOutOfBoundsException.class, () -> subset.get(3));
        assertThrows(IllegalArgumentException.class, () -> Datasets.split(flat, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> Datasets.split(flat, 0, 1));
    }

    @Test
    void withChannelsConvertsOnlyWhenNeeded() throws Exception {
        SyntheticDataset ds = new SyntheticDataset(10, 1, 16);
        assertSame(ds, Datasets.withChannels(ds, 3));
        assertSame(ds, Datasets.withChannels(ds, 0));
        Dataset gray = Datasets.withChannels(ds, 1);
        assertEquals(1, gray.channels());
        assertEquals(ds.label(5), gray.get(5).label());
        assertEquals(ds.get(5).id(), gray.get(5).id());
        assertTrue(gray.describe().endsWith("as gray"), gray.describe());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
