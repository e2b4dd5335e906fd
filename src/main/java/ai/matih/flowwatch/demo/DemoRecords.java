package ai.matih.flowwatch.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Builds realistic demo records for the demo topology ({@code demo/topology.yaml}) in the four input formats of
 * {@code reference/formats.md}: Calico Enterprise {@code flows.log} lines and Goldmane flows (Whisker API form and
 * emitter form) for {@code calico-flows}, Hubble exporter lines for {@code hubble-flows}, and audit.k8s.io/v1 Events
 * for {@code k8s-audit}. Pure: no Kafka, no CDI; the randomness and the clock are given.
 *
 * <p>Each call of {@link #nextConnection(boolean)} picks one connection of {@link DemoTopology} (normal or a violation)
 * and renders it in one format, as that CNI would report it: both Calico reporters, Hubble observation points and the
 * reply, a retransmitted drop. Not thread-safe (one {@link Random}).
 */
public final class DemoRecords {

    /** One Kafka record to produce. The value is UTF-8 JSON: one document, or NDJSON for the Goldmane emitter. */
    public record Output(String topic, String key, String value) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final String HUBBLE_VERSION = "1.19.1+gd0d0c879";
    private static final int CALICO_FLUSH_SECONDS = 300;
    private static final int GOLDMANE_BUCKET_SECONDS = 15;

    private final Random random;
    private final Clock clock;

    public DemoRecords(Random random, Clock clock) {
        this.random = random;
        this.clock = clock;
    }

    /** The records one connection produces, in one randomly chosen flow format. */
    public List<Output> nextConnection(boolean violation) {
        List<DemoTopology.Connection> pool = violation ? DemoTopology.VIOLATIONS : DemoTopology.NORMAL;
        DemoTopology.Connection connection = pool.get(random.nextInt(pool.size()));
        // Goldmane carries no IPs: an allowed flow to "pub" could not be matched against an EgressException, so
        // permitted egress is only reported in the formats that carry the destination IP.
        boolean needsIp = connection.destination() instanceof DemoTopology.External
                && connection.outcome() == DemoTopology.Outcome.ALLOWED;
        int pick = needsIp ? random.nextInt(70) : random.nextInt(100);
        if (pick < 40) {
            return hubble(connection);
        } else if (pick < 70) {
            return calicoEnterprise(connection);
        } else if (pick < 85) {
            return goldmaneWhisker(connection);
        }
        return goldmaneEmitter(connection);
    }

    /** One audit event: mostly harmless reads; when {@code suspicious}, one of the audit detections. */
    public List<Output> nextAudit(boolean suspicious) {
        ObjectNode event = suspicious ? suspiciousAudit() : harmlessAudit();
        List<Output> out = new ArrayList<>(2);
        String auditId = event.get("auditID").asText();
        if (random.nextInt(5) == 0
                && "ResponseComplete".equals(event.get("stage").asText())) {
            // The API server writes one event per stage; a policy with omitStages: [] also logs RequestReceived.
            ObjectNode received = event.deepCopy();
            received.put("stage", "RequestReceived");
            received.put(
                    "stageTimestamp", received.get("requestReceivedTimestamp").asText());
            received.remove(List.of("responseStatus", "responseObject"));
            out.add(new Output(DemoTopics.AUDIT, auditId, write(received)));
        }
        out.add(new Output(DemoTopics.AUDIT, auditId, write(event)));
        return out;
    }

    /** A Hubble exporter {@code lost_events} line (a coverage gap, skipped as a flow). */
    public Output lostEvents() {
        String node = DemoTopology.NODES.get(random.nextInt(DemoTopology.NODES.size()));
        ObjectNode line = NODES.objectNode();
        ObjectNode lost = line.putObject("lost_events");
        lost.put("source", random.nextBoolean() ? "PERF_EVENT_RING_BUFFER" : "OBSERVER_EVENTS_QUEUE");
        lost.put("num_events_lost", Integer.toString(1 + random.nextInt(200))); // uint64: a string in protojson
        lost.put("cpu", random.nextInt(2));
        line.put("node_name", node);
        line.put("time", clock.instant().toString());
        return new Output(DemoTopics.HUBBLE, node, write(line));
    }

    // ------------------------------------------------------------------------------------------------ Hubble

    private List<Output> hubble(DemoTopology.Connection c) {
        Instant now = clock.instant();
        int sport = ephemeralPort();
        List<Output> out = new ArrayList<>();
        switch (c.outcome()) {
            case AUDIT -> {
                // Policy audit mode: only the policy-verdict event says the policy would drop the connection.
                ObjectNode verdict =
                        hubbleFlow(c, sport, now, "AUDIT", false, nodeOf(c.destination(), c.source()), "INGRESS");
                verdict.putObject("event_type").put("type", 5);
                verdict.put("policy_match_type", 1);
                out.add(hubbleLine(verdict));
            }
            case ALLOWED -> {
                if (c.source() instanceof DemoTopology.Pod src && c.destination() instanceof DemoTopology.Pod) {
                    ObjectNode egress = hubbleFlow(c, sport, now, "FORWARDED", false, src.node(), "EGRESS");
                    trace(egress, "TO_STACK", "NEW");
                    out.add(hubbleLine(egress));
                }
                ObjectNode forward = hubbleFlow(
                        c,
                        sport,
                        now.plusNanos(180_000),
                        "FORWARDED",
                        false,
                        nodeOf(c.destination(), c.source()),
                        c.destination() instanceof DemoTopology.Pod ? "INGRESS" : "EGRESS");
                trace(forward, c.destination() instanceof DemoTopology.Pod ? "TO_ENDPOINT" : "TO_NETWORK", "NEW");
                out.add(hubbleLine(forward));
                ObjectNode reply = hubbleFlow(
                        c,
                        sport,
                        now.plusNanos(410_000),
                        "FORWARDED",
                        true,
                        nodeOf(c.source(), c.destination()),
                        c.source() instanceof DemoTopology.Pod ? "EGRESS" : "INGRESS");
                trace(reply, c.source() instanceof DemoTopology.Pod ? "TO_ENDPOINT" : "TO_NETWORK", "REPLY");
                out.add(hubbleLine(reply));
            }
            case DENIED_EGRESS, DENIED_INGRESS -> {
                boolean atSource = c.outcome() == DemoTopology.Outcome.DENIED_EGRESS;
                String node = atSource ? nodeOf(c.source(), c.destination()) : nodeOf(c.destination(), c.source());
                int attempts = random.nextInt(3) == 0 ? 2 : 1; // a retransmitted SYN is dropped again
                for (int i = 0; i < attempts; i++) {
                    ObjectNode drop = hubbleFlow(
                            c, sport, now.plusSeconds(i), "DROPPED", false, node, atSource ? "EGRESS" : "INGRESS");
                    drop.put("drop_reason", 133);
                    drop.put("drop_reason_desc", "POLICY_DENIED");
                    drop.putObject("event_type").put("type", 1).put("sub_type", 133);
                    out.add(hubbleLine(drop));
                }
            }
            default -> throw new IllegalStateException("Unexpected outcome " + c.outcome());
        }
        return out;
    }

    private ObjectNode hubbleFlow(
            DemoTopology.Connection c,
            int sport,
            Instant time,
            String verdict,
            boolean reply,
            String node,
            String direction) {
        DemoTopology.Peer from = reply ? c.destination() : c.source();
        DemoTopology.Peer to = reply ? c.source() : c.destination();
        int fromPort = reply ? c.port() : sport;
        int toPort = reply ? sport : c.port();
        ObjectNode flow = NODES.objectNode();
        flow.put("time", time.toString());
        flow.put("uuid", uuid());
        flow.putObject("emitter").put("name", "Hubble").put("version", HUBBLE_VERSION);
        flow.put("verdict", verdict);
        flow.putObject("IP")
                .put("source", from.ip())
                .put("destination", to.ip())
                .put("ipVersion", "IPv4");
        ObjectNode l4 = flow.putObject("l4");
        if ("TCP".equals(c.protocol())) {
            ObjectNode tcp = l4.putObject("TCP").put("source_port", fromPort).put("destination_port", toPort);
            ObjectNode flags = tcp.putObject("flags");
            flags.put("SYN", true);
            if (reply) {
                flags.put("ACK", true);
            }
        } else {
            l4.putObject("UDP").put("source_port", fromPort).put("destination_port", toPort);
        }
        flow.set("source", hubbleEndpoint(from));
        flow.set("destination", hubbleEndpoint(to));
        flow.put("Type", "L3_L4");
        flow.put("node_name", node);
        if (!"DROPPED".equals(verdict) && !"AUDIT".equals(verdict)) {
            flow.putObject("event_type").put("type", 4);
        }
        flow.put("traffic_direction", direction);
        flow.put("is_reply", reply);
        return flow;
    }

    private static void trace(ObjectNode flow, String observationPoint, String reason) {
        flow.put("trace_observation_point", observationPoint);
        flow.put("trace_reason", reason);
    }

    private static ObjectNode hubbleEndpoint(DemoTopology.Peer peer) {
        ObjectNode endpoint = NODES.objectNode();
        if (peer instanceof DemoTopology.Pod pod) {
            endpoint.put("ID", pod.endpointId());
            endpoint.put("identity", pod.identity());
            endpoint.put("cluster_name", "default");
            endpoint.put("namespace", pod.namespace());
            ArrayNode labels = endpoint.putArray("labels");
            pod.labels().forEach((k, v) -> labels.add("k8s:" + k + "=" + v));
            DemoTopology.namespaceLabels(pod.namespace())
                    .forEach((k, v) -> labels.add("k8s:io.cilium.k8s.namespace.labels." + k + "=" + v));
            labels.add("k8s:io.cilium.k8s.policy.cluster=default");
            labels.add("k8s:io.cilium.k8s.policy.serviceaccount=" + pod.serviceAccount());
            labels.add("k8s:io.kubernetes.pod.namespace=" + pod.namespace());
            endpoint.put("pod_name", pod.name());
            endpoint.putArray("workloads")
                    .addObject()
                    .put("name", pod.workload())
                    .put("kind", pod.workloadKind());
        } else {
            endpoint.put("identity", 2);
            endpoint.putArray("labels").add("reserved:world");
        }
        return endpoint;
    }

    private Output hubbleLine(ObjectNode flow) {
        ObjectNode line = NODES.objectNode();
        line.set("flow", flow);
        line.put("node_name", flow.get("node_name").asText());
        line.put("time", flow.get("time").asText());
        return new Output(DemoTopics.HUBBLE, flow.get("node_name").asText(), write(line));
    }

    // ------------------------------------------------------------------------------------------------ Calico

    /* Both reporters of one connection; a deny at the source's egress never reaches the destination. */
    private List<Output> calicoEnterprise(DemoTopology.Connection c) {
        long end = clock.instant().getEpochSecond();
        long start = end - CALICO_FLUSH_SECONDS;
        List<Output> out = new ArrayList<>(2);
        if (c.source() instanceof DemoTopology.Pod src) {
            out.add(new Output(DemoTopics.CALICO, src.node(), write(calicoLine(c, "src", start, end, src.node()))));
        }
        if (c.destination() instanceof DemoTopology.Pod dst && c.outcome() != DemoTopology.Outcome.DENIED_EGRESS) {
            out.add(new Output(DemoTopics.CALICO, dst.node(), write(calicoLine(c, "dst", start, end, dst.node()))));
        }
        return out;
    }

    private ObjectNode calicoLine(DemoTopology.Connection c, String reporter, long start, long end, String host) {
        boolean denied = "src".equals(reporter)
                ? c.outcome() == DemoTopology.Outcome.DENIED_EGRESS
                : c.outcome() == DemoTopology.Outcome.DENIED_INGRESS;
        // Denied flows: Felix's default aggregation (source port only). Allowed pod-to-pod flows: half of them at
        // the default pod-prefix aggregation (no IPs, no pod names), half at source-port aggregation, as a cluster
        // tuned for security monitoring sets it. Flows with an external peer keep their IPs, which flowwatch needs
        // to match egress exceptions.
        boolean podToPod = c.source() instanceof DemoTopology.Pod && c.destination() instanceof DemoTopology.Pod;
        boolean aggregated = !denied && podToPod && random.nextBoolean();
        ObjectNode line = NODES.objectNode();
        line.put("start_time", start);
        line.put("end_time", end);
        calicoEndpoint(line, "source", c.source(), aggregated);
        line.putNull("source_port");
        calicoEndpoint(line, "dest", c.destination(), aggregated);
        line.put("dest_port", c.port());
        line.put("dest_service_namespace", "-");
        line.put("dest_service_name", "-");
        line.put("dest_service_port", "-");
        line.putNull("dest_service_port_num");
        line.put("proto", c.protocol().toLowerCase());
        line.put("action", denied ? "deny" : "allow");
        line.put("reporter", reporter);
        ObjectNode policies = line.putObject("policies");
        ArrayNode enforced = policies.putArray("enforced_policies");
        ArrayNode pending = policies.putArray("pending_policies");
        String policyNs = "src".equals(reporter)
                ? c.source().namespace()
                : c.destination().namespace();
        String allowing = c.allowingPolicy(reporter);
        if (denied) {
            enforced.add("0|default|" + policyNs + "/knp.default.default-deny-all|deny|-1");
        } else if (allowing == null) {
            // No policy selects the endpoint: the namespace profile's default allow.
            enforced.add("0|__PROFILE__|__PROFILE__.kns." + policyNs + "|allow|0");
        } else {
            enforced.add("0|default|" + policyNs + "/knp.default." + allowing + "|allow|0");
        }
        if (c.outcome() == DemoTopology.Outcome.AUDIT && "dst".equals(reporter)) {
            pending.add("0|default|" + policyNs + "/staged:default.deny-cross-tenant|deny|0");
        } else {
            pending.addAll(enforced);
        }
        int packets = denied ? 1 + random.nextInt(3) : 5 + random.nextInt(40);
        line.put("bytes_in", denied ? ("dst".equals(reporter) ? packets * 60 : 0) : packets * 180);
        line.put("bytes_out", denied ? ("src".equals(reporter) ? packets * 60 : 0) : packets * 420);
        line.put("packets_in", denied && "src".equals(reporter) ? 0 : packets);
        line.put("packets_out", denied && "dst".equals(reporter) ? 0 : packets);
        int flows = 1 + (aggregated ? random.nextInt(4) : 0);
        line.put("num_flows", flows);
        line.put("num_flows_started", flows);
        line.put("num_flows_completed", denied ? flows : Math.max(0, flows - 1));
        line.put("http_requests_allowed_in", 0);
        line.put("http_requests_denied_in", 0);
        line.put("process_name", "-");
        line.put("num_process_names", 0);
        line.put("process_id", "-");
        line.put("num_process_ids", 0);
        line.putArray("process_args").add("-");
        line.put("num_process_args", 0);
        line.putNull("original_source_ips");
        line.put("num_original_source_ips", 0);
        line.putNull("nat_outgoing_ports");
        line.put("host", host);
        return line;
    }

    private static void calicoEndpoint(ObjectNode line, String side, DemoTopology.Peer peer, boolean aggregated) {
        if (peer instanceof DemoTopology.Pod pod) {
            if (aggregated) {
                line.putNull(side + "_ip");
                line.put(side + "_name", "-");
            } else {
                line.put(side + "_ip", pod.ip());
                line.put(side + "_name", pod.name());
            }
            line.put(side + "_name_aggr", pod.aggregatedName());
            line.put(side + "_namespace", pod.namespace());
            line.put(side + "_type", "wep");
            ArrayNode labels = line.putObject(side + "_labels").putArray("labels");
            pod.labels().forEach((k, v) -> labels.add(k + "=" + v));
        } else {
            if (aggregated) {
                line.putNull(side + "_ip");
            } else {
                line.put(side + "_ip", peer.ip());
            }
            line.put(side + "_name", "-");
            line.put(side + "_name_aggr", "pub");
            line.put(side + "_namespace", "-");
            line.put(side + "_type", "net");
            line.putObject(side + "_labels").putArray("labels");
        }
    }

    // ------------------------------------------------------------------------------------------------ Goldmane

    /* Whisker API (whisker-backend protoconvert.go): RFC3339 times, enum names, labels joined with " | ". */
    private List<Output> goldmaneWhisker(DemoTopology.Connection c) {
        Instant end = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant start = end.minusSeconds(GOLDMANE_BUCKET_SECONDS);
        List<Output> out = new ArrayList<>(2);
        for (String reporter : goldmaneReporters(c)) {
            boolean denied = deniedBy(c, reporter);
            ObjectNode flow = NODES.objectNode();
            flow.put("start_time", start.toString());
            flow.put("end_time", end.toString());
            flow.put("action", denied ? "Deny" : "Allow");
            whiskerEndpoint(flow, "source", c.source());
            whiskerEndpoint(flow, "dest", c.destination());
            flow.put("protocol", c.protocol().toLowerCase());
            flow.put("dest_port", c.port());
            flow.put("reporter", "src".equals(reporter) ? "Src" : "Dst");
            ObjectNode policies = flow.putObject("policies");
            ArrayNode enforced = policies.putArray("enforced");
            ArrayNode pending = policies.putArray("pending");
            enforced.add(policyHit(c, reporter, denied, false));
            if (c.outcome() == DemoTopology.Outcome.AUDIT && "dst".equals(reporter)) {
                pending.add(stagedDenyHit(c, false));
            }
            counters(flow, denied, reporter);
            out.add(new Output(DemoTopics.CALICO, "goldmane", write(flow)));
        }
        return out;
    }

    private static void whiskerEndpoint(ObjectNode flow, String side, DemoTopology.Peer peer) {
        if (peer instanceof DemoTopology.Pod pod) {
            flow.put(side + "_name", pod.aggregatedName());
            flow.put(side + "_namespace", pod.namespace());
            flow.put(
                    side + "_labels",
                    pod.labels().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(" | ")));
        } else {
            flow.put(side + "_name", "PUBLIC NETWORK");
            flow.put(side + "_namespace", "");
            flow.put(side + "_labels", "");
        }
    }

    /* Emitter (PUSH_URL): encoding/json of the Go structs — integer enums, zero values omitted, one NDJSON body. */
    private List<Output> goldmaneEmitter(DemoTopology.Connection c) {
        long end = clock.instant().getEpochSecond();
        long start = end - GOLDMANE_BUCKET_SECONDS;
        StringBuilder body = new StringBuilder();
        for (String reporter : goldmaneReporters(c)) {
            boolean denied = deniedBy(c, reporter);
            ObjectNode flow = NODES.objectNode();
            ObjectNode key = flow.putObject("Key");
            emitterEndpoint(key, "source", c.source());
            emitterEndpoint(key, "dest", c.destination());
            key.put("dest_port", c.port());
            key.put("proto", c.protocol().toLowerCase());
            key.put("reporter", "src".equals(reporter) ? 1 : 2);
            key.put("action", denied ? 2 : 1);
            ObjectNode policies = key.putObject("policies");
            policies.putArray("enforced_policies").add(policyHit(c, reporter, denied, true));
            if (c.outcome() == DemoTopology.Outcome.AUDIT && "dst".equals(reporter)) {
                policies.putArray("pending_policies").add(stagedDenyHit(c, true));
            }
            flow.put("start_time", start);
            flow.put("end_time", end);
            labelArray(flow, "source_labels", c.source());
            labelArray(flow, "dest_labels", c.destination());
            counters(flow, denied, reporter);
            int started = 1 + random.nextInt(3);
            flow.put("num_connections_started", started);
            if (!denied) {
                flow.put("num_connections_completed", started);
            }
            body.append(write(flow)).append('\n');
        }
        return List.of(new Output(DemoTopics.CALICO, "goldmane", body.toString()));
    }

    private static void emitterEndpoint(ObjectNode key, String side, DemoTopology.Peer peer) {
        if (peer instanceof DemoTopology.Pod pod) {
            key.put(side + "_name", pod.aggregatedName());
            key.put(side + "_namespace", pod.namespace());
            key.put(side + "_type", 1); // WorkloadEndpoint
        } else {
            key.put(side + "_name", "pub");
            key.put(side + "_type", 4); // Network
        }
    }

    private static void labelArray(ObjectNode flow, String field, DemoTopology.Peer peer) {
        if (peer instanceof DemoTopology.Pod pod) {
            ArrayNode labels = flow.putArray(field);
            pod.labels().forEach((k, v) -> labels.add(k + "=" + v));
        }
    }

    private static List<String> goldmaneReporters(DemoTopology.Connection c) {
        List<String> reporters = new ArrayList<>(2);
        if (c.source() instanceof DemoTopology.Pod) {
            reporters.add("src");
        }
        if (c.destination() instanceof DemoTopology.Pod && c.outcome() != DemoTopology.Outcome.DENIED_EGRESS) {
            reporters.add("dst");
        }
        return reporters;
    }

    private static boolean deniedBy(DemoTopology.Connection c, String reporter) {
        return "src".equals(reporter)
                ? c.outcome() == DemoTopology.Outcome.DENIED_EGRESS
                : c.outcome() == DemoTopology.Outcome.DENIED_INGRESS;
    }

    /* A PolicyHit; integers for the emitter (PolicyKind 6 NetworkPolicy, 10 EndOfTier; Action 1 Allow, 2 Deny). */
    private static ObjectNode policyHit(DemoTopology.Connection c, String reporter, boolean denied, boolean numeric) {
        String namespace = "src".equals(reporter)
                ? c.source().namespace()
                : c.destination().namespace();
        ObjectNode hit = NODES.objectNode();
        if (denied) {
            enumField(hit, "kind", numeric, 10, "EndOfTier");
            if (!numeric) {
                hit.put("name", "").put("namespace", "");
            }
            hit.put("tier", "default");
            enumField(hit, "action", numeric, 2, "Deny");
            hit.put("policy_index", 0);
            hit.put("rule_index", -1);
            ObjectNode trigger = hit.putObject("trigger");
            enumField(trigger, "kind", numeric, 6, "NetworkPolicy");
            trigger.put("name", "default-deny-all").put("namespace", namespace).put("tier", "default");
            if (!numeric) {
                trigger.put("action", "ActionUnspecified")
                        .put("policy_index", 0)
                        .put("rule_index", 0);
                trigger.putNull("trigger");
            }
        } else if (c.allowingPolicy(reporter) == null) {
            // No policy selects the endpoint: the namespace profile (PolicyKind 9) allows.
            enumField(hit, "kind", numeric, 9, "Profile");
            hit.put("name", "kns." + namespace);
            if (!numeric) {
                hit.put("namespace", "").put("tier", "");
            }
            enumField(hit, "action", numeric, 1, "Allow");
            if (!numeric) {
                hit.put("policy_index", 0).put("rule_index", 0);
                hit.putNull("trigger");
            }
        } else {
            enumField(hit, "kind", numeric, 6, "NetworkPolicy");
            hit.put("name", c.allowingPolicy(reporter))
                    .put("namespace", namespace)
                    .put("tier", "default");
            enumField(hit, "action", numeric, 1, "Allow");
            if (!numeric) {
                hit.put("policy_index", 0).put("rule_index", 0);
                hit.putNull("trigger");
            }
        }
        return hit;
    }

    private static ObjectNode stagedDenyHit(DemoTopology.Connection c, boolean numeric) {
        ObjectNode hit = NODES.objectNode();
        enumField(hit, "kind", numeric, 5, "StagedKubernetesNetworkPolicy");
        hit.put("name", "deny-cross-tenant")
                .put("namespace", c.destination().namespace())
                .put("tier", "default");
        enumField(hit, "action", numeric, 2, "Deny");
        if (!numeric) {
            hit.put("policy_index", 0).put("rule_index", 0);
            hit.putNull("trigger");
        }
        return hit;
    }

    private static void enumField(ObjectNode node, String field, boolean numeric, int number, String name) {
        if (numeric) {
            node.put(field, number);
        } else {
            node.put(field, name);
        }
    }

    private void counters(ObjectNode flow, boolean denied, String reporter) {
        int packets = denied ? 1 + random.nextInt(4) : 4 + random.nextInt(30);
        boolean src = "src".equals(reporter);
        flow.put("packets_in", denied && src ? 0 : packets);
        flow.put("packets_out", denied && !src ? 0 : packets);
        flow.put("bytes_in", denied && src ? 0 : packets * 74);
        flow.put("bytes_out", denied && !src ? 0 : packets * 310);
    }

    // ------------------------------------------------------------------------------------------------ audit

    private ObjectNode harmlessAudit() {
        int pick = random.nextInt(4);
        if (pick == 0) {
            return auditEvent(
                    "system:serviceaccount:matih-control-plane:tenant-manager",
                    "list",
                    "namespaces",
                    null,
                    null,
                    null,
                    200,
                    "10.244.0.10",
                    "tenant-manager/1.4.2");
        }
        if (pick == 1) {
            String tenant = DemoTopology.TENANTS.get(random.nextInt(DemoTopology.TENANTS.size()));
            String ns = DemoTopology.tenantNamespace(tenant);
            return auditEvent(
                    "system:serviceaccount:" + ns + ":api",
                    "get",
                    "configmaps",
                    ns,
                    "api-config",
                    null,
                    200,
                    DemoTopology.pod(ns, "api").ip(),
                    "api/2.3.0");
        }
        if (pick == 2) {
            return auditEvent(
                    "system:serviceaccount:monitoring:prometheus",
                    "watch",
                    "pods",
                    null,
                    null,
                    null,
                    200,
                    "10.244.0.30",
                    "prometheus/v2.53.0");
        }
        String tenant = DemoTopology.TENANTS.get(random.nextInt(DemoTopology.TENANTS.size()));
        String ns = DemoTopology.tenantNamespace(tenant);
        return auditEvent(
                "system:serviceaccount:matih-control-plane:tenant-manager",
                "get",
                "networkpolicies",
                ns,
                "default-deny-all",
                "networking.k8s.io",
                200,
                "10.244.0.10",
                "tenant-manager/1.4.2");
    }

    private ObjectNode suspiciousAudit() {
        List<String> tenants = DemoTopology.TENANTS;
        String tenant = tenants.get(random.nextInt(tenants.size()));
        String other = tenants.get((tenants.indexOf(tenant) + 1 + random.nextInt(tenants.size() - 1)) % tenants.size());
        String ns = DemoTopology.tenantNamespace(tenant);
        String otherNs = DemoTopology.tenantNamespace(other);
        switch (random.nextInt(5)) {
            case 0 -> { // POLICY_TAMPERING: the default deny is deleted
                ObjectNode event = auditEvent(
                        "oidc:dev@" + tenant + ".example",
                        "delete",
                        "networkpolicies",
                        ns,
                        "default-deny-all",
                        "networking.k8s.io",
                        200,
                        "192.0.2.10",
                        "kubectl/v1.31.2 (linux/amd64)");
                event.put("level", "RequestResponse");
                event.putObject("responseObject")
                        .put("kind", "Status")
                        .put("apiVersion", "v1")
                        .put("status", "Success")
                        .putObject("details")
                        .put("name", "default-deny-all")
                        .put("group", "networking.k8s.io")
                        .put("kind", "networkpolicies");
                return event;
            }
            case 1 -> { // POLICY_TAMPERING: allow-ingress opened to every namespace
                ObjectNode event = auditEvent(
                        "oidc:dev@" + tenant + ".example",
                        "patch",
                        "networkpolicies",
                        ns,
                        "allow-ingress",
                        "networking.k8s.io",
                        200,
                        "192.0.2.10",
                        "kubectl/v1.31.2 (linux/amd64)");
                event.put("level", "Request");
                ArrayNode patch = event.putArray("requestObject");
                patch.addObject()
                        .put("op", "add")
                        .put("path", "/spec/ingress/-")
                        .putObject("value")
                        .putArray("from")
                        .addObject()
                        .putObject("namespaceSelector");
                return event;
            }
            case 2 -> { // TOPOLOGY_DRIFT: a tenant namespace relabelled
                ObjectNode event = auditEvent(
                        "oidc:platform-admin@matih.example",
                        "patch",
                        "namespaces",
                        ns,
                        ns,
                        null,
                        200,
                        "192.0.2.11",
                        "kubectl/v1.31.2 (linux/amd64)");
                event.put("level", "Request");
                event.putObject("requestObject")
                        .putObject("metadata")
                        .putObject("labels")
                        .put("matih.ai/role", "shared-infra");
                return event;
            }
            case 3 -> { // FORBIDDEN_API_ACCESS: tenant A's service account reads tenant B's secrets
                String user = "system:serviceaccount:" + ns + ":worker";
                ObjectNode event = auditEvent(
                        user,
                        "list",
                        "secrets",
                        otherNs,
                        null,
                        null,
                        403,
                        DemoTopology.pod(ns, "worker").ip(),
                        "python-requests/2.32.3");
                ((ObjectNode) event.get("responseStatus"))
                        .put("status", "Failure")
                        .put(
                                "message",
                                "secrets is forbidden: User \"" + user + "\" cannot list resource"
                                        + " \"secrets\" in API group \"\" in the namespace \"" + otherNs + "\"")
                        .put("reason", "Forbidden");
                event.putObject("annotations")
                        .put("authorization.k8s.io/decision", "forbid")
                        .put("authorization.k8s.io/reason", "");
                return event;
            }
            default -> { // CROSS_TENANT_EXEC: tenant A's service account execs into tenant B's database
                ObjectNode event = auditEvent(
                        "system:serviceaccount:" + ns + ":api",
                        "create",
                        "pods",
                        otherNs,
                        "db-0",
                        null,
                        101,
                        DemoTopology.pod(ns, "api").ip(),
                        "kubectl/v1.31.2 (linux/amd64)");
                ((ObjectNode) event.get("objectRef")).put("subresource", "exec");
                event.put(
                        "requestURI",
                        "/api/v1/namespaces/" + otherNs
                                + "/pods/db-0/exec?command=sh&container=main&stdin=true&stdout=true&tty=true");
                event.put("stage", "ResponseStarted");
                event.put("level", "Request");
                return event;
            }
        }
    }

    private ObjectNode auditEvent(
            String username,
            String verb,
            String resource,
            String namespace,
            String name,
            String apiGroup,
            int code,
            String sourceIp,
            String userAgent) {
        Instant received = clock.instant();
        Instant completed = received.plusNanos((200 + random.nextInt(8000)) * 1000L);
        ObjectNode event = NODES.objectNode();
        event.put("kind", "Event");
        event.put("apiVersion", "audit.k8s.io/v1");
        event.put("level", "Metadata");
        event.put("auditID", uuid());
        event.put("stage", "ResponseComplete");
        event.put("requestURI", requestUri(verb, resource, namespace, name, apiGroup));
        event.put("verb", verb);
        ObjectNode user = event.putObject("user");
        user.put("username", username);
        user.put(
                "uid",
                UUID.nameUUIDFromBytes(username.getBytes(StandardCharsets.UTF_8))
                        .toString());
        ArrayNode groups = user.putArray("groups");
        if (username.startsWith("system:serviceaccount:")) {
            groups.add("system:serviceaccounts");
            groups.add("system:serviceaccounts:" + username.split(":")[2]);
        } else {
            groups.add("oidc:developers");
        }
        groups.add("system:authenticated");
        event.putArray("sourceIPs").add(sourceIp);
        event.put("userAgent", userAgent);
        ObjectNode ref = event.putObject("objectRef");
        ref.put("resource", resource);
        if (namespace != null) {
            ref.put("namespace", namespace);
        }
        if (name != null) {
            ref.put("name", name);
        }
        if (apiGroup != null) {
            ref.put("apiGroup", apiGroup);
        }
        ref.put("apiVersion", "v1");
        ObjectNode status = event.putObject("responseStatus");
        status.putObject("metadata");
        status.put("code", code);
        event.put("requestReceivedTimestamp", MICROS.format(received));
        event.put("stageTimestamp", MICROS.format(completed));
        event.putObject("annotations")
                .put("authorization.k8s.io/decision", "allow")
                .put(
                        "authorization.k8s.io/reason",
                        username.startsWith("system:serviceaccount:")
                                ? "RBAC: allowed by RoleBinding \"" + resource + "-reader\""
                                : "");
        return event;
    }

    private static String requestUri(String verb, String resource, String namespace, String name, String apiGroup) {
        StringBuilder uri = new StringBuilder(apiGroup == null ? "/api/v1" : "/apis/" + apiGroup + "/v1");
        if (namespace != null && !"namespaces".equals(resource)) {
            uri.append("/namespaces/").append(namespace);
        }
        uri.append('/').append(resource);
        if (name != null) {
            uri.append('/').append(name);
        }
        if ("watch".equals(verb)) {
            uri.append("?watch=true&resourceVersion=").append(48_213);
        } else if ("list".equals(verb)) {
            uri.append("?limit=500");
        }
        return uri.toString();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String nodeOf(DemoTopology.Peer preferred, DemoTopology.Peer fallback) {
        if (preferred instanceof DemoTopology.Pod pod) {
            return pod.node();
        }
        return ((DemoTopology.Pod) fallback).node();
    }

    private int ephemeralPort() {
        return 32768 + random.nextInt(60999 - 32768);
    }

    /* A version-4 UUID from the given randomness, so a seeded generator is reproducible. */
    private String uuid() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise a demo record", e);
        }
    }
}
