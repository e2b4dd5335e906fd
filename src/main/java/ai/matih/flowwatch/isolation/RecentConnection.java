package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import java.time.Instant;
import java.util.Objects;

/**
 * One distinct connection observed recently, as the memory keeps it: its ends as a record gave them (placed again in
 * whatever topology it is judged against), and what the CNI did the last time it was seen.
 *
 * @param source      the initiating end
 * @param destination the responding end
 * @param protocol    L4 protocol
 * @param port        destination port, or -1 when unknown
 * @param observed    the verdict the CNI reported the last time
 * @param lastSeen    when it was last seen
 */
public record RecentConnection(
        Endpoint source, Endpoint destination, Protocol protocol, int port, Observed observed, Instant lastSeen) {

    public RecentConnection {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
