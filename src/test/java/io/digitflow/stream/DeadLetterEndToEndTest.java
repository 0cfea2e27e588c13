package io.digitflow.stream;

import io.digitflow.data.MnistSplit;
import io.digitflow.input.Reason;
import io.digitflow.support.KafkaClients;
import io.digitflow.support.Schemas;
import io.digitflow.support.TestMnist;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.zip.CRC32;

import static io.digitflow.stream.StreamEndToEndTest.header;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** Malformed records of every kind mixed into good ones: each bad one dead-lettered with its reason. */
@QuarkusTest
@QuarkusTestResource(value = ServingTestResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "prefix", value = "dlq"),
                @ResourceArg(name = "digitflow.input.max-record-bytes", value = "" + DeadLetterEndToEndTest.MAX_RECORD)})
class DeadLetterEndToEndTest {

    private static final int GOOD = 5_000;
    private static final int BAD_PER_KIND = 50;
    /** Lower than the default 1 MiB so oversized records fit the broker's default record limit. */
    static final int MAX_RECORD = 100_000;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "digitflow.topics.images")
    String images;
    @ConfigProperty(name = "digitflow.topics.predictions")
    String predictions;
    @ConfigProperty(name = "digitflow.topics.dead-letters")
    String deadLetters;

    record Input(String key, byte[] value, String contentType, Reason expected) {
    }

    @Test
    void everyBadRecordIsDeadLetteredWithItsReasonAndEveryGoodOneIsPredicted() throws Exception {
        MnistSplit test = TestMnist.get().test();
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            inputs.add(new Input("good-" + i, test.image(i), null, null));
        }
        Map<Reason, java.util.function.IntFunction<Input>> kinds = badKinds();
        kinds.forEach((reason, make) -> {
            for (int i = 0; i < BAD_PER_KIND; i++) {
                inputs.add(make.apply(i));
            }
        });
        Collections.shuffle(inputs, new Random(3));

        Map<String, Input> byKey = new HashMap<>();
        Map<String, Future<RecordMetadata>> sent = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap)) {
            for (Input in : inputs) {
                RecordHeaders headers = new RecordHeaders();
                if (in.contentType() != null) {
                    headers.add("content-type", in.contentType().getBytes(UTF_8));
                }
                sent.put(in.key(), producer.send(new ProducerRecord<>(images, null, in.key(), in.value(), headers)));
                byKey.put(in.key(), in);
            }
            producer.flush();
        }
        int bad = kinds.size() * BAD_PER_KIND;

        List<ConsumerRecord<String, byte[]>> dead = KafkaClients.readUntil(bootstrap, deadLetters,
                r -> byKey.containsKey(r.key()), got -> got.size() >= bad, Duration.ofMinutes(2));
        List<ConsumerRecord<String, byte[]>> predicted = KafkaClients.readUntil(bootstrap, predictions,
                r -> byKey.containsKey(r.key()), got -> got.size() >= GOOD, Duration.ofMinutes(2));

        assertThat(dead).hasSize(bad);
        for (ConsumerRecord<String, byte[]> record : dead) {
            Input in = byKey.get(record.key());
            RecordMetadata source = sent.get(record.key()).get();
            assertThat(in.expected()).as("%s was dead-lettered", record.key()).isNotNull();
            Schemas.assertValid(Schemas.DEAD_LETTER_HEADERS, Schemas.headers(record.headers()));
            assertThat(header(record, DeadLetters.REASON_CODE)).as(record.key()).isEqualTo(in.expected().code());
            assertThat(header(record, DeadLetters.REASON)).isNotBlank();
            assertThat(header(record, DeadLetters.EXCEPTION_CLASS)).endsWith("InvalidInputException");
            assertThat(header(record, DeadLetters.TOPIC)).isEqualTo(images);
            assertThat(header(record, DeadLetters.PARTITION)).isEqualTo(Integer.toString(source.partition()));
            assertThat(header(record, DeadLetters.OFFSET)).isEqualTo(Long.toString(source.offset()));
            if (in.expected() == Reason.RECORD_TOO_LARGE) {
                // Cut to the limit, so the dead letter itself always fits what the producer and topic accept.
                assertThat(record.value()).isEqualTo(java.util.Arrays.copyOf(in.value(), MAX_RECORD));
                assertThat(header(record, DeadLetters.ORIGINAL_SIZE)).isNotBlank();
            } else {
                assertThat(record.value()).as("value untouched").isEqualTo(in.value());
            }
        }
        assertThat(predicted).hasSize(GOOD);
        assertThat(predicted).allSatisfy(r -> assertThat(r.key()).startsWith("good-"));
        assertThat(predicted.stream().map(ConsumerRecord::key).distinct()).hasSize(GOOD);
    }

    private static Map<Reason, java.util.function.IntFunction<Input>> badKinds() throws Exception {
        byte[] blank = png(new BufferedImage(50, 50, BufferedImage.TYPE_BYTE_GRAY), 0xFF);
        byte[] bomb = pngHeaderOnly(100_000, 100_000);
        Map<Reason, java.util.function.IntFunction<Input>> kinds = new java.util.EnumMap<>(Reason.class);
        kinds.put(Reason.EMPTY_RECORD, i -> new Input("empty-" + i, new byte[0], null, Reason.EMPTY_RECORD));
        kinds.put(Reason.RECORD_TOO_LARGE, i -> new Input("huge-" + i, new byte[MAX_RECORD + 1 + i], "image/png",
                Reason.RECORD_TOO_LARGE));
        kinds.put(Reason.ID_TOO_LONG, i -> new Input("long-" + i + "-" + "k".repeat(2000), new byte[784], null,
                Reason.ID_TOO_LONG));
        kinds.put(Reason.UNKNOWN_CONTENT_TYPE, i -> new Input("type-" + i, "hello".getBytes(UTF_8), "text/plain",
                Reason.UNKNOWN_CONTENT_TYPE));
        kinds.put(Reason.UNRECOGNISED_FORMAT, i -> new Input("what-" + i, ("xyz" + i).getBytes(UTF_8), null,
                Reason.UNRECOGNISED_FORMAT));
        kinds.put(Reason.WRONG_LENGTH, i -> new Input("short-" + i, new byte[783 - i], "application/x-digit-u8",
                Reason.WRONG_LENGTH));
        kinds.put(Reason.BAD_JSON, i -> new Input("json-" + i, "{\"pixels\": [1, 2,".getBytes(UTF_8),
                "application/json", Reason.BAD_JSON));
        kinds.put(Reason.PIXEL_NOT_INTEGER, i -> new Input("frac-" + i, pixelsJson(i, "0.5").getBytes(UTF_8),
                "application/json", Reason.PIXEL_NOT_INTEGER));
        kinds.put(Reason.PIXEL_OUT_OF_RANGE, i -> new Input("range-" + i, pixelsJson(i, "300").getBytes(UTF_8),
                "application/json", Reason.PIXEL_OUT_OF_RANGE));
        kinds.put(Reason.UNDECODABLE_PICTURE, i -> new Input("broken-" + i,
                new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, (byte) i}, "image/png",
                Reason.UNDECODABLE_PICTURE));
        kinds.put(Reason.PICTURE_TOO_LARGE, i -> new Input("bomb-" + i, bomb, "image/png", Reason.PICTURE_TOO_LARGE));
        kinds.put(Reason.EMPTY_PICTURE, i -> new Input("blank-" + i, blank, "image/png", Reason.EMPTY_PICTURE));
        return kinds;
    }

    /** 784 pixels, one of them (at position i) replaced by {@code bad}. */
    private static String pixelsJson(int i, String bad) {
        StringBuilder sb = new StringBuilder("{\"pixels\":[");
        for (int p = 0; p < 784; p++) {
            sb.append(p == 0 ? "" : ",").append(p == i ? bad : "0");
        }
        return sb.append("]}").toString();
    }

    private static byte[] png(BufferedImage img, int fill) throws Exception {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.getRaster().setSample(x, y, 0, fill);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** A PNG signature and a valid IHDR declaring {@code w x h}, and nothing else: a decompression bomb's header. */
    static byte[] pngHeaderOnly(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(UTF_8)).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
