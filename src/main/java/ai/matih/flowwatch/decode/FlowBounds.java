package ai.matih.flowwatch.decode;

import static ai.matih.flowwatch.decode.InputBounds.MAX_ID_CHARS;
import static ai.matih.flowwatch.decode.InputBounds.MAX_LABELS;
import static ai.matih.flowwatch.decode.InputBounds.MAX_POLICIES;
import static ai.matih.flowwatch.decode.InputBounds.MAX_POLICY_NAME_BYTES;
import static ai.matih.flowwatch.decode.InputBounds.MAX_REPORTERS;
import static ai.matih.flowwatch.decode.InputBounds.MAX_TEXT_BYTES;
import static ai.matih.flowwatch.decode.InputBounds.MAX_TOKEN_CHARS;

import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.KubernetesNames;
import java.util.List;

/**
 * Holds a decoded {@link Flow} to the {@link InputBounds}, whichever format it came from: namespaces are DNS-1123
 * labels, pods, workloads and nodes DNS-1123 subdomains (a workload or display name may be a Calico aggregated
 * prefix such as {@code api-7d9f-*}), labels have the Kubernetes syntax and are bounded in count and bytes per
 * endpoint, IPs look like IPs, policy and reporter lists are bounded, and the verdict detail is clipped.
 *
 * <p>The decoders already check labels where they parse them ({@link InputBounds#checkLabels}), once per distinct
 * endpoint on the fast paths; {@link #check} checks them again, {@link #within} (the fast paths' test, which must
 * not allocate) only counts them. Everything else reads characters and allocates nothing.
 */
public final class FlowBounds {

    private FlowBounds() {}

    /**
     * The flow as flowwatch may keep it: {@code flow} itself when every field is within bounds, or a copy whose
     * free text is clipped.
     *
     * @throws DecodeException with the reason and a detail naming the field, when a name, label, IP or list is not
     *                         acceptable
     */
    public static Flow check(Flow flow) {
        return check(flow, true);
    }

    /**
     * True when {@link #check} would return {@code flow} itself (nothing to reject or clip), label syntax and bytes
     * aside: those were checked as the labels were parsed. Allocates nothing when true.
     */
    public static boolean within(Flow flow) {
        try {
            return check(flow, false) == flow;
        } catch (DecodeException e) {
            // the answer: a flow check would reject is not within the bounds (its caller takes the path that rejects)
            return false;
        }
    }

    private static Flow check(Flow flow, boolean labels) {
        endpoint(flow.source(), Side.SOURCE, labels);
        endpoint(flow.destination(), Side.DESTINATION, labels);
        String node = flow.node();
        if (node != null && !KubernetesNames.isNodeName(node)) {
            throw InputBounds.invalidName("node", "node name", node);
        }
        reporter(flow.reporter());
        policies(flow.policies());
        String id = flow.recordId();
        if (id != null && !KubernetesNames.isToken(id, MAX_ID_CHARS)) {
            throw InputBounds.invalidValue(
                    "record id",
                    "expected at most " + MAX_ID_CHARS + " characters of letters, digits, '-', '_', '.' and ':'",
                    id);
        }
        String detail = InputBounds.clip(flow.verdictDetail(), MAX_TEXT_BYTES);
        if (detail == flow.verdictDetail()) {
            return flow;
        }
        return new Flow(
                flow.format(),
                flow.time(),
                flow.intervalEnd(),
                flow.source(),
                flow.destination(),
                flow.protocol(),
                flow.port(),
                flow.sourcePort(),
                flow.observed(),
                flow.initiation(),
                flow.reporter(),
                flow.node(),
                flow.policies(),
                detail,
                flow.connections(),
                flow.recordId(),
                flow.side());
    }

    /** The field names of one end, built once (the happy path builds no string). */
    private enum Side {
        SOURCE("source"),
        DESTINATION("destination");

        final String namespace;
        final String pod;
        final String workload;
        final String name;
        final String ip;
        final String labels;

        Side(String side) {
            namespace = side + ".namespace";
            pod = side + ".pod";
            workload = side + ".workload";
            name = side + ".name";
            ip = side + ".ip";
            labels = side + ".labels";
        }
    }

    private static void endpoint(Endpoint e, Side side, boolean labels) {
        String namespace = e.namespace();
        if (namespace != null && !KubernetesNames.isDnsLabel(namespace)) {
            throw InputBounds.invalidName(
                    side.namespace, "namespace name (DNS-1123 label, 63 characters at most)", namespace);
        }
        String pod = e.pod();
        if (pod != null && !KubernetesNames.isDnsSubdomain(pod)) {
            throw InputBounds.invalidName(side.pod, "pod name (DNS-1123 subdomain, 253 characters at most)", pod);
        }
        String workload = e.workload();
        if (workload != null && !KubernetesNames.isNameOrPrefix(workload)) {
            throw InputBounds.invalidName(side.workload, "workload name (DNS-1123 subdomain or prefix)", workload);
        }
        String name = e.name();
        if (name != null && !KubernetesNames.isNameOrPrefix(name)) {
            throw InputBounds.invalidName(side.name, "endpoint name (DNS-1123 subdomain or prefix)", name);
        }
        String ip = e.ip();
        if (ip != null && !KubernetesNames.isIpText(ip)) {
            throw InputBounds.invalidValue(side.ip, "not an IP address", ip);
        }
        if (labels) {
            InputBounds.checkLabels(e.labels(), e.namespaceLabels(), side.labels);
        } else if (e.labels().size() + e.namespaceLabels().size() > MAX_LABELS) {
            throw InputBounds.tooManyLabels(
                    side.labels, e.labels().size() + e.namespaceLabels().size());
        }
    }

    private static void reporter(String reporter) {
        if (reporter == null) {
            return;
        }
        int parts = 0;
        int start = 0;
        while (start <= reporter.length()) {
            int comma = reporter.indexOf(',', start);
            int end = comma < 0 ? reporter.length() : comma;
            if (++parts > MAX_REPORTERS) {
                throw InputBounds.tooLarge("reporter", "more than " + MAX_REPORTERS + " reporters");
            }
            if (!isToken(reporter, start, end)) {
                throw InputBounds.invalidValue(
                        "reporter",
                        "expected reporters of at most " + MAX_TOKEN_CHARS + " letters, digits, '-' and '_'",
                        reporter);
            }
            start = end + 1;
        }
    }

    private static boolean isToken(String s, int from, int to) {
        if (to <= from || to - from > MAX_TOKEN_CHARS) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static void policies(List<String> policies) {
        if (policies.size() > MAX_POLICIES) {
            throw InputBounds.tooLarge(
                    "policies", policies.size() + " policies, more than the " + MAX_POLICIES + " kept");
        }
        for (int i = 0; i < policies.size(); i++) {
            String policy = policies.get(i);
            if (policy.length() > MAX_POLICY_NAME_BYTES) {
                throw InputBounds.tooLarge(
                        "policies[" + i + "]",
                        "a name of " + policy.length() + " characters, more than " + MAX_POLICY_NAME_BYTES);
            }
            if (!InputBounds.isPrintableAscii(policy, MAX_POLICY_NAME_BYTES)) {
                throw InputBounds.invalidName("policies[" + i + "]", "policy name (printable ASCII)", policy);
            }
        }
    }
}
