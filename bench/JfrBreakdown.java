import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the service's CPU and allocations go while it streams, from a JFR recording of `serve`
 * (bench/profile.sh makes one): CPU samples and allocation samples in the streaming window (from the
 * first to the last sample on the thread that classifies: the images poll loop's), each put in the category of its first frame
 * outside the JDK, so a HashMap call made by the Kafka consumer counts as the Kafka consumer's.
 *
 * Usage: java bench/JfrBreakdown.java <recording.jfr> [records streamed] [seconds of the window to skip]
 * (per-record figures are then over the whole window's records; skipping the JIT's first seconds makes
 * them an upper bound for the CPU shares, not for the bytes per record: those use the records given).
 */
public class JfrBreakdown {

    /** Categories by class-name prefix, first match wins. */
    private static final String[][] CATEGORIES = {
            {"io.digitflow.inference.NativeKernel", "engine: native kernel (JNI)"},
            {"io.digitflow.inference", "engine: Java side"},
            {"org.nd4j", "engine: ND4J"},
            {"org.bytedeco", "engine: ND4J"},
            {"io.digitflow.input", "decode (input)"},
            {"io.digitflow.stream.PredictionJson", "prediction JSON"},
            {"com.fasterxml.jackson", "prediction JSON"},
            {"io.digitflow.stream.LiveQuality", "metrics"},
            {"io.digitflow.stream.StreamMetrics", "metrics"},
            {"io.micrometer", "metrics"},
            {"io.digitflow.stream.PartitionOwnership", "acknowledgement bookkeeping"},
            {"io.smallrye.reactive.messaging.kafka.commit", "acknowledgement bookkeeping"},
            {"io.digitflow", "digitflow record path (BatchProcessor, ImageStream, ...)"},
            {"org.apache.kafka.clients.consumer", "Kafka consumer (poll, fetch, deserialize)"},
            {"org.apache.kafka.clients.producer", "Kafka producer (send, batch, callbacks)"},
            {"org.apache.kafka.common.record", "Kafka records (parse, build, checksums)"},
            {"org.apache.kafka.common.serialization", "Kafka consumer (poll, fetch, deserialize)"},
            {"org.apache.kafka.common.network", "Kafka network (sockets, receive buffers)"},
            {"org.apache.kafka.clients.NetworkClient", "Kafka network (sockets, receive buffers)"},
            {"org.apache.kafka.common.protocol", "Kafka protocol (request/response (de)serialization)"},
            {"org.apache.kafka.common.message", "Kafka protocol (request/response (de)serialization)"},
            {"org.apache.kafka.common.requests", "Kafka protocol (request/response (de)serialization)"},
            {"org.apache.kafka.common.header", "Kafka records (parse, build, checksums)"},
            {"org.apache.kafka.common.utils", "Kafka utilities (CRC, byte buffers)"},
            {"org.apache.kafka", "Kafka other"},
            {"io.smallrye.reactive.messaging", "SmallRye Reactive Messaging (record wrappers, dispatch)"},
            {"io.smallrye.mutiny", "Mutiny (reactive operators)"},
            {"io.vertx", "Vert.x / Netty"},
            {"io.netty", "Vert.x / Netty"},
            {"io.quarkus", "Quarkus (HTTP, health, scheduler)"},
            {"io.smallrye", "Quarkus (HTTP, health, scheduler)"},
    };

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long records = args.length > 1 ? Long.parseLong(args[1]) : 0;
        long skipSeconds = args.length > 2 ? Long.parseLong(args[2]) : 0;
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Instant first = null;
        Instant last = null;
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("jdk.ExecutionSample") && onInferenceThread(e)) {
                first = first == null || e.getStartTime().isBefore(first) ? e.getStartTime() : first;
                last = last == null || e.getStartTime().isAfter(last) ? e.getStartTime() : last;
            }
        }
        if (first == null) {
            System.out.println("No sample on the images poll thread: did the service stream anything?");
            return;
        }
        Instant streamStart = first;
        first = first.plusSeconds(skipSeconds);
        if (!first.isBefore(last)) {
            System.out.println("The streaming window is shorter than the seconds to skip");
            return;
        }
        // Records in the window, assuming an even rate over the whole streaming window.
        double share = (double) Duration.between(first, last).toNanos() / Duration.between(streamStart, last).toNanos();
        records = Math.round(records * share);
        Map<String, Long> cpu = new TreeMap<>();
        Map<String, Long> cpuByThread = new TreeMap<>();
        Map<String, Long> cpuByMethod = new TreeMap<>();
        Map<String, Long> allocByCategory = new TreeMap<>();
        Map<String, Long> allocByClass = new TreeMap<>();
        long samples = 0;
        long allocated = 0;
        long gcCount = 0;
        Duration gcPauses = Duration.ZERO;
        for (RecordedEvent e : events) {
            if (e.getStartTime().isBefore(first) || e.getStartTime().isAfter(last)) {
                continue;
            }
            switch (e.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    cpu.merge(category(e.getStackTrace()), 1L, Long::sum);
                    cpuByThread.merge(threadGroup(e.getThread("sampledThread")), 1L, Long::sum);
                    cpuByMethod.merge(topMethod(e.getStackTrace()), 1L, Long::sum);
                }
                case "jdk.NativeMethodSample" -> {
                    // Threads in native code: only the engine's calls are work; the rest wait in epoll, sockets, ...
                    if (inEngine(e.getStackTrace())) {
                        samples++;
                        cpu.merge("engine: native kernel (JNI)", 1L, Long::sum);
                        cpuByThread.merge(threadGroup(e.getThread("sampledThread")), 1L, Long::sum);
                    }
                }
                case "jdk.ObjectAllocationSample" -> {
                    long weight = e.getLong("weight");
                    allocated += weight;
                    allocByCategory.merge(category(e.getStackTrace()), weight, Long::sum);
                    allocByClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcCount++;
                    gcPauses = gcPauses.plus(e.getDuration("sumOfPauses"));
                }
                default -> {
                }
            }
        }
        Duration window = Duration.between(first, last);
        System.out.printf(Locale.ROOT, "Streaming window %.1f s, %,d CPU samples (Java code, and native code of the engine; JFR samples running threads every 10-20 ms)%n",
                window.toMillis() / 1e3, samples);
        print("CPU samples by category", cpu, samples, records, "samples");
        print("CPU samples by thread", cpuByThread, samples, records, "samples");
        print("CPU samples by method (the top frame, JDK frames included), top 20", top(cpuByMethod, 20), samples,
                records, "samples");
        print("Allocation by category (sampled, weighted)", allocByCategory, allocated, records, "bytes");
        print("Allocation by class, top 15", top(allocByClass, 15), allocated, records, "bytes");
        System.out.printf(Locale.ROOT, "%nAllocated %,d MB in the window%s; %d collections, pauses %d ms in all%n",
                allocated >> 20, records > 0 ? String.format(Locale.ROOT, " = %,d bytes per record", allocated / records) : "",
                gcCount, gcPauses.toMillis());
    }

    private static boolean onInferenceThread(RecordedEvent e) {
        RecordedThread thread = e.getThread("sampledThread");
        // The images poll loop's thread; "inference" was SmallRye's worker before it; bench/BareLoop.java's loop.
        return thread != null && thread.getJavaName() != null && (thread.getJavaName().equals("digitflow-images-poll")
                || thread.getJavaName().startsWith("inference") || thread.getJavaName().equals("bare-loop"));
    }

    private static String threadGroup(RecordedThread thread) {
        String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
        return name.replaceAll("[-#]?[0-9]+$", "").replaceAll("-[0-9]+-", "-N-");
    }

    private static String topMethod(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return "?";
        }
        RecordedFrame top = stack.getFrames().get(0);
        return top.getMethod().getType().getName() + "." + top.getMethod().getName();
    }

    private static boolean inEngine(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return false;
        }
        String top = stack.getFrames().get(0).getMethod().getType().getName();
        return top.startsWith("io.digitflow.inference") || top.startsWith("org.nd4j") || top.startsWith("org.bytedeco");
    }

    static String category(RecordedStackTrace stack) {
        if (stack == null) {
            return "unknown (no stack)";
        }
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
                continue;
            }
            for (String[] category : CATEGORIES) {
                if (type.startsWith(category[0])) {
                    return category[1];
                }
            }
            return "other: " + type.replaceAll("\\.[^.]*$", "");
        }
        return "JDK only (threads, GC support, I/O)";
    }

    private static Map<String, Long> top(Map<String, Long> all, int n) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(all.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Map<String, Long> top = new LinkedHashMap<>();
        entries.stream().limit(n).forEach(entry -> top.put(entry.getKey(), entry.getValue()));
        return top;
    }

    private static void print(String title, Map<String, Long> counts, long total, long records, String unit) {
        System.out.printf("%n%s%n", title);
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> entry : entries) {
            String perRecord = unit.equals("bytes") && records > 0
                    ? String.format(Locale.ROOT, "%8.0f B/record", entry.getValue() / (double) records) : "";
            System.out.printf(Locale.ROOT, "  %5.1f %%  %s%s%n", 100.0 * entry.getValue() / Math.max(1, total),
                    pad(entry.getKey(), 62), perRecord);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
