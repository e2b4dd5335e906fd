package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.flow.Protocol;
import java.util.Objects;

/**
 * A connection as NetworkPolicy judges it: initiator, responder, L4 protocol and the responder's port on the pod
 * (after Service DNAT: the target port, R5.5/R8.1). Replies are not connections (R7.1): pass the initiating direction.
 *
 * @param source      the initiator
 * @param destination the responder
 * @param protocol    IP protocol ({@link Protocol#UNKNOWN} when not known)
 * @param port        destination port, or -1 when unknown
 */
public record Connection(PolicyEndpoint source, PolicyEndpoint destination, Protocol protocol, int port) {

    /** The port value meaning "unknown". */
    public static final int UNKNOWN_PORT = -1;

    public Connection {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        protocol = protocol == null ? Protocol.UNKNOWN : protocol;
    }

    /** True when the port is a valid port number (1-65535). */
    public boolean portKnown() {
        return port >= 1 && port <= 65535;
    }
}
