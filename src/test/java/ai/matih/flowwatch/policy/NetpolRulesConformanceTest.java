package ai.matih.flowwatch.policy;

import static ai.matih.flowwatch.policy.NetpolModel.policy;
import static ai.matih.flowwatch.policy.PolicyVerdict.ALLOW;
import static ai.matih.flowwatch.policy.PolicyVerdict.DENY;
import static ai.matih.flowwatch.policy.PolicyVerdict.INDETERMINATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case (or more) per rule R* and per pitfall of {@code docs/networkpolicy-semantics.md}, plus its §12 divergences
 * of other evaluators, on the x/y/z × a/b/c model and a few extra pods ({@link #EXTRA}). Connection specs: see
 * {@link Endpoints}.
 */
class NetpolRulesConformanceTest {

    /**
     * Extra pods: a namespace without the {@code ns} label; a hostNetwork pod in x on node-2 (node IP 192.168.0.2);
     * a pod in z carrying the pod label {@code ns=y}; a pod with {@code env=""} and no {@code pod} label; a pod whose
     * two containers both name a port {@code web}; a pod declaring a port named {@code only-here}; a dual-stack pod;
     * a pod in the undeclared namespace {@code default}.
     */
    static final String EXTRA = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: nolabel}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: nolabel, labels: {pod: p}}
            spec: {nodeName: node-9, containers: [{name: c, image: i}]}
            status: {podIP: 10.0.9.1}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: host, namespace: x, labels: {pod: host}}
            spec: {nodeName: node-2, hostNetwork: true, containers: [{name: c, image: i}]}
            status: {podIP: 192.168.0.2}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: liar, namespace: z, labels: {ns: y, pod: liar}}
            spec: {nodeName: node-3, containers: [{name: c, image: i}]}
            status: {podIP: 10.0.3.9}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: env-empty, namespace: x, labels: {env: ""}}
            spec: {nodeName: node-1, containers: [{name: c, image: i}]}
            status: {podIP: 10.0.1.20}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: twin, namespace: x, labels: {pod: twin}}
            spec:
              nodeName: node-1
              containers:
                - {name: one, image: i, ports: [{name: web, containerPort: 8080}]}
                - {name: two, image: i, ports: [{name: web, containerPort: 9090}]}
            status: {podIP: 10.0.1.21}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: only-here, namespace: x, labels: {pod: only-here}}
            spec: {nodeName: node-1, containers: [{name: c, image: i, ports: [{name: only-here, containerPort: 7000}]}]}
            status: {podIP: 10.0.1.22}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: dual, namespace: x, labels: {pod: dual}}
            spec: {nodeName: node-1, containers: [{name: c, image: i}]}
            status: {podIP: 10.0.1.30, podIPs: [{ip: 10.0.1.30}, {ip: "fd00::30"}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: d, namespace: default, labels: {pod: d}}
            spec: {nodeName: node-1, containers: [{name: c, image: i}]}
            status: {podIP: 10.0.0.4}
            ---
            """;

    static final String DENY_X = policy("x", "deny", "podSelector: {}\n");

    static Stream<Arguments> rules() {
        List<Arguments> cases = new ArrayList<>();
        // R1 isolation
        String aOnly = policy("x", "deny-a", "podSelector: {matchLabels: {pod: a}}\n");
        add(
                cases,
                "R1.1 a policy never isolates a same-labelled pod of another namespace",
                "z/b > y/a tcp/80",
                ALLOW,
                aOnly);
        add(cases, "R1.1 podSelector isolates matching pods of its namespace", "z/b > x/a tcp/80", DENY, aOnly);
        add(cases, "R1.1 podSelector leaves non-matching pods alone", "z/b > x/b tcp/80", ALLOW, aOnly);
        add(
                cases,
                "R1.1 omitted podSelector selects every pod of the namespace",
                "y/a > x/b tcp/80",
                DENY,
                policy("x", "no-selector", "policyTypes: [Ingress]\n"));
        String egressTypeOnly = policy("x", "egress-type", "podSelector: {}\npolicyTypes: [Egress]\n");
        add(
                cases,
                "R1.2 no isolation for ingress when Ingress is not in policyTypes",
                "y/a > x/a tcp/80",
                ALLOW,
                egressTypeOnly);
        add(cases, "R1.2 isolation for egress when Egress is in policyTypes", "x/a > y/a tcp/80", DENY, egressTypeOnly);
        add(cases, "R1.3 a pod no policy selects is non-isolated: anything goes", "ext:8.8.8.8 > x/a udp/9999", ALLOW);
        add(cases, "R1.4 an ingress-only policy does not isolate egress", "x/a > y/a tcp/80", ALLOW, DENY_X);
        add(cases, "R1.4 an egress-only policy does not isolate ingress", "z/a > x/b tcp/80", ALLOW, egressTypeOnly);
        String nobody = policy("x", "nobody", "podSelector: {matchLabels: {pod: nobody}}\n");
        add(cases, "R1.5 a policy that selects no pod has no effect", "y/a > x/a tcp/80", ALLOW, nobody);
        add(
                cases,
                "R1.5 a pod that gets matching labels becomes isolated",
                "y/a > x/a{pod=nobody} tcp/80",
                DENY,
                nobody);
        add(cases, "R1.6 pitfall: a policy in x never isolates pods in y", "z/a > y/a tcp/80", ALLOW, DENY_X);
        add(
                cases,
                "R1.6 a policy in x can still name pods of y as peers",
                "y/a > x/b tcp/80",
                ALLOW,
                policy("x", "from-y-a", """
                        podSelector: {}
                        ingress:
                          - from:
                              - {namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: a}}}
                        """));
        // R2 policyTypes defaulting, empty vs missing
        add(
                cases,
                "R2.1 pitfall: egress-only manifest without policyTypes also denies ingress",
                "y/a > x/a tcp/80",
                DENY,
                policy("x", "egress-rules", "podSelector: {}\negress:\n  - {}\n"));
        String egressToB = policy("x", "a-to-b", """
                podSelector: {matchLabels: {pod: a}}
                egress:
                  - to:
                      - podSelector: {matchLabels: {pod: b}}
                """);
        add(
                cases,
                "R2.1 egress rules without policyTypes add Egress: a peer outside the rules is denied",
                "x/a > x/c tcp/80",
                DENY,
                egressToB);
        add(
                cases,
                "R2.1 egress rules without policyTypes add Egress: the rule's peer is allowed",
                "x/a > x/b tcp/80",
                ALLOW,
                egressToB);
        add(
                cases,
                "R2.1 pitfall: no rules and no policyTypes is a default-deny ingress",
                "y/a > x/a tcp/80",
                DENY,
                DENY_X);
        add(cases, "R2.1 pitfall: no rules and no policyTypes leaves egress open", "x/a > y/a tcp/80", ALLOW, DENY_X);
        String emptyEgress = policy("x", "empty-egress", "podSelector: {}\negress: []\n");
        add(
                cases,
                "R2.1 pitfall: egress: [] without policyTypes does not deny egress",
                "x/a > y/a tcp/80",
                ALLOW,
                emptyEgress);
        add(
                cases,
                "R2.1 pitfall: egress: [] without policyTypes is an ingress deny-all",
                "y/a > x/a tcp/80",
                DENY,
                emptyEgress);
        add(
                cases,
                "R2.1 defaulted input (policyTypes given) is read as is",
                "x/a > y/a tcp/80",
                DENY,
                policy("x", "both", "podSelector: {}\npolicyTypes: [Ingress, Egress]\n"));
        add(
                cases,
                "R2.2 ingress rules are ignored when policyTypes is [Egress]",
                "y/a > x/a tcp/80",
                ALLOW,
                policy("x", "egress-only", """
                        podSelector: {}
                        policyTypes: [Egress]
                        ingress:
                          - from:
                              - podSelector: {matchLabels: {pod: b}}
                        egress:
                          - {}
                        """));
        add(
                cases,
                "R2.2 egress rules are ignored when policyTypes is [Ingress]",
                "x/a > y/a tcp/80",
                ALLOW,
                policy("x", "ingress-only", """
                        podSelector: {}
                        policyTypes: [Ingress]
                        ingress:
                          - {}
                        egress:
                          - to:
                              - ipBlock: {cidr: 1.2.3.4/32}
                        """));
        add(
                cases,
                "R2.3 pitfall: ingress: [] with Ingress listed allows nothing (not allow-all, §12.3)",
                "x/b > x/a tcp/80",
                DENY,
                policy("x", "empty", "podSelector: {}\npolicyTypes: [Ingress]\ningress: []\n"));
        add(
                cases,
                "R2.3 egress: [] with Egress listed is an egress deny-all",
                "x/a > ext:8.8.8.8 udp/53",
                DENY,
                policy("x", "empty", "podSelector: {}\npolicyTypes: [Egress]\negress: []\n"));
        add(
                cases,
                "R2.4 ingress: [{}] allows external sources on any port and protocol",
                "ext:8.8.8.8 > x/a sctp/9999",
                ALLOW,
                DENY_X,
                policy("x", "allow-all", "podSelector: {}\ningress:\n  - {}\n"));
        add(
                cases,
                "R2.4 egress: [{}] allows everything out",
                "x/a > ext:1.1.1.1 udp/1234",
                ALLOW,
                policy("x", "allow-all", "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - {}\n"));
        // R3 combination
        add(cases, "R3.1 rules of one policy are ORed", "z/c > x/a tcp/80", ALLOW, policy("x", "or", """
                podSelector: {}
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: b}}}]
                  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
                """));
        String bOn80 = policy("x", "b-on-80", """
                podSelector: {}
                ingress:
                  - from: [{podSelector: {matchLabels: {pod: b}}}]
                    ports: [{port: 80}]
                """);
        add(cases, "R3.2 a rule needs ports AND peers: right peer, wrong port", "x/b > x/a tcp/81", DENY, bOn80);
        add(cases, "R3.2 a rule needs ports AND peers: right port, wrong peer", "x/c > x/a tcp/80", DENY, bOn80);
        add(cases, "R3.2 a rule needs ports AND peers: both match", "x/b > x/a tcp/80", ALLOW, bOn80);
        add(
                cases,
                "R3.3 a rule without ports matches every port and protocol",
                "x/b > x/a udp/4444",
                ALLOW,
                policy(
                        "x",
                        "from-b",
                        "podSelector: {}\ningress:\n  - from: [{podSelector: {matchLabels: {pod: b}}}]\n"));
        add(
                cases,
                "R3.4 a rule without from matches external sources",
                "ext:203.0.113.5 > x/a tcp/80",
                ALLOW,
                policy("x", "port-80", "podSelector: {}\ningress:\n  - ports: [{port: 80}]\n"));
        add(
                cases,
                "R3.4 pitfall: from: [] matches every source",
                "z/c > x/a tcp/80",
                ALLOW,
                policy("x", "port-80", "podSelector: {}\ningress:\n  - from: []\n    ports: [{port: 80}]\n"));
        add(
                cases,
                "R3.5 policies are a union: deny-all does not override another policy's allow",
                "y/a > x/a tcp/80",
                ALLOW,
                DENY_X,
                policy("x", "from-y", """
                        podSelector: {}
                        ingress:
                          - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                        """));
        String aNoEgress = policy("x", "a-no-egress", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\n");
        add(
                cases,
                "R3.6 the source's egress deny blocks even when the destination allows ingress",
                "x/a > y/a tcp/80",
                DENY,
                aNoEgress,
                policy("y", "allow-all", "podSelector: {}\ningress:\n  - {}\n"));
        add(
                cases,
                "R3.6 the destination's ingress deny blocks even when the source allows egress",
                "x/a > y/a tcp/80",
                DENY,
                policy("x", "allow-out", "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - {}\n"),
                policy("y", "deny", "podSelector: {}\n"));
        String toGoogle = policy("x", "to-8-8-8", """
                podSelector: {}
                policyTypes: [Egress]
                egress:
                  - to: [{ipBlock: {cidr: 8.8.8.0/24}}]
                """);
        add(
                cases,
                "R3.7 external destination: only the source's egress is evaluated (allowed)",
                "x/a > ext:8.8.8.8 udp/53",
                ALLOW,
                toGoogle);
        add(
                cases,
                "R3.7 external destination: only the source's egress is evaluated (denied)",
                "x/a > ext:9.9.9.9 udp/53",
                DENY,
                toGoogle);
        add(
                cases,
                "R3.7 external source: only the destination's ingress is evaluated (denied)",
                "ext:8.8.8.8 > x/a tcp/80",
                DENY,
                DENY_X);
        add(cases, "R3.7 external source to a non-isolated pod is allowed", "ext:8.8.8.8 > y/a tcp/80", ALLOW, DENY_X);
        // R4 peers
        String mixedPeer = policy("x", "mixed", """
                podSelector: {matchLabels: {pod: a}}
                ingress:
                  - from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]
                """);
        add(
                cases,
                "R4.1 a peer with ipBlock and a selector is invalid and never decides",
                "y/a > x/a tcp/80",
                INDETERMINATE,
                mixedPeer);
        add(
                cases,
                "R4.1 an invalid policy cannot undo a valid allow",
                "y/a > x/a tcp/80",
                ALLOW,
                mixedPeer,
                policy("x", "allow-all", "podSelector: {}\ningress:\n  - {}\n"));
        add(
                cases,
                "R4.1 an empty peer is invalid and never decides",
                "y/a > x/a tcp/80",
                INDETERMINATE,
                policy("x", "empty-peer", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from: [{}]\n"));
        add(
                cases,
                "R4.1 an invalid policy on other pods does not affect this one",
                "y/a > x/b tcp/80",
                ALLOW,
                mixedPeer);
        String fromB = policy(
                "x", "from-b", "podSelector: {}\ningress:\n  - from: [{podSelector: {matchLabels: {pod: b}}}]\n");
        add(cases, "R4.2 podSelector alone selects pods in the policy namespace only", "y/b > x/a tcp/80", DENY, fromB);
        add(
                cases,
                "R4.2 podSelector alone selects matching pods in the policy namespace",
                "x/b > x/a tcp/80",
                ALLOW,
                fromB);
        String fromAllHere = policy("x", "from-here", "podSelector: {}\ningress:\n  - from: [{podSelector: {}}]\n");
        add(
                cases,
                "R4.2 podSelector {} alone selects all pods of the policy namespace",
                "x/c > x/a tcp/80",
                ALLOW,
                fromAllHere);
        add(cases, "R4.2 podSelector {} alone does not select other namespaces", "y/c > x/a tcp/80", DENY, fromAllHere);
        String fromAllPods =
                policy("x", "from-all-pods", "podSelector: {}\ningress:\n  - from: [{namespaceSelector: {}}]\n");
        add(cases, "R4.2 namespaceSelector {} selects pods in all namespaces", "z/c > x/a tcp/80", ALLOW, fromAllPods);
        add(
                cases,
                "R4.2 namespaceSelector {} never matches external IPs",
                "ext:8.8.8.8 > x/a tcp/80",
                DENY,
                fromAllPods);
        add(
                cases,
                "R4.2 namespaceSelector {} never matches another node's IP",
                "node:node-2@192.168.0.2 > x/a tcp/80",
                DENY,
                fromAllPods);
        String fromNsY = policy("x", "from-ns-y", """
                podSelector: {}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """);
        add(
                cases,
                "R4.2 namespaceSelector N selects all pods of matching namespaces",
                "y/c > x/a tcp/80",
                ALLOW,
                fromNsY);
        add(cases, "R4.2 namespaceSelector N does not imply the policy namespace", "x/b > x/a tcp/80", DENY, fromNsY);
        String bAnywhere = policy("x", "b-anywhere", """
                podSelector: {}
                ingress:
                  - from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: b}}}]
                """);
        add(
                cases,
                "R4.2 podSelector S with namespaceSelector {} selects S in any namespace",
                "z/b > x/a tcp/80",
                ALLOW,
                bAnywhere);
        add(
                cases,
                "R4.2 podSelector S with namespaceSelector {} excludes other pods",
                "z/c > x/a tcp/80",
                DENY,
                bAnywhere);
        String bInY = policy("x", "b-in-y", """
                podSelector: {}
                ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}]
                """);
        add(cases, "R4.2 podSelector S with namespaceSelector N: both match", "y/b > x/a tcp/80", ALLOW, bInY);
        add(cases, "R4.2 podSelector S with namespaceSelector N: wrong namespace", "z/b > x/a tcp/80", DENY, bInY);
        add(cases, "R4.2 podSelector S with namespaceSelector N: wrong pod", "y/c > x/a tcp/80", DENY, bInY);
        String yOrB = policy("x", "y-or-b", """
                podSelector: {}
                ingress:
                  - from:
                      - namespaceSelector: {matchLabels: {ns: y}}
                      - podSelector: {matchLabels: {pod: b}}
                """);
        add(cases, "R4.3 pitfall: two peers are an OR: any pod of ns y", "y/c > x/a tcp/80", ALLOW, yOrB);
        add(cases, "R4.3 pitfall: two peers are an OR: pod=b of the policy namespace", "x/b > x/a tcp/80", ALLOW, yOrB);
        add(
                cases,
                "R4.3 pitfall: two peers are an OR: pod=b of another namespace is not",
                "z/b > x/a tcp/80",
                DENY,
                yOrB);
        add(
                cases,
                "R4.4 namespaceSelector matches namespace labels, never pod labels",
                "z/liar > x/a tcp/80",
                DENY,
                fromNsY);
        add(
                cases,
                "R4.4 a namespace is matched by name through kubernetes.io/metadata.name",
                "nolabel/p > x/a tcp/80",
                ALLOW,
                policy("x", "by-name", """
                        podSelector: {}
                        ingress:
                          - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: nolabel}}}]
                        """));
        add(
                cases,
                "R4.5 labels are evaluated as they are at connection time (now matching)",
                "x/c{pod=b} > x/a tcp/80",
                ALLOW,
                fromB);
        add(
                cases,
                "R4.5 labels are evaluated as they are at connection time (no longer matching)",
                "x/b{pod=c} > x/a tcp/80",
                DENY,
                fromB);
        add(
                cases,
                "R4.6 ipBlock host bits are ignored",
                "x/a > ext:8.8.8.8 udp/53",
                ALLOW,
                egressTo("ipBlock: {cidr: 8.8.8.77/24}"));
        String except = egressTo("ipBlock: {cidr: 8.8.0.0/16, except: [8.8.8.0/24]}");
        add(cases, "R4.6 except carves addresses out of the block", "x/a > ext:8.8.8.8 udp/53", DENY, except);
        add(cases, "R4.6 addresses outside except stay in the block", "x/a > ext:8.8.9.9 udp/53", ALLOW, except);
        add(
                cases,
                "R4.6 0.0.0.0/0 does not match IPv6",
                "x/a > ext:2001:db8::1 tcp/443",
                DENY,
                egressTo("ipBlock: {cidr: 0.0.0.0/0}"));
        add(
                cases,
                "R4.6 ::/0 matches IPv6",
                "x/a > ext:2001:db8::1 tcp/443",
                ALLOW,
                egressTo("ipBlock: {cidr: \"::/0\"}"));
        add(
                cases,
                "R4.6 an IPv6 block never matches IPv4",
                "x/a > ext:8.8.8.8 tcp/443",
                DENY,
                egressTo("ipBlock: {cidr: \"::/0\"}"));
        add(
                cases,
                "R4.6 VAL: an except outside the cidr makes the policy invalid",
                "x/a > ext:8.8.8.8 udp/53",
                INDETERMINATE,
                egressTo("ipBlock: {cidr: 8.8.0.0/16, except: [9.9.9.0/24]}"));
        add(
                cases,
                "R4.7 except removes addresses from that peer only",
                "x/a > ext:8.8.8.8 udp/53",
                ALLOW,
                egressTo("ipBlock: {cidr: 8.8.0.0/16, except: [8.8.8.0/24]}", "ipBlock: {cidr: 8.8.8.8/32}"));
        add(
                cases,
                "R4.7 except is not a deny over other policies",
                "x/a > ext:8.8.8.8 udp/53",
                ALLOW,
                except,
                policy(
                        "x",
                        "other",
                        "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - to: [{ipBlock: {cidr: 8.8.8.8/32}}]\n"));
        String toPodCidr = egressTo("ipBlock: {cidr: 10.0.2.0/24}");
        add(cases, "R4.8 ipBlock matches pod IPs under the conformance profile", "x/a > y/a tcp/80", ALLOW, toPodCidr);
        add(
                cases,
                CniProfile.IPBLOCK_IGNORES_POD_IPS,
                "R4.8 ipBlock ignores pod IPs under a Cilium-like profile",
                "x/a > y/a tcp/80",
                DENY,
                toPodCidr);
        add(
                cases,
                CniProfile.UNKNOWN,
                "R4.8 ipBlock on a pod IP is INDETERMINATE when the CNI is unknown",
                "x/a > y/a tcp/80",
                INDETERMINATE,
                toPodCidr);
        add(
                cases,
                CniProfile.UNKNOWN,
                "R4.8 not CNI-dependent when a selector peer also allows",
                "x/a > y/a tcp/80",
                ALLOW,
                egressTo("ipBlock: {cidr: 10.0.2.0/24}", "namespaceSelector: {matchLabels: {ns: y}}"));
        add(
                cases,
                "R4.9 pod selectors do not match hostNetwork pods (seen as their node IP)",
                "x/host > x/a tcp/80",
                DENY,
                DENY_X,
                fromAllPods);
        add(
                cases,
                "R4.9 ipBlock matches a hostNetwork pod by its node IP",
                "x/host > x/a tcp/80",
                ALLOW,
                DENY_X,
                policy(
                        "x",
                        "from-nodes",
                        "podSelector: {}\ningress:\n  - from: [{ipBlock: {cidr: 192.168.0.0/24}}]\n"));
        // R5 ports and protocols
        String port80 = ingressPorts("{port: 80}");
        add(cases, "R5.1 a port without protocol defaults to TCP (UDP denied)", "y/a > x/a udp/80", DENY, port80);
        add(cases, "R5.1 a port without protocol defaults to TCP (TCP allowed)", "y/a > x/a tcp/80", ALLOW, port80);
        String anyUdp = ingressPorts("{protocol: UDP}");
        add(
                cases,
                "R5.2 protocol without port matches every port of that protocol",
                "y/a > x/a udp/4242",
                ALLOW,
                anyUdp);
        add(cases, "R5.2 protocol without port does not match other protocols", "y/a > x/a tcp/4242", DENY, anyUdp);
        String emptyEntry = ingressPorts("{}");
        add(cases, "R5.3 pitfall: ports: [{}] matches every TCP port", "y/a > x/a tcp/4242", ALLOW, emptyEntry);
        add(cases, "R5.3 pitfall: ports: [{}] does not match UDP", "y/a > x/a udp/80", DENY, emptyEntry);
        add(cases, "R5.3 pitfall: ports: [{}] does not match SCTP", "y/a > x/a sctp/80", DENY, emptyEntry);
        add(
                cases,
                "R5.3 ports: [] matches every protocol",
                "y/a > x/a udp/80",
                ALLOW,
                policy("x", "no-ports", "podSelector: {}\ningress:\n  - ports: []\n"));
        add(
                cases,
                "R5.4 a UDP-only rule does not open TCP",
                "y/a > x/a tcp/80",
                DENY,
                ingressPorts("{port: 80, protocol: UDP}"));
        add(
                cases,
                "R5.4 an SCTP rule does not open TCP",
                "y/a > x/a tcp/80",
                DENY,
                ingressPorts("{port: 80, protocol: SCTP}"));
        add(
                cases,
                "R5.4 an SCTP rule opens SCTP (stable since 1.20, §12.9)",
                "y/a > x/a sctp/80",
                ALLOW,
                ingressPorts("{port: 80, protocol: SCTP}"));
        add(
                cases,
                "R5.5 a numeric port matches even when no container declares it",
                "y/a > x/a tcp/8080",
                ALLOW,
                ingressPorts("{port: 8080}"));
        String named80 = ingressPorts("{port: serve-80-tcp}");
        add(cases, "R5.6 a named port matches the destination's declared port", "y/a > x/a tcp/80", ALLOW, named80);
        add(cases, "R5.6 a named port does not match another port number", "y/a > x/a tcp/81", DENY, named80);
        add(
                cases,
                "R5.6 a named port with another protocol than declared never matches",
                "y/a > x/a udp/80",
                DENY,
                ingressPorts("{port: serve-80-tcp, protocol: UDP}"));
        add(
                cases,
                "R5.6 an egress named port is resolved on the destination, not the source",
                "x/only-here > y/a tcp/7000",
                DENY,
                policy("x", "named-out", """
                        podSelector: {matchLabels: {pod: only-here}}
                        policyTypes: [Egress]
                        egress:
                          - ports: [{port: only-here}]
                        """));
        add(
                cases,
                "R5.6 an egress named port matches a destination declaring it",
                "x/a > y/a tcp/81",
                ALLOW,
                policy(
                        "x",
                        "named-out",
                        "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - ports: [{port: serve-81-tcp}]\n"));
        add(
                cases,
                "R5.6 a named port never matches a non-pod destination",
                "x/a > ext:8.8.8.8 tcp/80",
                DENY,
                policy(
                        "x",
                        "named-out",
                        "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - ports: [{port: serve-80-tcp}]\n"));
        add(
                cases,
                "R5.6 a name declared by two containers matches either",
                "y/a > x/twin tcp/9090",
                ALLOW,
                ingressPorts("{port: web}"));
        add(
                cases,
                "R5.6 a named port is INDETERMINATE when the destination's ports are unknown",
                "y/a > x/a[?] tcp/80",
                INDETERMINATE,
                named80);
        String range = ingressPorts("{port: 80, endPort: 90}");
        add(cases, "R5.7 endPort is inclusive at the top", "y/a > x/a tcp/90", ALLOW, range);
        add(cases, "R5.7 endPort: one past the top is denied", "y/a > x/a tcp/91", DENY, range);
        add(cases, "R5.7 endPort: one below port is denied", "y/a > x/a tcp/79", DENY, range);
        add(
                cases,
                "R5.7 endPort equal to port means one port",
                "y/a > x/a tcp/80",
                ALLOW,
                ingressPorts("{port: 80, endPort: 80}"));
        add(
                cases,
                CniProfile.UNKNOWN,
                "R5.7 endPort beyond port is CNI-dependent: INDETERMINATE when unknown",
                "y/a > x/a tcp/85",
                INDETERMINATE,
                range);
        add(
                cases,
                CniProfile.UNKNOWN,
                "R5.7 the port itself does not depend on endPort support",
                "y/a > x/a tcp/80",
                ALLOW,
                range);
        add(
                cases,
                "R5.7 VAL: endPort below port is invalid",
                "y/a > x/a tcp/80",
                INDETERMINATE,
                ingressPorts("{port: 80, endPort: 79}"));
        add(
                cases,
                "R5.7 VAL: endPort with a named port is invalid",
                "y/a > x/a tcp/80",
                INDETERMINATE,
                ingressPorts("{port: serve-80-tcp, endPort: 90}"));
        add(
                cases,
                "R5.7 VAL (§12.6): endPort 65537 is invalid",
                "y/a > x/a tcp/80",
                INDETERMINATE,
                ingressPorts("{port: 80, endPort: 65537}"));
        String allowAllX = policy("x", "allow-all", "podSelector: {}\ningress:\n  - {}\n");
        String fromY = policy(
                "x", "from-y", "podSelector: {}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]\n");
        add(cases, "R5.8 ICMP to an isolated pod that no rule allows is DENY", "y/a > x/a icmp/?", DENY, DENY_X);
        add(
                cases,
                CniProfile.UNKNOWN,
                "R5.8 ICMP to an isolated pod is INDETERMINATE when the CNI is unknown",
                "y/a > x/a icmp/?",
                INDETERMINATE,
                DENY_X);
        add(cases, "R5.8 ICMP between non-isolated pods is allowed", "y/a > z/a icmp/0", ALLOW, DENY_X);
        add(
                cases,
                CniProfile.UNKNOWN,
                "R5.8 ICMP between non-isolated pods is allowed whatever the CNI",
                "y/a > z/a icmpv6/?",
                ALLOW,
                DENY_X);
        add(cases, "R5.8 ICMP with an allow-all rule is allowed", "y/a > x/a icmp/?", ALLOW, allowAllX);
        add(cases, "R5.8 ICMP with a peer-only rule is allowed", "y/a > x/a icmp/?", ALLOW, fromY);
        add(
                cases,
                CniProfile.UNKNOWN,
                "R5.8 ICMP with a peer-only rule is allowed whatever the CNI",
                "y/a > x/a icmpv6/?",
                ALLOW,
                fromY);
        add(cases, "R5.8 a peer-only rule does not allow ICMP from another peer", "z/a > x/a icmp/?", DENY, fromY);
        add(
                cases,
                "R5.8 a rule with ports never allows ICMP",
                "y/a > x/a icmp/?",
                DENY,
                ingressPorts("{protocol: TCP}", "{protocol: UDP}", "{protocol: SCTP}"));
        add(cases, "R5.8 GRE with an allow-all rule is allowed", "y/a > x/a gre/?", ALLOW, allowAllX);
        add(cases, "R5.8 GRE to an isolated pod is DENY", "y/a > x/a gre/?", DENY, DENY_X);
        add(cases, "R5.8 a protocol known by its number only is judged", "y/a > x/a 115/?", DENY, DENY_X);
        add(
                cases,
                CniProfile.UNKNOWN,
                "R5.8 a protocol known by its number only is CNI-dependent",
                "y/a > x/a 115/?",
                INDETERMINATE,
                DENY_X);
        add(
                cases,
                "R5.8 ICMP in egress: a peer-only rule allows it",
                "x/a > y/a icmp/?",
                ALLOW,
                egressTo("namespaceSelector: {matchLabels: {ns: y}}"));
        add(
                cases,
                "R5.8 ICMP in egress: a rule with ports does not",
                "x/a > y/a icmp/?",
                DENY,
                policy("x", "egress", "podSelector: {}\npolicyTypes: [Egress]\negress:\n  - ports: [{port: 53}]\n"));
        add(
                cases,
                "R8.6 an unknown protocol against a port rule that could match is INDETERMINATE",
                "y/a > x/a unknown/80",
                INDETERMINATE,
                ingressPorts("{port: 80}"));
        add(
                cases,
                "R8.6 an unknown protocol against a port rule whose port differs is DENY",
                "y/a > x/a unknown/80",
                DENY,
                ingressPorts("{port: 443}", "{protocol: UDP, port: 53}"));
        add(
                cases,
                "R8.6 an unknown protocol with an allow-all rule is allowed",
                "y/a > x/a unknown/?",
                ALLOW,
                allowAllX);
        // R6 selectors
        add(cases, "R6.1 matchLabels and matchExpressions are ANDed", "x/b > x/a tcp/80", DENY, fromPods("""
                matchLabels: {pod: b}
                matchExpressions: [{key: pod, operator: In, values: [c]}]"""));
        add(
                cases,
                "R6.1 an empty selector matches everything, labels or not",
                "x/env-empty > x/a tcp/80",
                ALLOW,
                fromAllHere);
        String emptyValue = fromPods("matchLabels: {env: \"\"}");
        add(
                cases,
                "R6.2 matchLabels k: \"\" matches a present empty value",
                "x/env-empty > x/a tcp/80",
                ALLOW,
                emptyValue);
        add(
                cases,
                "R6.2 matchLabels k: \"\" never matches a missing key (§12.2)",
                "x/b > x/a tcp/80",
                DENY,
                emptyValue);
        add(
                cases,
                "R6.3 In matches a listed value",
                "x/c > x/a tcp/80",
                ALLOW,
                fromPods("matchExpressions: [{key: pod, operator: In, values: [b, c]}]"));
        add(
                cases,
                "R6.3 Exists matches a present key",
                "x/b > x/a tcp/80",
                ALLOW,
                fromPods("matchExpressions: [{key: pod, operator: Exists}]"));
        add(
                cases,
                "R6.3 DoesNotExist rejects a present key",
                "x/b > x/a tcp/80",
                DENY,
                fromPods("matchExpressions: [{key: pod, operator: DoesNotExist}]"));
        add(
                cases,
                "R6.3 DoesNotExist matches a missing key",
                "x/env-empty > x/a tcp/80",
                ALLOW,
                fromPods("matchExpressions: [{key: pod, operator: DoesNotExist}]"));
        String notInY = policy("x", "not-in-y", """
                podSelector: {}
                ingress:
                  - from:
                      - namespaceSelector:
                          matchExpressions: [{key: ns, operator: NotIn, values: [y]}]
                """);
        add(
                cases,
                "R6.3 pitfall: NotIn matches a namespace without the key (§12.1)",
                "nolabel/p > x/a tcp/80",
                ALLOW,
                notInY);
        add(cases, "R6.3 NotIn rejects a listed value", "y/a > x/a tcp/80", DENY, notInY);
        add(cases, "R6.4 matching is case-sensitive", "x/b > x/a tcp/80", DENY, fromPods("matchLabels: {pod: B}"));
        add(
                cases,
                "R6.4 In without values is invalid and never decides",
                "x/b > x/a tcp/80",
                INDETERMINATE,
                fromPods("matchExpressions: [{key: pod, operator: In, values: []}]"));
        add(
                cases,
                "R6.4 an unknown operator is invalid and never decides",
                "x/b > x/a tcp/80",
                INDETERMINATE,
                fromPods("matchExpressions: [{key: pod, operator: Equals, values: [b]}]"));
        add(
                cases,
                "R6.5 pitfall: an absent namespaceSelector means the policy's namespace",
                "y/b > x/a tcp/80",
                DENY,
                fromB);
        add(cases, "R6.5 pitfall: namespaceSelector {} means all namespaces", "y/b > x/a tcp/80", ALLOW, bAnywhere);
        // R7 implicit allows
        add(
                cases,
                "R7.1 replies are not judged: the server's egress deny-all does not block its clients",
                "y/a > x/a tcp/80",
                ALLOW,
                aNoEgress);
        add(
                cases,
                "R7.2 ingress from the pod's own node is allowed under deny-all",
                "node:node-1@192.168.0.1 > x/a tcp/80",
                ALLOW,
                DENY_X);
        add(cases, "R7.2 another node's IP gets no exemption", "node:node-2@192.168.0.2 > x/a tcp/80", DENY, DENY_X);
        add(
                cases,
                "R7.2 a node IP of unknown node is INDETERMINATE against an isolated pod",
                "node:?@192.168.0.9 > x/a tcp/80",
                INDETERMINATE,
                DENY_X);
        add(
                cases,
                "R7.2 a hostNetwork pod on the pod's own node counts as the node",
                "x/host > y/a tcp/80",
                ALLOW,
                policy("y", "deny", "podSelector: {}\n"));
        add(
                cases,
                "R7.3 loopback is never blocked",
                "x/a > x/a tcp/80",
                ALLOW,
                policy("x", "deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]\n"));
        add(cases, "R7.4 hostNetwork pods are not isolated by policies", "y/a > x/host tcp/80", ALLOW, DENY_X);
        add(
                cases,
                CniProfile.UNKNOWN,
                "R7.4 hostNetwork: INDETERMINATE when the CNI is unknown and it matters",
                "y/a > x/host tcp/80",
                INDETERMINATE,
                DENY_X);
        // R8 attribution
        add(
                cases,
                "R8.1 an unattributed in-cluster destination is INDETERMINATE while ingress policies exist",
                "y/a > unres:10.96.0.10 tcp/80",
                INDETERMINATE,
                DENY_X);
        add(
                cases,
                "R8.1 an unattributed destination is allowed when no policy anywhere isolates ingress",
                "y/a > unres:10.96.0.10 tcp/80",
                ALLOW);
        add(
                cases,
                "R8.1 an unattributed destination: the source's egress deny still decides",
                "x/a > unres:10.96.0.10 tcp/80",
                DENY,
                aNoEgress,
                DENY_X);
        String fromTen = policy(
                "x",
                "from-ten",
                "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/8}}]\n");
        add(
                cases,
                "R8.4 a dual-stack pod only partly in an ipBlock is INDETERMINATE",
                "x/dual > x/a tcp/80",
                INDETERMINATE,
                fromTen);
        add(
                cases,
                "R8.4 selectors match a dual-stack pod whatever the family",
                "x/dual > x/a tcp/80",
                ALLOW,
                fromAllHere);
        add(
                cases,
                "R8.5 a policy without metadata.namespace applies in default",
                "x/a > default/d tcp/80",
                DENY,
                policy(null, "deny", "podSelector: {}\n"));
        add(
                cases,
                "R8.6 unknown namespace: a namespaceSelector on its labels is INDETERMINATE",
                "q/p{pod=p} > x/a tcp/80",
                INDETERMINATE,
                fromNsY);
        add(
                cases,
                "R8.6 unknown namespace: its name label is still known",
                "q/p{pod=p} > x/a tcp/80",
                ALLOW,
                policy("x", "from-q", """
                        podSelector: {}
                        ingress:
                          - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: q}}}]
                        """));
        add(
                cases,
                "R8.6 unknown namespace does not matter to a namespace-local peer",
                "q/p{pod=p} > x/a tcp/80",
                DENY,
                fromAllHere);
        add(
                cases,
                "R8.6 unknown pod labels: a label selector peer cannot decide",
                "x/b{?} > x/a tcp/80",
                INDETERMINATE,
                fromB);
        add(
                cases,
                "R8.6 unknown pod labels: podSelector {} still isolates and denies",
                "y/a > x/a{?} tcp/80",
                DENY,
                DENY_X);
        add(
                cases,
                "R8.6 unknown pod labels: whether a labelled policy isolates is undecidable",
                "y/a > x/a{?} tcp/80",
                INDETERMINATE,
                aOnly);
        add(
                cases,
                "R8.6 unknown destination port against a port-restricted rule is INDETERMINATE",
                "y/a > x/a tcp/?",
                INDETERMINATE,
                port80);
        add(cases, "R8.6 unknown destination port under deny-all is still DENY", "y/a > x/a tcp/?", DENY, DENY_X);
        add(cases, "R8.6 unknown destination port with a port-less rule is ALLOW", "x/b > x/a tcp/?", ALLOW, fromB);
        // §12 divergences of the reference evaluators
        add(
                cases,
                "§12.4 undefaulted manifests are defaulted, not skipped (KNP needs policyTypes)",
                "y/a > x/a tcp/80",
                DENY,
                DENY_X);
        add(
                cases,
                "§12.5 a bad CIDR does not fail open (KNP): INDETERMINATE",
                "x/a > ext:8.8.8.8 udp/53",
                INDETERMINATE,
                egressTo("ipBlock: {cidr: not-a-cidr}"));
        return cases.stream();
    }

    private static void add(
            List<Arguments> cases, String name, String connection, PolicyVerdict expected, String... documents) {
        add(cases, CniProfile.CONFORMANCE, name, connection, expected, documents);
    }

    private static void add(
            List<Arguments> cases,
            CniProfile profile,
            String name,
            String connection,
            PolicyVerdict expected,
            String... documents) {
        cases.add(Arguments.of(name, profile, connection, expected, documents));
    }

    /** An egress policy for every pod of x with one rule to these peers (each a YAML flow mapping body). */
    static String egressTo(String... peers) {
        StringBuilder sb = new StringBuilder("podSelector: {}\npolicyTypes: [Egress]\negress:\n  - to:\n");
        for (String peer : peers) {
            sb.append("      - {").append(peer).append("}\n");
        }
        return policy("x", "egress", sb.toString());
    }

    /** An ingress policy for every pod of x with one rule allowing these port entries from anywhere. */
    static String ingressPorts(String... entries) {
        return policy("x", "ports", "podSelector: {}\ningress:\n  - ports: [" + String.join(", ", entries) + "]\n");
    }

    /** An ingress policy for every pod of x allowing pods of x matching this selector body. */
    static String fromPods(String selector) {
        StringBuilder sb = new StringBuilder("podSelector: {}\ningress:\n  - from:\n      - podSelector:\n");
        selector.lines().forEach(l -> sb.append("          ").append(l).append('\n'));
        return policy("x", "from-pods", sb.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void verdictFollowsTheRule(
            String name, CniProfile profile, String connection, PolicyVerdict expected, String[] documents) {
        // Given
        NetpolModel.Fixture fixture = NetpolModel.fixture(profile, withExtra(documents));
        Connection judged = Endpoints.connection(fixture, connection);

        // When
        PolicyResult result = fixture.engine().evaluate(judged);

        // Then
        assertThat(result.verdict()).as(name + "\n" + result.explain()).isEqualTo(expected);
    }

    private static String[] withExtra(String[] documents) {
        String[] all = new String[documents.length + 1];
        all[0] = EXTRA;
        System.arraycopy(documents, 0, all, 1, documents.length);
        return all;
    }
}
