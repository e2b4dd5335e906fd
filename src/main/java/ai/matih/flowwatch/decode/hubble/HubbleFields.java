package ai.matih.flowwatch.decode.hubble;

import ai.matih.flowwatch.decode.DecodeException;
import ai.matih.flowwatch.decode.json.JsonFields;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.ObservationSide;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one Hubble flow that classification uses, as read by either reader (the tree reader of
 * {@link HubbleDecoder} or the streaming {@link HubbleFastPath}), and the one place that turns them into a
 * {@link Flow}: both readers share the semantics because they share this. Mutable, confined to one decoding call.
 */
final class HubbleFields {

    /** The protocol objects {@code l4} may hold, as Hubble names them. */
    static final String L4_NAMES = "TCP, UDP, SCTP, ICMPv4, ICMPv6, VRRP, IGMP";

    Instant time;
    /** {@code flow.time} as written (the exporter repeats it in the wrapper: parsed once). */
    String timeText;

    Instant wrapperTime;
    String wrapperNode;
    String verdict;
    String dropReason;
    String type;
    long eventType;
    long eventSubType;
    String sourceIp;
    String destinationIp;
    /** Endpoints as the record describes them, without their IP (taken from {@code flow.IP}). */
    Endpoint source;

    Endpoint destination;
    Protocol protocol = Protocol.UNKNOWN;
    int sourcePort = -1;
    int destinationPort = -1;
    /** ICMP type and code (0-255), or -1 when absent or not ICMP. */
    int icmpType = -1;

    int icmpCode = -1;
    boolean syn;
    boolean ack;
    Boolean isReply;
    String traceReason;
    String observationPoint;
    String node;
    final List<String> policies = new ArrayList<>(0);
    long connections = 1;
    String uuid;
    String trafficDirection;

    Flow toFlow() {
        Instant at = time != null ? time : wrapperTime;
        if (at == null) {
            throw DecodeException.missing("flow.time");
        }
        Observed observed;
        String detail;
        if (verdict == null) {
            observed = Observed.UNKNOWN;
            detail = "no verdict";
        } else {
            switch (verdict) {
                case "FORWARDED", "REDIRECTED" -> {
                    observed = Observed.ALLOWED;
                    detail = verdict;
                }
                case "AUDIT" -> {
                    observed = Observed.AUDIT;
                    detail = "AUDIT: would be denied by policy";
                }
                case "DROPPED" -> {
                    if ("POLICY_DENIED".equals(dropReason)
                            || "POLICY_DENY".equals(dropReason)
                            || "AUTH_REQUIRED".equals(dropReason)) {
                        observed = Observed.DENIED;
                        detail = "DROPPED " + dropReason;
                    } else if ("L7".equals(type)) {
                        observed = Observed.DENIED;
                        detail = "DROPPED by L7 policy";
                    } else if (dropReason == null && eventType == 1 && isPolicyDropCode(eventSubType)) {
                        // a drop event names its reason in sub_type when drop_reason_desc is masked out
                        observed = Observed.DENIED;
                        detail = "DROPPED policy drop code " + eventSubType;
                    } else if (eventType == 5) {
                        observed = Observed.DENIED;
                        detail = "DROPPED by policy verdict" + (dropReason == null ? "" : " " + dropReason);
                    } else {
                        observed = Observed.UNKNOWN;
                        detail = "DROPPED " + (dropReason == null ? "without reason" : JsonFields.clip(dropReason))
                                + " (datapath, not policy)";
                    }
                }
                default -> {
                    observed = Observed.UNKNOWN;
                    detail = JsonFields.clip(verdict) + " (no policy verdict)";
                }
            }
        }

        if (icmpType >= 0) {
            detail = detail + "; " + (protocol == Protocol.ICMP ? "ICMPv4" : "ICMPv6") + " type " + icmpType
                    + (icmpCode >= 0 ? " code " + icmpCode : "");
        }
        Initiation initiation;
        if (isReply != null) {
            initiation = isReply ? Initiation.REPLY : Initiation.INITIATING;
        } else if ("REPLY".equals(traceReason)) {
            initiation = Initiation.REPLY;
        } else if ("NEW".equals(traceReason)) {
            initiation = Initiation.INITIATING;
        } else if (syn && !ack) {
            initiation = Initiation.INITIATING;
        } else if (syn) {
            initiation = Initiation.REPLY;
        } else if (icmpEcho(true)) {
            initiation = Initiation.INITIATING;
        } else if (icmpEcho(false)) {
            initiation = Initiation.REPLY;
        } else {
            initiation = Initiation.UNKNOWN;
        }

        String reporter = observationPoint;
        if (reporter == null || reporter.isEmpty()) {
            reporter = eventTypeName(eventType, type);
        }
        String reportingNode = node == null || node.isEmpty() ? wrapperNode : node;
        Endpoint from = source == null ? Endpoint.unknown(sourceIp) : source.withIp(sourceIp);
        Endpoint to = destination == null ? Endpoint.unknown(destinationIp) : destination.withIp(destinationIp);
        return new Flow(
                SourceFormat.HUBBLE,
                at,
                at,
                from,
                to,
                protocol,
                destinationPort,
                sourcePort,
                observed,
                initiation,
                reporter,
                blankToNull(reportingNode),
                policies,
                detail,
                connections,
                blankToNull(uuid),
                side(trafficDirection, reporter));
    }

    /** The protocol of an {@code l4} member, by its name; null for a name Hubble does not use. */
    static Protocol l4Protocol(String name) {
        return switch (name) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            case "ICMPv4" -> Protocol.ICMP;
            case "ICMPv6" -> Protocol.ICMPV6;
            case "VRRP" -> Protocol.VRRP;
            case "IGMP" -> Protocol.IGMP;
            default -> null;
        };
    }

    /** An ICMP type or code as kept: 0-255, else -1 (absent or out of range). */
    static int icmpField(long value) {
        return value >= 0 && value <= 255 ? (int) value : -1;
    }

    /** An echo request ({@code request}) or echo reply: ICMPv4 types 8 and 0, ICMPv6 types 128 and 129. */
    private boolean icmpEcho(boolean request) {
        if (protocol == Protocol.ICMP) {
            return icmpType == (request ? 8 : 0);
        }
        return protocol == Protocol.ICMPV6 && icmpType == (request ? 128 : 129);
    }

    /** Policy drop reasons (pkg/monitor/api/drop.go): 133 policy denied, 181 deny rule, 189 auth required. */
    private static boolean isPolicyDropCode(long code) {
        return code == 133 || code == 181 || code == 189;
    }

    /**
     * Where the event was observed: an ingress event (or delivery to the endpoint) is at the destination; an
     * egress event is at the source, as the packet left it.
     */
    private static ObservationSide side(String trafficDirection, String observationPoint) {
        if ("TO_ENDPOINT".equals(observationPoint) || "INGRESS".equals(trafficDirection)) {
            return ObservationSide.DESTINATION;
        }
        if ("EGRESS".equals(trafficDirection)) {
            return ObservationSide.SOURCE;
        }
        return ObservationSide.UNKNOWN;
    }

    private static String eventTypeName(long type, String l7Type) {
        if ("L7".equals(l7Type)) {
            return "l7";
        }
        return switch ((int) type) {
            case 0 -> null;
            case 1 -> "drop";
            case 2 -> "debug";
            case 3 -> "capture";
            case 4 -> "trace";
            case 5 -> "policy-verdict";
            case 6 -> "recorder";
            case 7 -> "trace-sock";
            case 129 -> "l7";
            default -> "type-" + type;
        };
    }

    static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
