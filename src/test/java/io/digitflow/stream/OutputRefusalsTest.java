package io.digitflow.stream;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which producer failures dead-letter one record and which concern the whole stream. A broker outage
 * (too few replicas in sync, a leader gone, timeouts) must never be mistaken for a record the broker
 * refused: that would dead-letter good records for as long as the outage lasts.
 */
class OutputRefusalsTest {

    @Test
    void onlyRefusalsOfTheRecordItselfDeadLetterIt() {
        List<Exception> ofTheRecord = List.of(new RecordTooLargeException("too large"),
                new RecordBatchTooLargeException("batch too large"), new InvalidRecordException("no key"),
                new PolicyViolationException("policy"));
        ofTheRecord.forEach(e -> assertThat(OutputProducer.refusedForRecord(e)).as(e.toString()).isTrue());
    }

    @Test
    void brokerOutagesAndStreamFaultsNeverDeadLetterARecord() {
        List<Exception> ofTheStream = List.of(new NotEnoughReplicasException("isr 1 < 2"),
                new NotEnoughReplicasAfterAppendException("isr shrank"), new TimeoutException("expired"),
                new NetworkException("disconnected"), new NotLeaderOrFollowerException("moved"),
                new TopicAuthorizationException(Set.of("digits.predictions")), new ProducerFencedException("fenced"),
                new UnknownTopicOrPartitionException("gone"));
        ofTheStream.forEach(e -> assertThat(OutputProducer.refusedForRecord(e)).as(e.toString()).isFalse());
    }
}
