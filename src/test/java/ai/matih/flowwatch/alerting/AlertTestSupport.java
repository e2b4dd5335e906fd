package ai.matih.flowwatch.alerting;

import ai.matih.flowwatch.violation.Category;
import ai.matih.flowwatch.violation.Cause;
import ai.matih.flowwatch.violation.EndpointView;
import ai.matih.flowwatch.violation.Severity;
import ai.matih.flowwatch.violation.Violation;
import ai.matih.flowwatch.violation.ViolationType;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Violations, configurations and a settable clock for the alerting tests. */
final class AlertTestSupport {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final String ACME_NS = "matih-data-plane-acme-corp";
    static final String GLOBEX_NS = "matih-data-plane-globex";

    private AlertTestSupport() {}

    /** The alerting configuration of these properties, read by SmallRye Config as Quarkus would. */
    static AlertingConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(AlertingConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build()
                .getConfigMapping(AlertingConfig.class);
    }

    /** A cross-tenant breach from acme-corp to globex, as the design's example. */
    static Violation breach(String id, long count, Instant firstSeen, Instant lastSeen) {
        return violation(
                id,
                ViolationType.ISOLATION_BREACH,
                Severity.CRITICAL,
                "acme-corp",
                "globex",
                endpoint(ACME_NS, "acme-corp"),
                endpoint(GLOBEX_NS, "globex"),
                "acme-corp → globex: cross-tenant traffic is forbidden",
                count,
                firstSeen,
                lastSeen);
    }

    static Violation violation(
            String id,
            ViolationType type,
            Severity severity,
            String tenant,
            String peerTenant,
            EndpointView source,
            EndpointView destination,
            String reason,
            long count,
            Instant firstSeen,
            Instant lastSeen) {
        return Violation.builder()
                .id(id)
                .type(type)
                .severity(severity)
                .category(Category.CROSS_TENANT)
                .tenant(tenant)
                .peerTenant(peerTenant)
                .source(source)
                .destination(destination)
                .protocol("TCP")
                .port(5432)
                .observed("ALLOWED")
                .policy("ALLOW")
                .intent("FORBIDDEN")
                .cause(Cause.POLICY_PERMITS)
                .reason(reason)
                .decidedBy(List.of(GLOBEX_NS + "/allow-all"))
                .sourceFormat("hubble")
                .node("worker-1")
                .firstSeen(firstSeen)
                .lastSeen(lastSeen)
                .count(count)
                .observations(count * 2)
                .build();
    }

    static EndpointView endpoint(String namespace, String tenant) {
        return new EndpointView(namespace, "api", "api-7d9f-x", "10.1.2.3", tenant, "tenant", false, null);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
