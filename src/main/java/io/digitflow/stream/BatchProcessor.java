package io.digitflow.stream;

import io.digitflow.kafka.RecordSize;
import io.digitflow.kafka.Replica;
import io.digitflow.inference.Classifier;
import io.digitflow.input.DecodedImage;
import io.digitflow.input.ImageDecoder;
import io.digitflow.input.InvalidInputException;
import io.digitflow.input.Reason;
import io.digitflow.registry.ServingModel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Turns one poll batch of image records into its output records, in input order: a prediction for
 * every image that decodes, a dead letter for every one that does not. Bad records never stop the
 * good ones. Good images are classified in engine batches of at most {@code maxBatch}, each by
 * exactly one model. Not thread-safe: it reuses its buffers; one per consumer thread.
 */
public final class BatchProcessor {

    private static final byte[] JSON_TYPE = "application/json".getBytes(UTF_8);
    static final String CONTENT_TYPE = "content-type";
    /** Header naming the replica (host/pid) that made a prediction: who answered what, across rebalances. */
    public static final String REPLICA_HEADER = "digitflow-replica";
    private static final byte[] REPLICA = Replica.ID.getBytes(UTF_8);

    private final ImageDecoder decoder;
    private final int maxBatch;
    private final String predictionsTopic;
    private final String shadowTopic;
    private final String dlqTopic;
    private final PredictionJson json = new PredictionJson();
    private final byte[][] images;
    private final int[] positions;
    /** Each pending image's record size on the wire, as {@link #requireWithinSize} measured it. */
    private final long[] inputBytes;
    private final String[] ids;
    private final float[] probabilities;
    /** Canary routing: which engine slots the candidate answers, and the two groups' images and answers. */
    private final boolean[] onCandidate;
    private final byte[][] servingImages;
    private final byte[][] candidateImages;
    private final float[] servingProbabilities;
    private final float[] candidateProbabilities;
    /** Shadow scoring: the candidate's answers for every engine slot. */
    private final float[] shadowProbabilities;
    /** Requests from outside the stream that may share the serving model's engine calls; null for none. */
    private volatile SharedEngineWork shared;
    /** The shadow figures of the batch in process; reused, valid until the next batch. */
    private final ShadowCounts shadow = new ShadowCounts();
    /** Where the console's samples come from; null when nobody may watch (tests, benchmarks). */
    private final StreamTap tap;
    private final RecordBounds bounds;
    private final CloudEventHeaders cloudEvents;
    /** The predictions of the batch in process, for {@link LiveQuality}; reused, valid until the next batch. */
    private final QualityTally quality = new QualityTally();

    public BatchProcessor(ImageDecoder decoder, int maxBatch, String predictionsTopic, String dlqTopic) {
        this(decoder, maxBatch, predictionsTopic, dlqTopic, null);
    }

    public BatchProcessor(ImageDecoder decoder, int maxBatch, String predictionsTopic, String dlqTopic,
                          StreamTap tap) {
        this(decoder, RecordBounds.DEFAULTS, maxBatch, predictionsTopic, dlqTopic, tap);
    }

    public BatchProcessor(ImageDecoder decoder, RecordBounds bounds, int maxBatch, String predictionsTopic,
                          String dlqTopic, StreamTap tap) {
        this(decoder, bounds, maxBatch, predictionsTopic, dlqTopic, tap, null);
    }

    BatchProcessor(ImageDecoder decoder, RecordBounds bounds, int maxBatch, String predictionsTopic,
                   String dlqTopic, StreamTap tap, CloudEventHeaders cloudEvents) {
        this(decoder, bounds, maxBatch, predictionsTopic, predictionsTopic + ".shadow", dlqTopic, tap, cloudEvents);
    }

    /**
     * @param shadowTopic where a shadow candidate's predictions go
     * @param cloudEvents CloudEvents headers on every prediction; null for none
     */
    BatchProcessor(ImageDecoder decoder, RecordBounds bounds, int maxBatch, String predictionsTopic,
                   String shadowTopic, String dlqTopic, StreamTap tap, CloudEventHeaders cloudEvents) {
        this.cloudEvents = cloudEvents;
        this.tap = tap;
        this.bounds = bounds;
        this.decoder = decoder;
        this.maxBatch = maxBatch;
        this.predictionsTopic = predictionsTopic;
        this.shadowTopic = shadowTopic;
        this.dlqTopic = dlqTopic;
        this.images = new byte[maxBatch][];
        this.positions = new int[maxBatch];
        this.inputBytes = new long[maxBatch];
        this.ids = new String[maxBatch];
        this.probabilities = new float[maxBatch * Classifier.CLASSES];
        this.onCandidate = new boolean[maxBatch];
        this.servingImages = new byte[maxBatch][];
        this.candidateImages = new byte[maxBatch][];
        this.servingProbabilities = new float[maxBatch * Classifier.CLASSES];
        this.candidateProbabilities = new float[maxBatch * Classifier.CLASSES];
        this.shadowProbabilities = new float[maxBatch * Classifier.CLASSES];
    }

