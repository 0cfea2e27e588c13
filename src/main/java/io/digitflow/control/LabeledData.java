package io.digitflow.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.kafka.TopicReader;
import io.digitflow.data.MnistData;
import io.digitflow.data.MnistSplit;
import io.digitflow.input.DecodedImage;
import io.digitflow.input.ImageDecoder;
import io.digitflow.input.InputFormat;
import io.digitflow.input.InvalidInputException;
import io.digitflow.input.Reason;
import io.digitflow.stream.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects every record of {@code digits.labeled} up to its current end and adds them to the MNIST
 * training split. Images come in any input format (decoded like {@code digits.images}); the label is
 * the {@value #LABEL_HEADER} header, else the {@code label} field of a JSON value. Records that fail
 * either way go to the dead-letter topic with their reason, and are left out.
 */
final class LabeledData {

    /** The header that carries a labelled record's digit, as ASCII "0".."9". */
    static final String LABEL_HEADER = io.digitflow.stream.LabelJoin.LABEL_HEADER;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was collected: the extended data and how many records were taken and dead-lettered. */
    record Result(MnistData data, int added, int deadLettered) {
    }

    private LabeledData() {
    }

    static Result addTo(MnistData mnist, KafkaConsumer<String, byte[]> consumer, String topic, ImageDecoder decoder,
                        KafkaProducer<String, byte[]> dlqProducer, String dlqTopic) {
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        int[] dead = {0};
        // Records that arrive after training started are left for the next retrain.
        TopicReader.readToEnd(consumer, topic, record -> {
            try {
                DecodedImage image = decoder.decode(record.value(), header(record, "content-type"));
                labels.write(label(record, image));
                images.writeBytes(image.pixels());
            } catch (InvalidInputException e) {
                dlqProducer.send(DeadLetters.of(record, dlqTopic, e));
                dead[0]++;
            }
        });
        dlqProducer.flush();
        int added = labels.size();
        if (added == 0) {
            return new Result(mnist, 0, dead[0]);
        }
        MnistSplit train = mnist.train();
        byte[] allImages = new byte[train.images().length + added * MnistSplit.PIXELS];
        System.arraycopy(train.images(), 0, allImages, 0, train.images().length);
        System.arraycopy(images.toByteArray(), 0, allImages, train.images().length, added * MnistSplit.PIXELS);
        byte[] allLabels = new byte[train.count() + added];
        System.arraycopy(train.labels(), 0, allLabels, 0, train.count());
        System.arraycopy(labels.toByteArray(), 0, allLabels, train.count(), added);
        Map<String, String> sha = new LinkedHashMap<>(mnist.sha256());
        sha.put(topic, sha256(images.toByteArray(), labels.toByteArray()));
        return new Result(new MnistData(new MnistSplit(allImages, allLabels, train.count() + added), mnist.test(), sha,
                mnist.source() + " + " + added + " records of " + topic), added, dead[0]);
    }

    private static int label(ConsumerRecord<String, byte[]> record, DecodedImage image) throws InvalidInputException {
        String text = header(record, LABEL_HEADER);
        if (text == null && image.format() == InputFormat.JSON) {
            try {
                JsonNode label = JSON.readTree(record.value()).path("label");
                text = label.isIntegralNumber() || label.isTextual() ? label.asText() : null;
            } catch (java.io.IOException e) {
                text = null; // decoded as JSON already, so this does not happen; treated as no label
            }
        }
        if (text == null || !text.matches("[0-9]")) {
            throw new InvalidInputException(Reason.BAD_LABEL, text == null
                    ? "no label: give a \"label\" header or a \"label\" field of 0-9"
                    : "label must be one digit 0-9, got \"" + text + "\"");
        }
        return text.charAt(0) - '0';
    }

    /** Recorded in model.json like the MNIST files' checksums, so a model says exactly what it saw. */
    private static String sha256(byte[] images, byte[] labels) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update(images);
            digest.update(labels);
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8).trim();
    }
}
