import com.google.protobuf.ByteString;
import io.byol4j.grpc.v1.*;
import io.grpc.*;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.*;
import java.util.concurrent.*;
import javax.imageio.ImageIO;

/**
 * The hostile client of issue 10 against a running byol4j serve: CALLS concurrent Embed calls, each one
 * 7000x7000 (49 M pixel) PNG plus one small PNG whose features must come back correct; then one call of
 * eight such images with a 2 s deadline. Prints the outcome of every call, grouped.
 * Usage: java -cp "cli/target/byol4j-cli.jar:cli/target/lib/*" grpc-server/tools/HostileClient.java PORT CALLS
 */
public class HostileClient {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        int calls = Integer.parseInt(a[1]);
        BufferedImage big = new BufferedImage(7000, 7000, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 7000; y += 50) for (int x = 0; x < 7000; x++) big.setRGB(x, y, 0x334455 + x);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(big, "png", out);
        big = null;
        byte[] bomb = out.toByteArray();
        BufferedImage small = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(1);
        for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) small.setRGB(x, y, r.nextInt(1 << 24));
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        ImageIO.write(small, "png", s);
        System.out.println("hostile image: 7000x7000 = 49,000,000 pixels, " + bomb.length + " bytes PNG");
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
                .maxInboundMessageSize(64 << 20).build();
        var stub = FeatureServiceGrpc.newBlockingStub(ch);
        float[] reference = toArray(stub.embed(EmbedRequest.newBuilder().addImages(ByteString.copyFrom(s.toByteArray())).build()));
        ExecutorService pool = Executors.newFixedThreadPool(calls + 8);
        Map<String, Integer> outcomes = new ConcurrentSkipListMap<>();
        List<Future<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            fs.add(pool.submit(() -> {
                String o;
                try {
                    EmbedResponse resp = stub.withDeadlineAfter(60, TimeUnit.SECONDS).embed(EmbedRequest.newBuilder()
                            .addImages(ByteString.copyFrom(bomb)).addImages(ByteString.copyFrom(s.toByteArray())).build());
                    boolean bigOk = resp.getResults(0).getError().isEmpty();
                    boolean smallOk = Arrays.equals(reference, toArray(resp.getResults(1).getFeaturesList()));
                    o = "OK big=" + (bigOk ? "features" : resp.getResults(0).getError().split(":")[0]) + " small=" + (smallOk ? "correct" : "WRONG");
                } catch (StatusRuntimeException e) {
                    o = e.getStatus().getCode() + " " + String.valueOf(e.getStatus().getDescription()).split(":")[0];
                }
                outcomes.merge(o, 1, Integer::sum);
            }));
        }
        for (Future<?> f : fs) f.get();
        System.out.printf("%d concurrent calls (one 49 Mpx PNG + one 40x40 PNG each) in %.1f s: %s%n", calls,
                (System.nanoTime() - t0) / 1e9, outcomes);
        // Deadline: a call with a 2 s deadline carrying 8 big images.
        EmbedRequest.Builder eight = EmbedRequest.newBuilder();
        for (int i = 0; i < 8; i++) eight.addImages(ByteString.copyFrom(bomb));
        long t1 = System.nanoTime();
        try {
            stub.withDeadlineAfter(2, TimeUnit.SECONDS).embed(eight.build());
            System.out.println("deadline call: OK?");
        } catch (StatusRuntimeException e) {
            System.out.printf("deadline call (8 x 49 Mpx, 2 s deadline): %s after %.2f s%n", e.getStatus().getCode(),
                    (System.nanoTime() - t1) / 1e9);
        }
        pool.shutdown();
        ch.shutdownNow();
    }
    static float[] toArray(EmbedResponse r) { return toArray(r.getResults(0).getFeaturesList()); }
    static float[] toArray(List<Float> l) { float[] f = new float[l.size()]; for (int i = 0; i < f.length; i++) f[i] = l.get(i); return f; }
}