    /** Lets {@code work} ride along in this processor's engine calls of the serving model (see {@link SharedEngineWork}). */
    public void share(SharedEngineWork work) {
        this.shared = work;
    }

    /**
     * The experiment an engine batch runs beside the serving model: this thread's classifier of the candidate,
     * and for a canary the share of keys it answers; a shadow skips batches whose newest record is older than
     * {@code maxLagMs}.
     */
    public record Candidate(ServingModel.Experiment.Kind kind, Classifier classifier, int percent, long maxLagMs) {
    }

    /**
     * What one poll batch became. {@code records} holds one output per input, in input order, then the shadow
     * predictions, the input of each in {@code shadowInputs}. {@code engineBatches} holds the size of each
     * classifier call, {@code models} the model of each; {@code serving} is the serving model's version.
     */
    public record Output(List<ProducerRecord<String, byte[]>> records, int predictions,
                         Map<Reason, Integer> deadLetters, List<Integer> engineBatches, List<String> models,
                         StreamTap.Taken taken, QualityTally quality, String serving, ShadowCounts shadow,
                         int[] shadowInputs) {

        /** The index in the poll batch of the input that output {@code index} answers. */
        public int inputIndex(int index) {
            int inputs = records.size() - shadowInputs.length;
            return index < inputs ? index : shadowInputs[index - inputs];
        }
    }

    /**
     * @param classifier asked once per engine batch, so a model swapped in between two engine
     *                   batches is used from the next one on, never within one
     */
    public Output process(List<ConsumerRecord<String, byte[]>> batch, Supplier<Classifier> classifier) {
        return process(batch, classifier, () -> null);
    }

