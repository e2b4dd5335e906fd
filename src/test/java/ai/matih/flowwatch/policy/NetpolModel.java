package ai.matih.flowwatch.policy;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.PodInfo;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The upstream e2e model (E2E-M): namespaces x, y, z labelled {@code ns=<name>}, pods a, b, c labelled
 * {@code pod=<name>}, each serving 80 and 81 over TCP, UDP and SCTP with named ports {@code serve-80-tcp} etc.
 * Pod {@code <ns>/<pod>} has IP {@code 10.0.<1..3>.<1..3>} and runs on node {@code node-<1..3>} (one node per
 * namespace). Manifests are undefaulted YAML read with {@link ManifestLoader#parse}, as from a Git repository.
 */
final class NetpolModel {

    static final List<String> NAMESPACES = List.of("x", "y", "z");
    static final List<String> PODS = List.of("a", "b", "c");
    static final ManifestLoader LOADER =
            new ManifestLoader(TenancyRules.defaults(), List.of(), DnsSelector.parse("kube-system/k8s-app=kube-dns"));
    static final String MODEL = model();

    private NetpolModel() {}

    private static String model() {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < NAMESPACES.size(); n++) {
            String ns = NAMESPACES.get(n);
            sb.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ")
                    .append(ns)
                    .append("\n  labels:\n    ns: ")
                    .append(ns)
                    .append("\n---\n");
            for (int p = 0; p < PODS.size(); p++) {
                String pod = PODS.get(p);
                sb.append("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ")
                        .append(pod)
                        .append("\n  namespace: ")
                        .append(ns)
                        .append("\n  labels:\n    pod: ")
                        .append(pod)
                        .append("\nspec:\n  nodeName: node-")
                        .append(n + 1)
                        .append("\n  containers:\n");
                for (int port : new int[] {80, 81}) {
                    for (String proto : new String[] {"TCP", "UDP", "SCTP"}) {
                        String lower = proto.toLowerCase(Locale.ROOT);
                        sb.append("    - name: cont-")
                                .append(port)
                                .append('-')
                                .append(lower)
                                .append("\n      image: agnhost\n      ports:\n        - name: serve-")
                                .append(port)
                                .append('-')
                                .append(lower)
                                .append("\n          containerPort: ")
                                .append(port)
                                .append("\n          protocol: ")
                                .append(proto)
                                .append('\n');
                    }
                }
                sb.append("status:\n  podIP: 10.0.")
                        .append(n + 1)
                        .append('.')
                        .append(p + 1)
                        .append("\n---\n");
            }
        }
        return sb.toString();
    }

    /** A NetworkPolicy document; {@code spec} is YAML relative to {@code spec:}. */
    static String policy(String namespace, String name, String spec) {
        StringBuilder sb = new StringBuilder(
                        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ")
                .append(name)
                .append('\n');
        if (namespace != null) {
            sb.append("  namespace: ").append(namespace).append('\n');
        }
        sb.append("spec:\n");
        spec.lines().forEach(line -> sb.append("  ").append(line).append('\n'));
        return sb.append("---\n").toString();
    }

    /** The model plus extra documents (policies, pods, namespaces). */
    static Topology topology(String... documents) {
        return LOADER.parse(MODEL + String.join("", documents), "test").topology();
    }

    /** The model with these documents, compiled. */
    static Fixture fixture(CniProfile profile, String... documents) {
        Topology topology = topology(documents);
        return new Fixture(topology, PolicyEngine.compile(topology, profile));
    }

    static Fixture fixture(String... documents) {
        return fixture(CniProfile.CONFORMANCE, documents);
    }

    /**
     * A topology and its engine, with endpoint and connection helpers.
     *
     * @param topology the topology
     * @param engine   its engine
     */
    record Fixture(Topology topology, PolicyEngine engine) {

        /** The pod {@code ns/name} as an endpoint. */
        PolicyEndpoint.Pod pod(String id) {
            PodInfo info = topology.podsByName().get(id);
            if (info == null) {
                throw new IllegalArgumentException("no pod " + id);
            }
            return PolicyEndpoint.Pod.of(info, topology.namespaces().get(info.namespace()));
        }

        PolicyResult judge(PolicyEndpoint source, PolicyEndpoint destination, Protocol protocol, int port) {
            return engine.evaluate(new Connection(source, destination, protocol, port));
        }

        PolicyResult judge(String source, String destination, Protocol protocol, int port) {
            return judge(pod(source), pod(destination), protocol, port);
        }

        /** The 9×9 truth table: one row per source, one digit per destination (1 allow, 0 deny, ? indeterminate). */
        String matrix(Protocol protocol, int port) {
            List<String> rows = new ArrayList<>();
            for (String source : ids()) {
                StringBuilder row = new StringBuilder(source).append(": ");
                for (String destination : ids()) {
                    row.append(symbol(judge(source, destination, protocol, port).verdict()));
                }
                rows.add(row.toString());
            }
            return String.join("\n", rows);
        }
    }

    static List<String> ids() {
        List<String> ids = new ArrayList<>();
        NAMESPACES.forEach(ns -> PODS.forEach(p -> ids.add(ns + "/" + p)));
        return ids;
    }

    static char symbol(PolicyVerdict verdict) {
        return switch (verdict) {
            case ALLOW -> '1';
            case DENY -> '0';
            case INDETERMINATE -> '?';
        };
    }

    /** Expected rows, as {@code "x/a: 111111111"}; joined like {@link Fixture#matrix}. */
    static String table(String... rows) {
        return String.join("\n", rows);
    }
}
