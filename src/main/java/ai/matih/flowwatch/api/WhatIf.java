package ai.matih.flowwatch.api;

import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.Text;
import ai.matih.flowwatch.policy.CniProfile;
import ai.matih.flowwatch.policy.Connection;
import ai.matih.flowwatch.policy.PodKnowledge;
import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.policy.PolicyEngine;
import ai.matih.flowwatch.topology.ManifestException;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyHolder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import inet.ipaddr.IPAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the what-if evaluation, from the request's bytes to the answer's: every check that costs little comes
 * before the manifests are parsed, the work (connections × NetworkPolicies) is bounded before any connection is
 * judged, and the answer is written result by result into a buffer that refuses to grow beyond its bound. Runs on
 * the evaluation pool, one thread per run.
 */
final class WhatIf {

    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    static final int MAX_CONNECTIONS = 10_000;
    private static final int MAX_IP_CHARS = 64;
    static final int MAX_POD_CIDRS = 64;
    private static final int MAX_DETAIL_BYTES = 1024;

    private final TopologyHolder topology;
    private final ObjectMapper mapper;
    private final ApiConfig.Evaluate limits;

    WhatIf(TopologyHolder topology, ObjectMapper mapper, ApiConfig.Evaluate limits) {
        this.topology = topology;
        this.mapper = mapper;
        this.limits = limits;
    }

    /** The JSON answer to this body, or a {@link ProblemException} saying what is wrong with it. */
    byte[] run(byte[] body, Caller caller, boolean full) {
        EvaluateRequest request = read(body);
        List<EvaluateRequest.ConnectionSpec> connections = check(request, caller);
        CniProfile profile = profile(request.cni());
        PodKnowledge pods = pods(request.podCidrs());
        Topology parsed;
        try {
            parsed = topology.loader().parse(request.manifests(), "manifests").topology();
        } catch (ManifestException e) {
            throw field("manifests", Text.clip(e.getMessage(), MAX_DETAIL_BYTES));
        }
        long policies = Math.max(1, parsed.networkPolicies().size());
        long work = policies * connections.size();
        if (work > limits.maxWork()) {
            throw new ProblemException(
                    422,
                    "Too much work",
                    connections.size() + " connections × " + policies
                            + " NetworkPolicies is " + work + " evaluations; at most " + limits.maxWork()
                            + " are done per request: send the connections in several requests",
                    "connections");
        }
        PolicyEngine engine = PolicyEngine.compile(parsed, profile);
        if (!engine.problems().isEmpty()) {
            throw field(
                    "manifests",
                    Text.clip("invalid NetworkPolicy: " + engine.problems().get(0), MAX_DETAIL_BYTES));
        }
        EvaluateResponse.Detail detail = full
                ? EvaluateResponse.Detail.FULL
                : new EvaluateResponse.Detail(limits.listItems(), limits.textChars());
        return write(parsed, pods, engine, connections, detail, full);
    }

    private EvaluateRequest read(byte[] body) {
        try {
            EvaluateRequest request =
                    body == null || body.length == 0 ? null : mapper.readValue(body, EvaluateRequest.class);
            if (request == null) {
                throw field("body", "a JSON object with 'manifests' and 'connections' is required");
            }
            return request;
        } catch (JsonProcessingException e) {
            if (tooManyConnections(e)) {
                throw tooManyConnections();
            }
            throw invalidBody(e);
        } catch (IOException e) {
            throw unreadableBody();
        }
    }

    /** The 400 for a request body that is not valid JSON, with the parser's first line of why. */
    static ProblemException invalidBody(JsonProcessingException e) {
        String why = e.getOriginalMessage() == null
                ? ""
                : ": "
                        + Parameters.shown(
                                e.getOriginalMessage().lines().findFirst().orElse(""));
        return new ProblemException(400, "Invalid request body", "the request body is not valid JSON" + why, "body");
    }

    /** The 400 for a request body that cannot be read. */
    static ProblemException unreadableBody() {
        return new ProblemException(400, "Invalid request body", "the request body cannot be read", "body");
    }

