package ai.matih.flowwatch.api;

import ai.matih.flowwatch.flow.KubernetesNames;
import ai.matih.flowwatch.flow.Text;
import ai.matih.flowwatch.topology.ManifestException;
import ai.matih.flowwatch.topology.ManifestLoader;
import ai.matih.flowwatch.topology.NamespaceInfo;
import ai.matih.flowwatch.topology.Role;
import ai.matih.flowwatch.topology.TenancyRules;
import ai.matih.flowwatch.topology.Topology;
import ai.matih.flowwatch.topology.TopologyChange;
import ai.matih.flowwatch.topology.TopologyHolder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the body of {@code POST /api/v1/policy/impact} into topology changes, and checks the caller may make them: a
 * tenant-scoped caller only changes namespaces named after its tenant ({@code matih-data-plane-<tenant>}), and may
 * not relabel one into another tenant's (403, as the evaluation answers a connection outside its scope).
 */
final class ImpactChanges {

    /** The most policies a request may delete. */
    static final int MAX_DELETED = 1_000;

    private static final int MAX_DETAIL_BYTES = 1024;

    private final TopologyHolder topology;
    private final ObjectMapper mapper;

    ImpactChanges(TopologyHolder topology, ObjectMapper mapper) {
        this.topology = topology;
        this.mapper = mapper;
    }

    /** The changes of this body, or a {@link ProblemException} saying what is wrong with it. */
    List<TopologyChange> read(byte[] body, Caller caller) {
        ImpactRequest request = parse(body);
        List<ImpactRequest.PolicyRef> deleted = request.deleted() == null ? List.of() : request.deleted();
        String manifests = request.manifests() == null ? "" : request.manifests();
        if (manifests.isBlank() && deleted.isEmpty()) {
            throw WhatIf.field(
                    "manifests",
                    "a change is required: manifests (NetworkPolicy and Namespace documents)" + " or deleted policies");
        }
        if (Text.utf8Length(manifests) > WhatIf.MAX_MANIFEST_BYTES) {
            throw WhatIf.field("manifests", "manifests are larger than " + WhatIf.MAX_MANIFEST_BYTES + " bytes");
        }
        if (deleted.size() > MAX_DELETED) {
            throw WhatIf.field("deleted", "at most " + MAX_DELETED + " policies may be deleted per request");
        }
        Instant now = Instant.now();
        TenancyRules rules = topology.current().rules();
        List<TopologyChange> changes = new ArrayList<>();
        for (int i = 0; i < deleted.size(); i++) {
            ImpactRequest.PolicyRef ref = deleted.get(i);
            String at = "deleted[" + i + "]";
            if (ref == null) {
                throw WhatIf.field(at, at + " must be {\"namespace\",\"name\"}");
            }
            if (ref.namespace() == null || !KubernetesNames.isDnsLabel(ref.namespace())) {
                throw WhatIf.field(
                        at + ".namespace",
                        at + ".namespace '" + Parameters.shown(ref.namespace())
                                + "' is not a namespace name (at most 63 lower-case letters, digits and '-')");
            }
            if (ref.name() == null || !KubernetesNames.isDnsSubdomain(ref.name())) {
                throw WhatIf.field(
                        at + ".name",
                        at + ".name '" + Parameters.shown(ref.name())
                                + "' is not a NetworkPolicy name (at most 253 lower-case letters, digits, '-' and '.')");
            }
            scope(caller, rules, ref.namespace(), at);
            changes.add(new TopologyChange.PolicyDeleted(ref.namespace(), ref.name(), now));
        }
        if (!manifests.isBlank()) {
            ManifestLoader.Result parsed;
            try {
                parsed = topology.loader().parse(manifests, "manifests");
            } catch (ManifestException e) {
                throw WhatIf.field("manifests", Text.clip(e.getMessage(), MAX_DETAIL_BYTES));
            }
            Topology t = parsed.topology();
            if (!parsed.ignoredKinds().isEmpty()
                    || !t.podsByName().isEmpty()
                    || !t.egressExceptions().isEmpty()) {
                throw WhatIf.field(
                        "manifests",
                        "manifests may hold only NetworkPolicy and Namespace documents (a change to policies and"
                                + " namespace labels)");
            }
            for (NamespaceInfo ns : t.namespaces().values()) {
                if (parsed.undeclaredNamespaces().contains(ns.name())) {
                    continue;
                }
                scope(caller, rules, ns.name(), "manifests");
                if (!caller.admin()) {
                    NamespaceInfo relabelled = rules.describe(ns.name(), ns.labels(), true);
                    if (relabelled.role() != Role.TENANT || !caller.tenant().equals(relabelled.tenant())) {
                        throw caller.outsideScope(
                                "manifests", "manifests: namespace " + ns.name() + " would no longer be your tenant's");
                    }
                }
                changes.add(new TopologyChange.NamespaceLabels(ns.name(), ns.labels(), now));
            }
            for (NetworkPolicy p : t.networkPolicies()) {
                scope(caller, rules, p.getMetadata().getNamespace(), "manifests");
                changes.add(new TopologyChange.PolicyUpserted(p, now));
            }
        }
        return changes;
    }

    private ImpactRequest parse(byte[] body) {
        try {
            ImpactRequest request =
                    body == null || body.length == 0 ? null : mapper.readValue(body, ImpactRequest.class);
            if (request == null) {
                throw WhatIf.field("body", "a JSON object with 'manifests' and/or 'deleted' is required");
            }
            return request;
        } catch (JsonProcessingException e) {
            throw WhatIf.invalidBody(e);
        } catch (IOException e) {
            throw WhatIf.unreadableBody();
        }
    }

    /** A tenant-scoped caller changes only namespaces whose name makes them its tenant's. */
    private static void scope(Caller caller, TenancyRules rules, String namespace, String at) {
        if (caller.admin()) {
            return;
        }
        NamespaceInfo ns = rules.describe(namespace, Map.of(), false);
        if (ns.role() != Role.TENANT || !caller.tenant().equals(ns.tenant())) {
            throw caller.outsideScope(
                    at,
                    at + ": namespace " + namespace + " is not named after your tenant ("
                            + rules.namespacePattern().pattern() + ")");
        }
    }
}
