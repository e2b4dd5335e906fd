package ai.matih.flowwatch.policy.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The cyclonus generated cases of {@code conformance/cyclonus.yaml}, combined family by family as cyclonus's
 * generator combines them: targets, rules, peers, ports and protocols, example, actions, conflicts, namespaces and
 * upstream e2e. Every case has one step per generator step; each step is judged on the full truth table.
 */
final class CyclonusCases {

    static final String RESOURCE = "conformance/cyclonus.yaml";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<Boolean> INGRESS_FIRST = List.of(true, false);
    private static final List<Boolean> EGRESS_FIRST = List.of(false, true);

    private final JsonNode root;
    private final CaseData data;
    private final List<ConformanceCase> cases = new ArrayList<>();

    private CyclonusCases(JsonNode root) {
        this.root = root;
        this.data = new CaseData(this::policy);
    }

    static List<ConformanceCase> load() {
        CyclonusCases generator = new CyclonusCases(CaseData.read(RESOURCE));
        generator.targets();
        generator.rules();
        generator.peers();
        generator.portsAndProtocols();
        generator.explicit("example");
        generator.explicit("actions");
        generator.conflicts();
        generator.explicit("namespaces");
        generator.explicit("upstream e2e");
        return List.copyOf(generator.cases);
    }

    private void targets() {
        JsonNode targets = root.path("targets");
        for (JsonNode ns : targets.path("namespaces")) {
            single("targets", "set namespace to " + ns.asText(), base(changes("namespace", ns)));
        }
        for (JsonNode selector : targets.path("podSelectors")) {
            single("targets", "set pod selector to " + selector, base(changes("podSelector", selector)));
        }
    }

    private void rules() {
        for (boolean ingress : EGRESS_FIRST) {
            root.path("rules")
                    .fields()
                    .forEachRemaining(rule -> single(
                            "rules",
                            direction(ingress) + ": " + rule.getKey(),
                            base(changes(direction(ingress) + "Rules", rule.getValue()))));
        }
    }

    private void peers() {
        JsonNode peers = root.path("peers");
        for (boolean ingress : INGRESS_FIRST) {
            String dir = direction(ingress);
            single("peers", dir + ": empty peers", base(changes(dir + "Peers", NODES.arrayNode())));
            for (JsonNode p : peers) {
                single(
                        "peers",
                        dir + ", 1-peer: " + p.get("description").asText(),
                        base(changes(dir + "Peers", NODES.arrayNode().add(p.get("peer")))));
            }
            for (int i = 0; i < peers.size(); i++) {
                for (int j = i + 1; j < peers.size(); j++) {
                    JsonNode p1 = peers.get(i);
                    JsonNode p2 = peers.get(j);
                    single(
                            "peers",
                            dir + ", 2-peer: " + p1.get("description").asText() + ", "
                                    + p2.get("description").asText(),
                            base(changes(
                                    dir + "Peers",
                                    NODES.arrayNode().add(p1.get("peer")).add(p2.get("peer")))));
                }
            }
        }
    }

    private void portsAndProtocols() {
        JsonNode ports = root.path("portProtocol");
        for (boolean ingress : EGRESS_FIRST) {
            String dir = direction(ingress);
            single("ports and protocols", dir + ": empty port/protocol", portsCase(dir, NODES.arrayNode()));
        }
        for (boolean ingress : EGRESS_FIRST) {
            String dir = direction(ingress);
            for (JsonNode port : ports.path("single")) {
                single(
                        "ports and protocols",
                        dir + ": " + port,
                        portsCase(dir, NODES.arrayNode().add(port)));
            }
            for (JsonNode p : ports.path("pathological")) {
                single(
                        "ports and protocols",
                        dir + ": " + p.get("description").asText(),
                        portsCase(dir, NODES.arrayNode().add(p.get("port"))));
            }
        }
        for (boolean ingress : EGRESS_FIRST) {
            String dir = direction(ingress);
            for (JsonNode pair : ports.path("pairs")) {
                single("ports and protocols", dir + ", 2 ports: " + pair, portsCase(dir, pair));
            }
        }
        for (boolean ingress : EGRESS_FIRST) {
            String dir = direction(ingress);
            for (JsonNode range : ports.path("endPort")) {
                single(
                        "ports and protocols",
                        dir + ", port range: " + range,
                        portsCase(dir, NODES.arrayNode().add(range)));
            }
        }
    }

    private Action portsCase(String dir, JsonNode ports) {
        return base(changes(dir + "Ports", ports));
    }

