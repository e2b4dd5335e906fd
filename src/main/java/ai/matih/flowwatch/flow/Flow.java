package ai.matih.flowwatch.flow;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One normalized flow-log record: a connection (or an aggregate of connections) as one CNI reporter saw it.
 * It keeps what classification and evidence need and nothing more.
 *
 * @param format         the format it was decoded from
 * @param time           when the connection was seen (start of the aggregation interval for aggregated logs)
 * @param intervalEnd    end of the aggregation interval, or equal to {@code time} for single observations
 * @param source         the endpoint that sent the packet(s) this record describes
 * @param destination    the endpoint that received them
 * @param protocol       L4 protocol
 * @param port           destination port, or -1 when the protocol has none or the record omits it
 * @param sourcePort     source port, or -1 when aggregated or absent
 * @param observed       what the CNI did
 * @param initiation     whether this is the initiating direction, a reply, or unknown
 * @param reporter       who reported it: Calico {@code src}/{@code dst}/{@code fwd}, a Hubble observation point
 * @param node           node name, or null
 * @param policies       policies the CNI names as having decided (for evidence), possibly empty
 * @param verdictDetail  a short explanation of the verdict (drop reason, staged deny), or null
 * @param connections    how many connection attempts this record stands for (at least 1)
 * @param recordId       an id the source gives the record (Hubble uuid), or null
 * @param side           on which side of the connection the record was observed
 */
public record Flow(
        SourceFormat format,
        Instant time,
        Instant intervalEnd,
        Endpoint source,
        Endpoint destination,
        Protocol protocol,
        int port,
        int sourcePort,
        Observed observed,
        Initiation initiation,
        String reporter,
        String node,
        List<String> policies,
        String verdictDetail,
        long connections,
        String recordId,
        ObservationSide side) {

    public Flow {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(initiation, "initiation");
        intervalEnd = intervalEnd == null ? time : intervalEnd;
        policies = policies == null ? List.of() : List.copyOf(policies);
        if (connections < 1) {
            connections = 1;
        }
        side = side == null ? ObservationSide.fromReporter(reporter) : side;
    }

    /** A flow whose observation side is derived from its reporter ({@link ObservationSide#fromReporter}). */
    public Flow(
            SourceFormat format,
            Instant time,
            Instant intervalEnd,
            Endpoint source,
            Endpoint destination,
            Protocol protocol,
            int port,
            int sourcePort,
            Observed observed,
            Initiation initiation,
            String reporter,
            String node,
            List<String> policies,
            String verdictDetail,
            long connections,
            String recordId) {
        this(
                format,
                time,
                intervalEnd,
                source,
                destination,
                protocol,
                port,
                sourcePort,
                observed,
                initiation,
                reporter,
                node,
                policies,
                verdictDetail,
                connections,
                recordId,
                null);
    }
}
