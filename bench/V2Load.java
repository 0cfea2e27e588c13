import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open Inference Protocol load at a steady rate: one-image UINT8 infer requests sent on a fixed schedule
 * (not waiting for answers), latency measured from each request's scheduled time to its answer, so a
 * stall counts against every request it delays. Prints count, errors and the latency percentiles.
 *
 * <p>Usage: {@code java bench/V2Load.java <base-url> <requests/s> <seconds> [warm-up seconds]}
 * (bench/v2.sh starts the service and runs this).
 */
public class V2Load {

    public static void main(String[] args) throws Exception {
        URI infer = URI.create(args[0]).resolve("/v2/models/digitflow/infer");
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[][] bodies = new byte[64][];
        Random random = new Random(42);
        for (int b = 0; b < bodies.length; b++) {
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < 784; i++) {
                data.append(i == 0 ? "" : ",").append(random.nextInt(10) < 2 ? 255 : 0);
            }
            bodies[b] = ("{\"inputs\":[{\"name\":\"images\",\"shape\":[1,784],\"datatype\":\"UINT8\",\"data\":["
                    + data + "]}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        run(http, infer, bodies, rate, warmUp, null);
        long[] latencies = new long[rate * seconds];
        AtomicInteger errors = run(http, infer, bodies, rate, seconds, latencies);
        long[] sorted = Arrays.stream(latencies).filter(l -> l > 0).sorted().toArray();
        System.out.printf("v2 infer at %d requests/s for %d s: %d answered, %d errors%n", rate, seconds,
                sorted.length, errors.get());
        System.out.printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), at(sorted, 0.999), at(sorted, 1.0));
    }

    private static AtomicInteger run(HttpClient http, URI infer, byte[][] bodies, int rate, int seconds,
                                     long[] latencies) throws InterruptedException {
        int total = rate * seconds;
        CountDownLatch done = new CountDownLatch(total);
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int index = i;
            HttpRequest request = HttpRequest.newBuilder(infer).timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[i % bodies.length])).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                if (failure != null || response.statusCode() != 200) {
                    errors.incrementAndGet();
                } else if (latencies != null) {
                    latencies[index] = System.nanoTime() - scheduled;
                }
                done.countDown();
            });
        }
        done.await();
        return errors;
    }

    private static double at(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
