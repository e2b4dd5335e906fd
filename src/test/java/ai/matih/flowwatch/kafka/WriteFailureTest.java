package ai.matih.flowwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WriteFailureTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                // permanent: the record itself can never be written
                Arguments.of(new RecordTooLargeException("too large"), WriteFailure.TOO_LARGE),
                Arguments.of(new RecordBatchTooLargeException("batch too large"), WriteFailure.TOO_LARGE),
                Arguments.of(new InvalidRecordException("compacted topic without key"), WriteFailure.INVALID),
                Arguments.of(new InvalidTimestampException("out of range"), WriteFailure.INVALID),
                Arguments.of(new SerializationException("cannot serialize"), WriteFailure.INVALID),
                Arguments.of(new JsonGenerationException("cannot write", (JsonGenerator) null), WriteFailure.INVALID),
                // as a dependent future or a blocking get wraps them
                Arguments.of(new CompletionException(new RecordTooLargeException("wrapped")), WriteFailure.TOO_LARGE),
                Arguments.of(
                        new ExecutionException(new CompletionException(new InvalidRecordException("twice"))),
                        WriteFailure.INVALID),
                // transient: Kafka's retriable failures
                Arguments.of(new TimeoutException("expired"), null),
                Arguments.of(new NotEnoughReplicasException("isr"), null),
                Arguments.of(new NotEnoughReplicasAfterAppendException("isr"), null),
                Arguments.of(new NotLeaderOrFollowerException("moved"), null),
                Arguments.of(new NetworkException("disconnected"), null),
                Arguments.of(new UnknownTopicOrPartitionException("no topic"), null),
                Arguments.of(new CorruptRecordException("crc"), null),
                Arguments.of(new CompletionException(new TimeoutException("wrapped")), null),
                // fail closed: nothing says the one record is at fault
                Arguments.of(new UnknownServerException("broker bug"), null),
                Arguments.of(new TopicAuthorizationException("acl"), null),
                Arguments.of(new AuthorizationException("acl"), null),
                Arguments.of(new ProducerFencedException("fenced"), null),
                Arguments.of(new KafkaException("producer closed"), null),
                Arguments.of(new IllegalStateException("cannot send after the producer is closed"), null),
                Arguments.of(new CompletionException(null), null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("failures")
    void classifiesAWriteFailureAsPermanentOnlyWhenTheRecordIsAtFault(Throwable failure, WriteFailure expected) {
        // When
        WriteFailure got = WriteFailure.permanent(failure);

        // Then
        assertThat(got).isEqualTo(expected);
    }
}
