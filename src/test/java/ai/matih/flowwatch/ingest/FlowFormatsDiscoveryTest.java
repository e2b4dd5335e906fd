package ai.matih.flowwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ai.matih.flowwatch.decode.FlowFormat;
import ai.matih.flowwatch.decode.FlowFormats;
import ai.matih.flowwatch.testing.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The application finds its input formats as beans, and each format's channel reads the format's topic. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class FlowFormatsDiscoveryTest {

    @Inject
    FlowFormats formats;

    @Test
    void theFormatsFoundThroughCdiAreCalicoHubbleAndAuditWithTheirTopicsAndMetricTags() {
        // Given the running application
        // When its formats are listed
        List<FlowFormat> found = formats.all();

        // Then they are exactly the built-in ones, with their channels, topic keys and metric tags
        assertThat(found)
                .extracting(FlowFormat::name, FlowFormat::channel, FlowFormat::topicKey, FlowFormat::metricTags)
                .containsExactly(
                        tuple("audit", "k8s-audit", "flowwatch.topics.audit", List.of("audit")),
                        tuple("calico", "calico-flows", "flowwatch.topics.calico", List.of("calico", "goldmane")),
                        tuple("hubble", "hubble-flows", "flowwatch.topics.hubble", List.of("hubble")));
    }

    @Test
    void eachFormatsChannelReadsTheTopicItsKeyNamesOrItsDefaultTopic() {
        // Given the running application's configuration
        // When each format's channel topic is resolved
        // Then it is the format's flowwatch.topics key when set, else the format's default topic
        for (FlowFormat format : formats.all()) {
            String expected = ConfigProvider.getConfig()
                    .getOptionalValue(format.topicKey(), String.class)
                    .orElse(format.defaultTopic());
            assertThat(ConfigProvider.getConfig()
                            .getValue("mp.messaging.incoming." + format.channel() + ".topic", String.class))
                    .as(format.name())
                    .isEqualTo(expected);
        }
    }
}
