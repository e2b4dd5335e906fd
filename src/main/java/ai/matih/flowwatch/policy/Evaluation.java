package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.flow.Protocol;

/**
 * The state of one evaluation run: the connection's facts, the CNI variant assumed, and which CNI-defined behaviours
 * the run actually relied on. Confined to one thread.
 */
final class Evaluation {

    final Connection connection;
    final Variant variant;
    final ResolvedEnd source;
    final ResolvedEnd destination;
    boolean usedPodIpBlock;
    boolean usedEndPort;
    boolean usedOtherProtocol;

    Evaluation(Connection connection, Variant variant, ResolvedEnd source, ResolvedEnd destination) {
        this.connection = connection;
        this.variant = variant;
        this.source = source;
        this.destination = destination;
    }

    Protocol protocol() {
        return connection.protocol();
    }

    int port() {
        return connection.port();
    }

    boolean portKnown() {
        return connection.portKnown();
    }

    String describeTraffic() {
        Protocol p = connection.protocol();
        String port = portKnown() ? String.valueOf(port()) : "?";
        if (!p.known()) {
            return "an unknown protocol" + (portKnown() ? " port " + port : "");
        }
        return p.hasPorts() ? p + "/" + port : p.toString();
    }
}
