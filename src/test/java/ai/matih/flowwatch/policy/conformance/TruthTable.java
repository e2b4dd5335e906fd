package ai.matih.flowwatch.policy.conformance;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.policy.PolicyResult;
import ai.matih.flowwatch.policy.PolicyVerdict;
import ai.matih.flowwatch.policy.Support;
import ai.matih.flowwatch.topology.DnsSelector;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every (source pod, destination pod, protocol, port) of a cluster, judged twice: by the production engine, reached
 * the way {@code POST /api/v1/policy/evaluate} reaches it (the manifests parsed by {@link ManifestLoader}, compiled by
 * {@link PolicyEngine#compile(Topology, CniProfile)} with the conformance CNI profile, pods resolved from the parsed
 * topology), and by {@link ReferenceSemantics}.
 */
final class TruthTable {

    private static final ManifestLoader LOADER =
            new ManifestLoader(TenancyRules.defaults(), List.of(), DnsSelector.parse("kube-system/k8s-app=kube-dns"));

    /** One cell of the table. */
    record Cell(String source, String destination, Protocol protocol, int port) {
        @Override
        public String toString() {
            return source + " -> " + destination + " " + protocol + "/" + port;
        }
    }

    /** A cell where the engine and the reference disagree. */
    record Mismatch(Cell cell, boolean expected, PolicyResult actual) {
        @Override
        public String toString() {
            return cell + ": reference " + (expected ? "ALLOW" : "DENY") + ", engine " + actual.explain();
        }
    }

    private final List<String> pods;
    private final Map<Cell, PolicyResult> engine = new LinkedHashMap<>();
    private final Map<Cell, Boolean> reference = new LinkedHashMap<>();
    private final List<String> problems;

    private TruthTable(List<String> pods, List<String> problems) {
        this.pods = List.copyOf(pods);
        this.problems = List.copyOf(problems);
    }

    /** The table under the conformance CNI profile (ipBlocks match pod IPs). */
    static TruthTable of(World world) {
        return of(world, CniProfile.CONFORMANCE);
    }

    /** The table under a CNI profile that settles whether ipBlocks match pod IPs. */
    static TruthTable of(World world, CniProfile profile) {
        if (profile.ipBlockMatchesPodIps() == Support.UNKNOWN) {
            throw new IllegalArgumentException("the reference needs a profile that decides ipBlocks: " + profile);
        }
        Topology topology = LOADER.parse(world.manifests(), "conformance").topology();
        PolicyEngine compiled = PolicyEngine.compile(topology, profile);
        ReferenceSemantics oracle = new ReferenceSemantics(world, profile.ipBlockMatchesPodIps() == Support.YES);
        List<String> ids = world.pods().stream().map(World.Pod::id).toList();
        TruthTable table = new TruthTable(
                ids, compiled.problems().stream().map(Object::toString).toList());
        for (World.Pod source : world.pods()) {
            PolicyEndpoint from = PolicyEndpoint.resolve(topology, source.namespace(), source.name());
            for (World.Pod destination : world.pods()) {
                PolicyEndpoint to = PolicyEndpoint.resolve(topology, destination.namespace(), destination.name());
                for (Protocol protocol : World.PROTOCOLS) {
                    for (int port : World.PROBED_PORTS) {
                        Cell cell = new Cell(source.id(), destination.id(), protocol, port);
                        table.engine.put(cell, compiled.evaluate(new Connection(from, to, protocol, port)));
                        table.reference.put(cell, oracle.allows(source, destination, protocol, port));
                    }
                }
            }
        }
        return table;
    }

    int size() {
        return engine.size();
    }

    List<String> problems() {
        return problems;
    }

    boolean reference(Cell cell) {
        return reference.get(cell);
    }

    PolicyVerdict engine(Cell cell) {
        return engine.get(cell).verdict();
    }

    /** The cells where the engine's verdict is not the reference's ALLOW or DENY. */
    List<Mismatch> mismatches() {
        List<Mismatch> mismatches = new ArrayList<>();
        reference.forEach((cell, allowed) -> {
            PolicyResult result = engine.get(cell);
            if (result.verdict() != (allowed ? PolicyVerdict.ALLOW : PolicyVerdict.DENY)) {
                mismatches.add(new Mismatch(cell, allowed, result));
            }
        });
        return mismatches;
    }

    /**
     * The engine's table for one protocol and port: a row per source, a column per destination, {@code 1} allow,
     * {@code 0} deny, {@code ?} indeterminate, upper case {@code X} where the reference says otherwise.
     */
    String render(Protocol protocol, int port) {
        StringBuilder sb = new StringBuilder(protocol + "/" + port + " (rows from, columns to: " + pods + ")\n");
        for (String source : pods) {
            sb.append(String.format("%-8s", source));
            for (String destination : pods) {
                Cell cell = new Cell(source, destination, protocol, port);
                PolicyVerdict verdict = engine(cell);
                boolean agrees = verdict == (reference(cell) ? PolicyVerdict.ALLOW : PolicyVerdict.DENY);
                sb.append(
                        !agrees
                                ? 'X'
                                : switch (verdict) {
                                    case ALLOW -> '1';
                                    case DENY -> '0';
                                    case INDETERMINATE -> '?';
                                });
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