    /**
     * @param candidate asked once per engine batch, like {@code classifier}: the experiment to run beside the
     *                  serving model, null for none
     */
    public Output process(List<ConsumerRecord<String, byte[]>> batch, Supplier<Classifier> classifier,
                          Supplier<Candidate> candidate) {
        @SuppressWarnings("unchecked")
        ProducerRecord<String, byte[]>[] out = new ProducerRecord[batch.size()];
        Map<Reason, Integer> deadLetters = new EnumMap<>(Reason.class);
        List<Integer> engineBatches = new ArrayList<>();
        List<String> models = new ArrayList<>();
        int pending = 0;
        int predictions = 0;
        quality.reset();
        shadow.reset();
        String serving = null;
        List<ProducerRecord<String, byte[]>> shadows = null;
        int[] shadowInputs = null;
        // Two field reads per batch while nobody watches; see StreamTap.
        boolean sample = tap != null && tap.sampleDue();
        boolean watching = tap != null && tap.watching();
        int[] confusion = tap != null && tap.viewed() ? new int[Classifier.CLASSES * Classifier.CLASSES] : null;
        List<StreamTap.Sample> samples = null;
        List<StreamTap.DeadLetter> letters = null;
        for (int i = 0; i < batch.size(); i++) {
            ConsumerRecord<String, byte[]> record = batch.get(i);
            try {
                long size = requireWithinSize(record);
                DecodedImage image = decoder.decode(record.value(), contentType(record.headers()));
                String id = image.idOrNull() != null ? image.idOrNull() : requireShortKey(record.key());
                images[pending] = image.pixels();
                ids[pending] = id;
                positions[pending] = i;
                inputBytes[pending] = size;
                pending++;
            } catch (InvalidInputException e) {
                // Too many headers: the dead letter does not repeat them (a bounded dead letter).
                out[i] = e.reason() == Reason.TOO_MANY_HEADERS
                        ? DeadLetters.bounded(record, dlqTopic, e, decoder.limits().maxRecordBytes(), bounds.maxOutputBytes())
                        : DeadLetters.of(record, dlqTopic, e, decoder.limits().maxRecordBytes(), bounds.maxOutputBytes());
                deadLetters.merge(e.reason(), 1, Integer::sum);
                if (tap != null && (watching && StreamTap.isConsoleKey(record.key()) || tap.deadLetterDue())) {
                    letters = letters == null ? new ArrayList<>() : letters;
                    letters.add(deadLetterSample(record, e));
                }
            }
            if (pending == maxBatch || (i == batch.size() - 1 && pending > 0)) {
                Classifier engine = classifier.get();
                serving = engine.version();
                Candidate trial = candidate.get();
                classify(engine, trial, batch, pending, engineBatches, models);
                boolean shadowing = trial != null && trial.kind() == ServingModel.Experiment.Kind.SHADOW;
                if (shadowing && System.currentTimeMillis() - batch.get(positions[pending - 1]).timestamp() > trial.maxLagMs()) {
                    shadowing = false;
                    shadow.skipped(trial.classifier().version(), pending);
                }
                if (shadowing) {
                    trial.classifier().classify(images, pending, shadowProbabilities);
                    engineBatches.add(pending);
                    models.add(trial.classifier().version());
                    if (shadows == null) {
                        shadows = new ArrayList<>(batch.size());
                        shadowInputs = new int[batch.size()];
                    }
                }
                long now = System.currentTimeMillis();
                for (int k = 0; k < pending; k++) {
                    ConsumerRecord<String, byte[]> input = batch.get(positions[k]);
                    String version = onCandidate[k] ? trial.classifier().version() : serving;
                    ProducerRecord<String, byte[]> prediction = prediction(input, ids[k], k, version, now);
                    int size = surelyFits(inputBytes[k], prediction.value().length) ? 0
                            : RecordSize.ofOutput(prediction.key(), prediction.value(), prediction.headers().toArray());
                    if (size > bounds.maxOutputBytes()) {
                        // Only the repeated key and headers can make it so big: it becomes a bounded dead letter.
                        InvalidInputException tooLarge = new InvalidInputException(Reason.RECORD_TOO_LARGE,
                                "its prediction would be " + size + " bytes, more than the output limit of "
                                        + bounds.maxOutputBytes() + " (digitflow.output.max-request-bytes)");
                        out[positions[k]] = DeadLetters.bounded(input, dlqTopic, tooLarge,
                                decoder.limits().maxRecordBytes(), bounds.maxOutputBytes());
                        deadLetters.merge(Reason.RECORD_TOO_LARGE, 1, Integer::sum);
                        predictions--;
                        images[k] = null;
                        continue;
                    }
                    out[positions[k]] = prediction;
                    int digit = Classifier.argmax(probabilities, k);
                    Header label = input.headers().lastHeader(StreamTap.LABEL_HEADER);
                    int truth = label == null ? -1 : QualityTally.label(label.value());
                    quality.prediction(input.key(), version, digit, probabilities[k * Classifier.CLASSES + digit], truth);
                    if (shadowing) {
                        int theirs = Classifier.argmax(shadowProbabilities, k);
                        shadow.scored(trial.classifier().version(), digit, theirs, truth);
                        shadowInputs[shadows.size()] = positions[k];
                        shadows.add(new ProducerRecord<>(shadowTopic, null, input.key(), json.write(ids[k], theirs,
                                shadowProbabilities, k * Classifier.CLASSES, trial.classifier().version(),
                                input.partition(), input.offset(), Math.max(0, now - input.timestamp())),
                                prediction.headers()));
                    }
                    if (confusion != null && truth >= 0) {
                        confusion[truth * Classifier.CLASSES + digit]++;
                    }
                    if (sample && samples == null || watching && StreamTap.isConsoleKey(input.key())) {
                        samples = samples == null ? new ArrayList<>() : samples;
                        samples.add(sample(input, k, version, now));
                    }
                    images[k] = null;
                }
                predictions += pending;
                pending = 0;
            }
        }
        StreamTap.Taken taken = samples == null && letters == null && confusion == null ? StreamTap.Taken.NONE
                : new StreamTap.Taken(samples == null ? List.of() : samples, letters == null ? List.of() : letters,
                confusion);
        if (shadows == null) {
            return new Output(List.of(out), predictions, deadLetters, engineBatches, models, taken, quality, serving,
                    shadow, NO_SHADOWS);
        }
        List<ProducerRecord<String, byte[]>> all = new ArrayList<>(out.length + shadows.size());
        all.addAll(java.util.Arrays.asList(out));
        all.addAll(shadows);
        return new Output(List.copyOf(all), predictions, deadLetters, engineBatches, models, taken, quality, serving,
                shadow, java.util.Arrays.copyOf(shadowInputs, shadows.size()));
    }

