package ai.matih.flowwatch.alerting;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;

/**
 * One alert as Alertmanager's API v2 takes it ({@code POST /api/v2/alerts}, a JSON array of these).
 *
 * @param labels       identity of the alert: the same labels every time for the same violation
 * @param annotations  summary, description, runbook_url
 * @param startsAt     when the violation was first seen
 * @param endsAt       when Alertmanager is to consider it resolved unless told otherwise
 * @param generatorUrl the violation in flowwatch's REST API
 */
public record Alert(
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        @JsonProperty("generatorURL") String generatorUrl) {

    public Alert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }
}
