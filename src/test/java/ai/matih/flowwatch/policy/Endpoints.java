package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.topology.PodInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compact connection specs for table tests: {@code "<source> > <destination> <protocol>/<port>"}, port {@code ?}
 * meaning unknown. An endpoint is {@code ns/pod} (from the topology, or a pod of an unknown namespace with IP
 * 10.9.9.9), optionally followed by {@code {k=v,...}} (labels as given) or {@code {?}} (labels unknown) and by
 * {@code [?]} (declared ports unknown); or {@code ext:<ip>}, {@code node:<node>@<ip>} ({@code ?} for an unknown
 * node), {@code unres:<ip>}.
 */
final class Endpoints {

    private Endpoints() {}

    static Connection connection(NetpolModel.Fixture fixture, String spec) {
        String[] parts = spec.trim().split("\\s+");
        if (parts.length != 4 || !parts[1].equals(">")) {
            throw new IllegalArgumentException("bad connection spec: " + spec);
        }
        String[] protoPort = parts[3].split("/");
        int port = protoPort[1].equals("?") ? Connection.UNKNOWN_PORT : Integer.parseInt(protoPort[1]);
        return new Connection(
                endpoint(fixture, parts[0]), endpoint(fixture, parts[2]), Protocol.parse(protoPort[0]), port);
    }

    static PolicyEndpoint endpoint(NetpolModel.Fixture fixture, String spec) {
        if (spec.startsWith("ext:")) {
            return PolicyEndpoint.Address.external(spec.substring(4));
        }
        if (spec.startsWith("unres:")) {
            return PolicyEndpoint.Address.unresolved(spec.substring(6));
        }
        if (spec.startsWith("node:")) {
            String[] nodeIp = spec.substring(5).split("@", 2);
            return PolicyEndpoint.Address.node(nodeIp[1], nodeIp[0].equals("?") ? null : nodeIp[0]);
        }
        String rest = spec;
        boolean portsUnknown = rest.endsWith("[?]");
        if (portsUnknown) {
            rest = rest.substring(0, rest.length() - 3);
        }
        String labelSpec = null;
        int brace = rest.indexOf('{');
        if (brace >= 0) {
            labelSpec = rest.substring(brace + 1, rest.length() - 1);
            rest = rest.substring(0, brace);
        }
        PolicyEndpoint.Pod base;
        if (fixture.topology().podsByName().containsKey(rest)) {
            base = fixture.pod(rest);
        } else {
            String[] nsName = rest.split("/", 2);
            base = new PolicyEndpoint.Pod(
                    nsName[0], nsName[1], Map.of(), null, List.of("10.9.9.9"), false, List.of(), "node-9");
        }
        Map<String, String> labels = base.labels();
        if (labelSpec != null) {
            labels = labelSpec.equals("?") ? null : labels(labelSpec);
        }
        List<PodInfo.ContainerPort> ports = portsUnknown ? null : base.ports();
        return new PolicyEndpoint.Pod(
                base.namespace(),
                base.name(),
                labels,
                base.namespaceLabels(),
                base.ips(),
                base.hostNetwork(),
                ports,
                base.node());
    }

    private static Map<String, String> labels(String spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (!spec.isBlank()) {
            for (String pair : spec.split(",")) {
                String[] kv = pair.split("=", 2);
                labels.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return labels;
    }
}
