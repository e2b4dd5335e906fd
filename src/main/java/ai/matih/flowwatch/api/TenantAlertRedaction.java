package ai.matih.flowwatch.api;

import ai.matih.flowwatch.alerting.AlertRedaction;
import ai.matih.flowwatch.violation.Violation;
import jakarta.inject.Singleton;

/** The alerts of a tenant show what its REST API view shows ({@link TenantScope}). */
@Singleton
public class TenantAlertRedaction implements AlertRedaction {

    @Override
    public Violation view(String tenant, Violation violation) {
        return TenantScope.tenantView(tenant, violation);
    }
}