    /** Everything about the request that can be checked without parsing the manifests, scope included. */
    private List<EvaluateRequest.ConnectionSpec> check(EvaluateRequest request, Caller caller) {
        if (request.manifests() == null) {
            throw field("manifests", "manifests (multi-document YAML) is required");
        }
        if (Text.utf8Length(request.manifests()) > MAX_MANIFEST_BYTES) {
            throw field("manifests", "manifests are larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        List<EvaluateRequest.ConnectionSpec> connections = request.connections();
        if (connections == null || connections.isEmpty()) {
            throw field("connections", "at least one connection is required");
        }
        if (connections.size() > MAX_CONNECTIONS) {
            throw tooManyConnections();
        }
        for (int i = 0; i < connections.size(); i++) {
            EvaluateRequest.ConnectionSpec spec = connections.get(i);
            String at = "connections[" + i + "]";
            if (spec == null) {
                throw field(at, "a connection object is required");
            }
            shape(spec.source(), at + ".source");
            shape(spec.destination(), at + ".destination");
            port(spec.port(), protocol(spec.protocol(), at + ".protocol"), at + ".port");
            if (!caller.admin()
                    && !named(caller.tenant(), spec.source())
                    && !named(caller.tenant(), spec.destination())) {
                throw caller.outsideScope(
                        at,
                        at + ": neither end is a pod in a namespace named after your tenant ("
                                + topology.current().rules().namespacePattern().pattern() + ")");
            }
        }
        return connections;
    }

    /**
     * Every pod is in the manifests; the declared pod CIDRs (each a CIDR, at most {@link #MAX_POD_CIDRS}) are where a
     * pod they leave out may be.
     */
    static PodKnowledge pods(List<String> podCidrs) {
        if (podCidrs == null) {
            return PodKnowledge.complete(List.of());
        }
        if (podCidrs.size() > MAX_POD_CIDRS) {
            throw field("podCidrs", "at most " + MAX_POD_CIDRS + " pod CIDRs per request");
        }
        List<IPAddress> cidrs = new ArrayList<>(podCidrs.size());
        for (int i = 0; i < podCidrs.size(); i++) {
            String text = podCidrs.get(i);
            IPAddress cidr = text == null || text.length() > MAX_IP_CHARS ? null : PodKnowledge.cidr(text);
            if (cidr == null) {
                String at = "podCidrs[" + i + "]";
                throw field(
                        at, at + " '" + Parameters.shown(text) + "' is not a CIDR (an address and a prefix length)");
            }
            cidrs.add(cidr);
        }
        return PodKnowledge.complete(cidrs);
    }

    private byte[] write(
            Topology parsed,
            PodKnowledge pods,
            PolicyEngine engine,
            List<EvaluateRequest.ConnectionSpec> connections,
            EvaluateResponse.Detail detail,
            boolean full) {
        BoundedOutput out = new BoundedOutput(limits.maxResponseBytes());
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("results");
            for (int i = 0; i < connections.size(); i++) {
                EvaluateRequest.ConnectionSpec spec = connections.get(i);
                String at = "connections[" + i + "]";
                Protocol protocol = protocol(spec.protocol(), at + ".protocol");
                Connection c = new Connection(
                        endpoint(parsed, spec.source(), at + ".source", pods),
                        endpoint(parsed, spec.destination(), at + ".destination", pods),
                        protocol,
                        port(spec.port(), protocol, at + ".port"));
                mapper.writeValue(json, EvaluateResponse.Result.of(engine.evaluate(c), detail));
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (ProblemException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (!out.overflowed) {
                throw new IllegalStateException("writing the answer failed", e);
            }
        }
        if (out.overflowed) {
            throw new ProblemException(
                    422,
                    "Answer too large",
                    "the answer would be larger than "
                            + limits.maxResponseBytes() + " bytes"
                            + (full
                                    ? ": ask without detail=full (lists then show their first " + limits.listItems()
                                            + " items and their counts) or for fewer connections"
                                    : ": send the connections in several requests"),
                    full ? "detail" : "connections");
        }
        return out.toByteArray();
    }

    /** True when the endpoint is a pod in a namespace whose name makes it this tenant's (labels do not count). */
    private boolean named(String tenant, EvaluateRequest.EndpointSpec spec) {
        if (spec == null || spec.namespace() == null) {
            return false;
        }
        TenancyRules rules = topology.current().rules();
        NamespaceInfo ns = rules.describe(spec.namespace(), Map.of(), false);
        return ns.role() == Role.TENANT && tenant.equals(ns.tenant());
    }

    /** The endpoint's fields are what Kubernetes would accept, and one of pod or ip. */
    static void shape(EvaluateRequest.EndpointSpec spec, String at) {
        if (spec == null) {
            throw field(at, at + " is required: {\"namespace\",\"pod\"} or {\"ip\"}");
        }
        boolean hasPod = spec.namespace() != null || spec.pod() != null;
        if (hasPod && spec.ip() != null) {
            throw field(at, at + " names both a pod and an ip: give one");
        }
        if (hasPod) {
            if (spec.namespace() == null || spec.pod() == null) {
                throw field(at, at + " needs both namespace and pod");
            }
            if (!KubernetesNames.isDnsLabel(spec.namespace())) {
                throw field(
                        at + ".namespace",
                        at + ".namespace '" + Parameters.shown(spec.namespace())
                                + "' is not a namespace name (at most 63 lower-case letters, digits and '-')");
            }
            if (!KubernetesNames.isDnsSubdomain(spec.pod())) {
                throw field(
                        at + ".pod",
                        at + ".pod '" + Parameters.shown(spec.pod())
                                + "' is not a pod name (at most 253 lower-case letters, digits, '-' and '.')");
            }
        } else if (spec.ip() == null || spec.ip().length() > MAX_IP_CHARS || Topology.parseIp(spec.ip()) == null) {
            throw field(at, at + ".ip '" + Parameters.shown(spec.ip()) + "' is not an IP address");
        }
    }

    static PolicyEndpoint endpoint(Topology t, EvaluateRequest.EndpointSpec spec, String at, PodKnowledge pods) {
        shape(spec, at);
        if (spec.ip() == null) {
            PolicyEndpoint.Pod pod = PolicyEndpoint.resolve(t, spec.namespace(), spec.pod());
            if (pod == null) {
                throw field(
                        at,
                        at + ": pod " + spec.namespace() + "/" + spec.pod()
                                + " is not among the Pods of the manifests");
            }
            return pod;
        }
        return PolicyEndpoint.resolve(t, spec.ip(), pods);
    }

    /** A protocol name (TCP, UDP, SCTP, ICMP, ICMPv6, GRE, ESP, AH...) or IANA number 0-255; TCP when absent. */
    static Protocol protocol(String text, String at) {
        if (text == null) {
            return Protocol.TCP;
        }
        Protocol p = Protocol.parse(text);
        if (p == null) {
            throw field(
                    at,
                    at + " '" + Parameters.shown(text)
                            + "' is not a protocol: TCP, UDP, SCTP, ICMP, ICMPv6, GRE, ESP, AH or a number 0-255");
        }
        return p;
    }

    /** A port 1-65535, or -1 when absent; a protocol without ports (ICMP...) takes none. */
    static int port(Integer port, Protocol protocol, String at) {
        if (port == null) {
            return -1;
        }
        if (!protocol.hasPorts()) {
            throw field(at, at + " " + port + ": " + protocol + " has no ports; omit port");
        }
        if (port < 1 || port > 65535) {
            throw field(at, at + " " + port + " is not a port (1-65535)");
        }
        return port;
    }

    static CniProfile profile(String cni) {
        if (cni == null) {
            return CniProfile.CONFORMANCE;
        }
        return switch (cni) {
            case "conformance" -> CniProfile.CONFORMANCE;
            case "ipblock-ignores-pod-ips" -> CniProfile.IPBLOCK_IGNORES_POD_IPS;
            case "unknown" -> CniProfile.UNKNOWN;
            default ->
                throw field(
                        "cni",
                        "cni '" + Parameters.shown(cni)
                                + "' is not one of conformance, ipblock-ignores-pod-ips, unknown");
        };
    }

    private static boolean tooManyConnections(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BoundedConnections.TooMany) {
                return true;
            }
        }
        return false;
    }

    private static ProblemException tooManyConnections() {
        return field("connections", "at most " + MAX_CONNECTIONS + " connections per request");
    }

    static ProblemException field(String field, String detail) {
        return new ProblemException(400, "Invalid request", detail, field);
    }

    /** A byte buffer that fails the write that would take it beyond its bound, and remembers that it did. */
    private static final class BoundedOutput extends ByteArrayOutputStream {

        private final int max;
        boolean overflowed;

        BoundedOutput(int max) {
            super(Math.min(max, 64 * 1024));
            this.max = max;
        }

        @Override
        public synchronized void write(int b) {
            room(1);
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            room(len);
            super.write(b, off, len);
        }

        private void room(int len) {
            if (count + (long) len > max) {
                overflowed = true;
                throw new UncheckedOverflow();
            }
        }
    }

    /** Thrown through Jackson by a full {@link BoundedOutput}. */
    private static final class UncheckedOverflow extends RuntimeException {
        UncheckedOverflow() {
            super("answer too large", null, false, false);
        }
    }
}
