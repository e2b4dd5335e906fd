package ai.matih.flowwatch.alerting;

import ai.matih.flowwatch.violation.Violation;

/**
 * The violation as a tenant may see it, for the alert that tenant's Alertmanager route receives: the same view as the
 * REST API gives that tenant (docs/security.md), so an alert never tells a tenant more of the other tenant than the
 * API would. Implemented by the API's tenant scoping.
 */
public interface AlertRedaction {

    /**
     * @param tenant    the tenant the alert is for
     * @param violation the violation as stored
     * @return what {@code tenant} may see of it
     */
    Violation view(String tenant, Violation violation);
}
