package ai.matih.flowwatch.isolation;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.violation.EndpointView;
import java.util.Objects;

/**
 * The connection a finding was found with.
 *
 * @param source      the initiator
 * @param destination the responder
 * @param port        destination port
 * @param protocol    TCP, UDP or SCTP
 */
public record Example(EndpointView source, EndpointView destination, int port, Protocol protocol) {

    public Example {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(protocol, "protocol");
    }
}
