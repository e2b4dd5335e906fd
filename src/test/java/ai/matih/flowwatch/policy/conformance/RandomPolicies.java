package ai.matih.flowwatch.policy.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random clusters for differential testing: the model with extra pod and namespace labels ({@code team} set,
 * empty or missing, {@code tier}), and one to three valid NetworkPolicies combined from fragments that reach the
 * corners of the rules (defaulted {@code policyTypes}, empty versus missing lists, {@code NotIn} and {@code ""} on a
 * missing key, named ports of every protocol, port ranges, ipBlocks with one or more {@code except}).
 */
final class RandomPolicies {

    private static final List<String> SELECTORS = List.of(
            "{}",
            "{matchLabels: {pod: a}}",
            "{matchLabels: {pod: b}}",
            "{matchLabels: {team: ''}}",
            "{matchLabels: {team: red}}",
            "{matchExpressions: [{key: team, operator: NotIn, values: [red]}]}",
            "{matchExpressions: [{key: team, operator: In, values: [red, blue]}]}",
            "{matchExpressions: [{key: team, operator: Exists}]}",
            "{matchExpressions: [{key: team, operator: DoesNotExist}]}",
            "{matchExpressions: [{key: pod, operator: In, values: [a, c]}]}",
            "{matchLabels: {tier: web}, matchExpressions: [{key: pod, operator: NotIn, values: [c]}]}",
            "{matchLabels: {ns: y}}",
            "{matchLabels: {kubernetes.io/metadata.name: z}}",
            "{matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [x, y]}]}");

    private static final List<String> IP_BLOCKS = List.of(
            "{cidr: '{cidr:x/a/32}'}",
            "{cidr: '{cidr:y/b/24}'}",
            "{cidr: '{cidr:y/b/24}', except: ['{cidr:y/b/28}']}",
            "{cidr: '{cidr:z/c/24}', except: ['{cidr:z/a/32}', '{cidr:z/c/32}']}",
            "{cidr: 10.0.0.0/16, except: [10.0.1.0/24]}",
            "{cidr: 10.0.0.0/16, except: [10.0.2.0/24, 10.0.3.16/28]}",
            "{cidr: 10.0.2.0/23}",
            "{cidr: 0.0.0.0/0}",
            "{cidr: 0.0.0.0/0, except: [10.0.0.0/8]}",
            "{cidr: 192.168.0.0/16}");

    private static final List<String> PORTS = List.of(
            "{}",
            "{port: 80}",
            "{protocol: UDP}",
            "{protocol: SCTP, port: 81}",
            "{protocol: TCP, port: serve-80-tcp}",
            "{port: serve-81-tcp}",
            "{protocol: UDP, port: serve-81-udp}",
            "{protocol: SCTP, port: serve-80-sctp}",
            "{protocol: TCP, port: serve-80-udp}",
            "{protocol: UDP, port: 79, endPort: 81}",
            "{port: 81, endPort: 82}",
            "{protocol: SCTP, port: 80, endPort: 80}");

    private static final List<String> TYPES =
            List.of("", "[Ingress]", "[Egress]", "[Ingress, Egress]", "[Egress, Ingress]");

    private RandomPolicies() {}

    /** A random case: labels changed, then policies created, all in one step. */
    static ConformanceCase generate(long seed) {
        Random random = new Random(seed);
        List<Action> actions = new ArrayList<>();
        for (String ns : World.NAMESPACES) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("ns", ns);
            team(random, labels);
            actions.add(new Action.SetNamespaceLabels(ns, labels, false));
            for (String pod : World.PODS) {
                Map<String, String> podLabels = new LinkedHashMap<>();
                podLabels.put("pod", pod);
                team(random, podLabels);
                if (random.nextBoolean()) {
                    podLabels.put("tier", "web");
                }
                actions.add(new Action.SetPodLabels(ns + "/" + pod, podLabels, false));
            }
        }
        int policies = 1 + random.nextInt(3);
        for (int i = 0; i < policies; i++) {
            String ns = World.NAMESPACES.get(random.nextInt(World.NAMESPACES.size()));
            actions.add(new Action.PutPolicy(ns, "random-" + i, spec(random), false));
        }
        return new ConformanceCase(
                ConformanceCase.Origin.RANDOM,
                "seeded combinations",
                "seed " + seed,
                List.of(new ConformanceCase.Step(actions, List.of())));
    }

    private static void team(Random random, Map<String, String> labels) {
        switch (random.nextInt(4)) {
            case 0 -> labels.put("team", "red");
            case 1 -> labels.put("team", "blue");
            case 2 -> labels.put("team", "");
            default -> {}
        }
    }

    private static JsonNode spec(Random random) {
        StringBuilder sb = new StringBuilder("{podSelector: ").append(pick(random, SELECTORS));
        String types = pick(random, TYPES);
        if (!types.isEmpty()) {
            sb.append(", policyTypes: ").append(types);
        }
        for (String direction : List.of("ingress", "egress")) {
            switch (random.nextInt(4)) {
                case 0 -> {}
                case 1 -> sb.append(", ").append(direction).append(": []");
                default -> {
                    sb.append(", ").append(direction).append(": [");
                    int rules = 1 + random.nextInt(2);
                    for (int r = 0; r < rules; r++) {
                        sb.append(r == 0 ? "" : ", ").append(rule(random, direction.equals("ingress") ? "from" : "to"));
                    }
                    sb.append(']');
                }
            }
        }
        try {
            return CaseData.YAML.readTree(sb.append('}').toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String rule(Random random, String peersField) {
        List<String> fields = new ArrayList<>();
        switch (random.nextInt(4)) {
            case 0 -> {}
            case 1 -> fields.add("ports: []");
            default -> fields.add("ports: " + list(random, PORTS));
        }
        switch (random.nextInt(4)) {
            case 0 -> {}
            case 1 -> fields.add(peersField + ": []");
            default -> {
                List<String> peers = new ArrayList<>();
                int count = 1 + random.nextInt(2);
                for (int i = 0; i < count; i++) {
                    peers.add(peer(random));
                }
                fields.add(peersField + ": [" + String.join(", ", peers) + "]");
            }
        }
        return "{" + String.join(", ", fields) + "}";
    }

    private static String peer(Random random) {
        if (random.nextInt(4) == 0) {
            return "{ipBlock: " + pick(random, IP_BLOCKS) + "}";
        }
        List<String> parts = new ArrayList<>();
        switch (random.nextInt(3)) {
            case 0 -> parts.add("podSelector: " + pick(random, SELECTORS));
            case 1 -> parts.add("namespaceSelector: " + pick(random, SELECTORS));
            default -> {
                parts.add("podSelector: " + pick(random, SELECTORS));
                parts.add("namespaceSelector: " + pick(random, SELECTORS));
            }
        }
        return "{" + String.join(", ", parts) + "}";
    }

    private static String list(Random random, List<String> options) {
        int count = 1 + random.nextInt(2);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(pick(random, options));
        }
        return "[" + String.join(", ", items) + "]";
    }

    private static String pick(Random random, List<String> options) {
        return options.get(random.nextInt(options.size()));
    }
}
