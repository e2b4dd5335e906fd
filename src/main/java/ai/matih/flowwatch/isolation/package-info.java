/**
 * The isolation audit: the NetworkPolicies in force checked against the tenant isolation model, before any traffic
 * exercises them. For every tenant namespace of a topology snapshot, {@link ai.matih.flowwatch.isolation.Auditor}
 * tries representative connections between the namespace and each class of peer with the policy engine, compares
 * each verdict with the model's intent and reports the disagreements as findings; {@link
 * ai.matih.flowwatch.isolation.IsolationAudit} keeps the latest report current as the topology changes, recomputing
 * only the tenants a change may affect, keeps each tenant's view judged by its own half of each verdict, and turns
 * newly open doors into {@code POLICY_GAP} violations.
 */
package ai.matih.flowwatch.isolation;
