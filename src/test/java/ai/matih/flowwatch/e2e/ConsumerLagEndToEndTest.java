package ai.matih.flowwatch.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.testing.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The service exposes the consumer lag of each of its input topics on the management port. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class ConsumerLagEndToEndTest {

    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"calico-flows", "hubble-flows", "k8s-audit"})
    void everyInputTopicHasItsLagGauge(String topic) {
        // Given: the running service, consuming its input topics
        // When
        // Then: its lag is a number of records, and nothing waits once the service has caught up
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String metrics =
                    given().get(metricsUrl).then().statusCode(200).extract().asString();
            assertThat(metrics)
                    .contains("# TYPE flowwatch_consumer_lag_records gauge")
                    .containsPattern("(?m)^flowwatch_consumer_lag_records\\{topic=\"" + topic + "\"} 0\\.0$");
        });
    }
}
