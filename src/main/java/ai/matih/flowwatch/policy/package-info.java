/**
 * The exact Kubernetes NetworkPolicy (networking.k8s.io/v1) engine, following
 * {@code docs/networkpolicy-semantics.md} (its rule ids R* and sections § are cited in code, reasons and tests).
 *
 * <p>Entry points: {@link ai.matih.flowwatch.policy.PolicyEngine#compile(ai.matih.flowwatch.topology.Topology)} and
 * {@link ai.matih.flowwatch.policy.PolicyEngine#evaluate(ai.matih.flowwatch.policy.Connection)}, which returns a
 * {@link ai.matih.flowwatch.policy.PolicyResult}. Endpoints come from
 * {@link ai.matih.flowwatch.policy.PolicyEndpoint#resolve(ai.matih.flowwatch.topology.Topology, String,
 * ai.matih.flowwatch.policy.PodKnowledge)} (what an address no known pod has is depends on whether every pod is known)
 * or are built by the caller (null labels or ports mean "unknown").
 *
 * <p>{@code decidedBy} entries are {@code namespace/name} for a policy and {@code namespace/name#ingress[i]} or
 * {@code namespace/name#egress[i]} for a rule, with {@code i} the 0-based index into {@code spec.ingress} or
 * {@code spec.egress}.
 *
 * <p>Not modelled (callers' concerns): replies (R7.1, pass only the initiating direction), Service VIP to backend
 * mapping (R8.1, pass the backend pod and target port, or an unresolved address), NAT (R8.2), established connections
 * across policy changes (R4.5) and propagation delay (R9.1), and other policy APIs such as AdminNetworkPolicy or CNI
 * CRDs (§10).
 */
package ai.matih.flowwatch.policy;
