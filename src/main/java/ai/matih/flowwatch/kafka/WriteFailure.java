package ai.matih.flowwatch.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Why one write of flowwatch's own (a dead letter, a violation) can never succeed, whatever is retried: the record
 * itself is at fault, so the write is skipped and counted instead of failing the batch, which would only fail again
 * after a restart. The tag is the bounded value of the {@code reason} tag of the skip counters.
 *
 * <p>Everything else is transient and fails the batch, so that it is not acknowledged and is processed again: Kafka's
 * {@link RetriableException}s (timeouts, broker unreachable, not enough replicas, not the leader, unknown topic), and,
 * failing closed, every failure that says nothing about the one record (authorization, a fenced or closed producer, an
 * unknown server error): skipping those would drop every write while they last.
 */
public enum WriteFailure {
    /** Larger than the broker, the topic or the producer accepts. */
    TOO_LARGE("too-large"),
    /** A record the broker refuses as invalid (bad timestamp, compaction without key...), or that cannot be serialized. */
    INVALID("invalid");

    private final String tag;

    WriteFailure(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    /** The permanent failure {@code failure} (or what a future's wrapper holds) stands for; null when transient. */
    public static WriteFailure permanent(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e == null || e instanceof RetriableException) {
            return null;
        }
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return TOO_LARGE;
        }
        if (e instanceof InvalidRecordException
                || e instanceof InvalidTimestampException
                || e instanceof SerializationException
                || e instanceof JsonProcessingException) {
            return INVALID;
        }
        return null;
    }

    /** The failure that a future's {@link CompletionException} or {@link ExecutionException} wraps. */
    public static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