    private static final int[] NO_SHADOWS = new int[0];

    /**
     * Classifies the {@code pending} images of the engine slots into {@link #probabilities}: all by the serving
     * model, or with a canary running, the keys it routes by the candidate and the rest by the serving model,
     * each group in one engine call.
     */
    private void classify(Classifier engine, Candidate trial, List<ConsumerRecord<String, byte[]>> batch, int pending,
                          List<Integer> engineBatches, List<String> models) {
        if (trial == null || trial.kind() != ServingModel.Experiment.Kind.CANARY) {
            java.util.Arrays.fill(onCandidate, 0, pending, false);
            SharedEngineWork work = shared;
            SharedEngineWork.Taken riders = work == null || pending == maxBatch ? null : work.take(maxBatch - pending);
            int total = pending;
            if (riders != null) {
                System.arraycopy(riders.images(), 0, images, pending, riders.count());
                total += riders.count();
            }
            try {
                engine.classify(images, total, probabilities);
            } catch (RuntimeException e) {
                if (riders != null) {
                    riders.fail(e);
                }
                throw e;
            } finally {
                java.util.Arrays.fill(images, pending, total, null);
            }
            if (riders != null) {
                riders.complete(probabilities, pending * Classifier.CLASSES, engine.version());
            }
            engineBatches.add(total);
            models.add(engine.version());
            return;
        }
        int served = 0;
        int tried = 0;
        for (int k = 0; k < pending; k++) {
            onCandidate[k] = CanaryRoute.toCandidate(batch.get(positions[k]).key(), trial.percent());
            if (onCandidate[k]) {
                candidateImages[tried++] = images[k];
            } else {
                servingImages[served++] = images[k];
            }
        }
        if (served > 0) {
            engine.classify(servingImages, served, servingProbabilities);
            engineBatches.add(served);
            models.add(engine.version());
        }
        if (tried > 0) {
            trial.classifier().classify(candidateImages, tried, candidateProbabilities);
            engineBatches.add(tried);
            models.add(trial.classifier().version());
        }
        int s = 0;
        int c = 0;
        for (int k = 0; k < pending; k++) {
            float[] from = onCandidate[k] ? candidateProbabilities : servingProbabilities;
            int at = (onCandidate[k] ? c++ : s++) * Classifier.CLASSES;
            System.arraycopy(from, at, probabilities, k * Classifier.CLASSES, Classifier.CLASSES);
        }
        java.util.Arrays.fill(servingImages, 0, served, null);
        java.util.Arrays.fill(candidateImages, 0, tried, null);
    }

    /** A copy of engine slot {@code k}: the 28×28 the model saw and its ten probabilities. */
    private StreamTap.Sample sample(ConsumerRecord<String, byte[]> input, int k, String model, long now) {
        float[] probs = java.util.Arrays.copyOfRange(probabilities, k * Classifier.CLASSES, (k + 1) * Classifier.CLASSES);
        return new StreamTap.Sample(input.key(), images[k].clone(), Classifier.argmax(probabilities, k), probs, model,
                input.partition(), input.offset(), Math.max(0, now - input.timestamp()), now);
    }