    private void conflicts() {
        JsonNode conflicts = root.path("conflicts");
        for (JsonNode c : conflicts.path("cases")) {
            List<Action> actions = new ArrayList<>();
            boolean egress = false;
            for (JsonNode p : c.path("policies")) {
                JsonNode target = conflicts.path(p.get("target").asText());
                ObjectNode netpol = NODES.objectNode();
                netpol.set("namespace", target.get("namespace"));
                netpol.set("name", p.get("name"));
                netpol.set("podSelector", target.get("podSelector"));
                for (String dir : List.of("ingress", "egress")) {
                    if (p.has(dir)) {
                        netpol.set(
                                dir, rules(conflicts.path("rules"), p.get(dir).asText()));
                        egress |= dir.equals("egress");
                    }
                }
                actions.add(put(netpol(netpol), false));
            }
            if (egress) {
                JsonNode source = conflicts.path("source");
                ObjectNode dns = NODES.objectNode();
                dns.set("namespace", source.get("namespace"));
                dns.put("name", "allow-dns");
                dns.set("podSelector", source.get("podSelector"));
                dns.set("egress", root.path("allowDns").path("egress"));
                actions.add(put(netpol(dns), false));
            }
            cases.add(new ConformanceCase(
                    ConformanceCase.Origin.CYCLONUS,
                    "conflicts",
                    c.get("name").asText(),
                    List.of(new ConformanceCase.Step(actions, List.of()))));
        }
    }

    /** Named rules; null (a direction without rules) is a value. */
    private static JsonNode rules(JsonNode named, String name) {
        if (!named.has(name)) {
            throw new IllegalArgumentException("no rules named '" + name + "'");
        }
        return named.get(name);
    }

    private void explicit(String family) {
        for (JsonNode c : root.path("cases")) {
            if (!c.path("family").asText().equals(family)) {
                continue;
            }
            List<ConformanceCase.Step> steps = new ArrayList<>();
            for (JsonNode step : CaseData.required(c, "steps")) {
                steps.add(new ConformanceCase.Step(data.actions(step.path("actions")), List.of()));
            }
            cases.add(new ConformanceCase(ConformanceCase.Origin.CYCLONUS, family, CaseData.text(c, "name"), steps));
        }
    }

    private void single(String family, String name, Action action) {
        cases.add(new ConformanceCase(
                ConformanceCase.Origin.CYCLONUS,
                family,
                name,
                List.of(new ConformanceCase.Step(List.of(action), List.of()))));
    }

    private static String direction(boolean ingress) {
        return ingress ? "ingress" : "egress";
    }

    private static ObjectNode changes(String field, JsonNode value) {
        ObjectNode changes = NODES.objectNode();
        changes.set(field, value);
        return changes;
    }

    private Action base(ObjectNode changes) {
        return put(derive(changes), false);
    }

    private static Action put(CaseData.NamedSpec policy, boolean update) {
        return new Action.PutPolicy(policy.namespace(), policy.name(), policy.spec(), update);
    }

    /** A policy in any of the data's forms. */
    private CaseData.NamedSpec policy(JsonNode node) {
        if (node.has("base")) {
            return derive(node.get("base"));
        }
        if (node.has("netpol")) {
            return netpol(node.get("netpol"));
        }
        return CaseData.raw(node);
    }

    /** The base policy with changes (the generator's setters). */
    private CaseData.NamedSpec derive(JsonNode changes) {
        ObjectNode netpol = root.path("base").deepCopy();
        changes.fields().forEachRemaining(change -> {
            String key = change.getKey();
            JsonNode value = change.getValue();
            switch (key) {
                case "namespace", "podSelector" -> netpol.set(key, value);
                case "ingressRules", "egressRules" -> netpol.set(key.replace("Rules", ""), value);
                case "ingressPorts", "egressPorts" ->
                    firstRule(netpol, key.replace("Ports", "")).set("ports", value);
                case "ingressPeers", "egressPeers" ->
                    firstRule(netpol, key.replace("Peers", "")).set("peers", value);
                default -> throw new IllegalArgumentException("unknown change to the base policy: " + key);
            }
        });
        return netpol(netpol);
    }

    private static ObjectNode firstRule(ObjectNode netpol, String direction) {
        return (ObjectNode) netpol.get(direction).get(0);
    }

    /** Cyclonus's Netpol as a NetworkPolicy: each direction present is listed, with its rules unless null. */
    private static CaseData.NamedSpec netpol(JsonNode netpol) {
        ObjectNode spec = NODES.objectNode();
        spec.set("podSelector", CaseData.required(netpol, "podSelector"));
        ArrayNode types = NODES.arrayNode();
        for (String dir : List.of("ingress", "egress")) {
            if (!netpol.has(dir)) {
                continue;
            }
            types.add(dir.equals("ingress") ? "Ingress" : "Egress");
            JsonNode rules = netpol.get(dir);
            if (rules.isNull()) {
                continue;
            }
            ArrayNode converted = spec.putArray(dir);
            for (JsonNode rule : rules) {
                ObjectNode r = converted.addObject();
                if (rule.has("ports")) {
                    r.set("ports", rule.get("ports"));
                }
                if (rule.has("peers")) {
                    r.set(dir.equals("ingress") ? "from" : "to", rule.get("peers"));
                }
            }
        }
        spec.set("policyTypes", types);
        return new CaseData.NamedSpec(CaseData.text(netpol, "namespace"), CaseData.text(netpol, "name"), spec);
    }
}