    /** The reason and the input's small headers; values are never copied, only their size. */
    private static StreamTap.DeadLetter deadLetterSample(ConsumerRecord<String, byte[]> record, InvalidInputException e) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (headers.size() == 8) {
                break;
            }
            byte[] value = header.value();
            String shown = value == null ? "null" : value.length <= 64 ? new String(value, UTF_8) : value.length + " bytes";
            headers.put(shorten(header.key()), shown);
        }
        return new StreamTap.DeadLetter(record.key() == null ? null : shorten(record.key()), e.reason().code(),
                shorten(e.getMessage()), record.partition(), record.offset(), headers, System.currentTimeMillis());
    }

    private static String shorten(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    /**
     * Key and headers count as well as the value, in bytes as Kafka counts them on the wire: a prediction
     * repeats both, so a huge key or header would make an output larger than the producer or the topic
     * accepts. The header count is bounded first: it bounds the work of measuring them.
     */
    private long requireWithinSize(ConsumerRecord<String, byte[]> record) throws InvalidInputException {
        int headerCount = headerCount(record.headers(), bounds.maxHeaders() + 1);
        if (headerCount > bounds.maxHeaders()) {
            throw new InvalidInputException(Reason.TOO_MANY_HEADERS, "record has more than " + bounds.maxHeaders()
                    + " headers (digitflow.input.max-headers)");
        }
        long size = recordBytes(record);
        int limit = decoder.limits().maxRecordBytes();
        if (size > limit) {
            long key = Math.max(0, keyBytes(record));
            long value = record.value() == null ? 0 : record.value().length;
            throw new InvalidInputException(Reason.RECORD_TOO_LARGE, "record is " + size + " bytes on the wire (key "
                    + key + ", value " + value + ", " + headerCount + " headers and framing " + (size - key - value)
                    + "), more than the limit of " + limit + " (digitflow.input.max-record-bytes)");
        }
        return size;
    }

    /**
     * Room, besides the input's own key and headers, for what a prediction adds: its two headers, the batch
     * and record framing of the producer's estimate. CloudEvents headers can be longer (they name topics and
     * the group), so with them on every prediction is measured.
     */
    static final int OUTPUT_OVERHEAD_BYTES = 1024;

    /**
     * True when a prediction cannot exceed the output bound: it repeats the input's key and (some of its)
     * headers, so its size is at most the input's, less nothing, plus its value and {@link #OUTPUT_OVERHEAD_BYTES}.
     * The exact measure (the producer's estimate) costs a UTF-8 pass over every header key; nearly every
     * record is far below the bound.
     */
    private boolean surelyFits(long inputBytes, int valueBytes) {
        return cloudEvents == null && inputBytes + valueBytes + OUTPUT_OVERHEAD_BYTES <= bounds.maxOutputBytes();
    }

    /** The number of headers, counted up to {@code atMost}. */
    static int headerCount(Headers headers, int atMost) {
        int count = 0;
        for (Header ignored : headers) {
            if (++count >= atMost) {
                break;
            }
        }
        return count;
    }

    /** The key stands in for a missing JSON id, so it is held to the same bound as the JSON parser holds that. */
    private static String requireShortKey(String key) throws InvalidInputException {
        if (key != null && key.length() > DecodedImage.MAX_ID_CHARS) {
            throw new InvalidInputException(Reason.ID_TOO_LONG, "the key, used as the prediction's id, is "
                    + key.length() + " characters, more than " + DecodedImage.MAX_ID_CHARS);
        }
        return key;
    }

    /** The record's size as Kafka counts it: key, value, each header's UTF-8 key and value bytes, and the framing. */
    static long recordBytes(ConsumerRecord<String, byte[]> record) {
        return RecordSize.ofInput(record);
    }

    /** The key's size as received; a record built in memory has none, so its key is measured. */
    private static long keyBytes(ConsumerRecord<String, byte[]> record) {
        if (record.serializedKeySize() >= 0) {
            return record.serializedKeySize();
        }
        return record.key() == null ? 0 : RecordSize.utf8(record.key());
    }

    private ProducerRecord<String, byte[]> prediction(ConsumerRecord<String, byte[]> input, String id, int k,
                                                      String model, long now) {
        int digit = Classifier.argmax(probabilities, k);
        double latencyMs = Math.max(0, now - input.timestamp());
        byte[] value = json.write(id, digit, probabilities, k * Classifier.CLASSES, model, input.partition(),
                input.offset(), latencyMs);
        return new ProducerRecord<>(predictionsTopic, null, input.key(), value, predictionHeaders(input, now));
    }

    /**
     * The input's headers (correlation id, trace context, ...), with the content type now JSON and this replica's
     * id; with CloudEvents on, the input's {@code ce_*} headers replaced by the prediction's own.
     */
    private Headers predictionHeaders(ConsumerRecord<String, byte[]> input, long now) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : input.headers()) {
            if (!header.key().equalsIgnoreCase(CONTENT_TYPE) && !header.key().equals(REPLICA_HEADER)
                    && (cloudEvents == null || !CloudEventHeaders.isCloudEventHeader(header.key()))) {
                headers.add(header);
            }
        }
        headers.add(CONTENT_TYPE, JSON_TYPE);
        headers.add(REPLICA_HEADER, REPLICA);
        if (cloudEvents != null) {
            cloudEvents.add(headers, input, now);
        }
        return headers;
    }

    static String contentType(Headers headers) {
        Header header = headers.lastHeader(CONTENT_TYPE);
        return header == null || header.value() == null ? null : new String(header.value(), UTF_8);
    }
}
