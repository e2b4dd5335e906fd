package ai.matih.flowwatch.violation;

import static ai.matih.flowwatch.testing.TestTopologies.ACME;
import static ai.matih.flowwatch.testing.TestTopologies.GLOBEX;
import static ai.matih.flowwatch.testing.TestTopologies.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.matih.flowwatch.classify.FlowClassifier;
import ai.matih.flowwatch.classify.Outcome;
import ai.matih.flowwatch.classify.ViolationFactory;
import ai.matih.flowwatch.flow.Endpoint;
import ai.matih.flowwatch.flow.EndpointKind;
import ai.matih.flowwatch.flow.Flow;
import ai.matih.flowwatch.flow.Initiation;
import ai.matih.flowwatch.flow.Observed;
import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.flow.SourceFormat;
import ai.matih.flowwatch.testing.IntentDerivedPolicyAxis;
import ai.matih.flowwatch.testing.TestTopologies;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ViolationStreamTest {

    private final ViolationStream stream = new ViolationStream("e1", 1000, id -> true);
    private final List<Violation> violations = violations(60);

    @Test
    void givenAClientBusyWritingWhileABatchChangesManyViolations_whenItAsksAgain_thenItGetsEveryOneInOrder() {
        // Given a subscriber with no outstanding demand (the SSE writer between two writes)
        AssertSubscriber<StreamEvent> client =
                stream.subscribe(ViolationFilter.ALL).subscribe().withSubscriber(AssertSubscriber.create(0));
        // When a batch changes 60 violations and the client then asks for more
        violations.forEach(v -> stream.changed(v, true));
        client.request(1000);
        // Then none was skipped
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(client.getItems()).hasSize(violations.size()));
        assertThat(StreamResumeTest.changed(client)).containsExactlyElementsOf(violations);
        assertThat(client.getFailure()).isNull();
    }

    @Test
    void givenAClientFurtherBehindThanTheBuffer_whenMoreArrive_thenItIsDisconnectedNotSilentlySkipped() {
        AssertSubscriber<StreamEvent> client =
                stream.subscribe(ViolationFilter.ALL).subscribe().withSubscriber(AssertSubscriber.create(0));
        // (beyond the buffer and the small hand-off to the writing thread)
        for (int i = 0; i <= ViolationStream.BUFFER + 1000; i++) {
            stream.changed(violations.get(i % violations.size()), false);
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(client.getFailure()).isInstanceOf(BackPressureFailure.class));
    }

    @Test
    void givenAFilter_whenViolationsOfSeveralTenantsArrive_thenTheClientGetsOnlyTheMatchingOnes() {
        String tenant = violations.get(0).tenant();
        AssertSubscriber<StreamEvent> client = stream.subscribe(ViolationFilter.tenant("nobody"))
                .subscribe()
                .withSubscriber(AssertSubscriber.create(100));
        AssertSubscriber<StreamEvent> matching = stream.subscribe(ViolationFilter.tenant(tenant))
                .subscribe()
                .withSubscriber(AssertSubscriber.create(100));
        violations.forEach(v -> stream.changed(v, true));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(matching.getItems()).hasSize(violations.size()));
        assertThat(client.getItems()).isEmpty();
    }

    static List<Violation> violations(int n) {
        FlowClassifier classifier = new FlowClassifier(new IntentDerivedPolicyAxis());
        ViolationFactory factory =
                new ViolationFactory(Duration.ofMinutes(15), Duration.ofMinutes(5), "matih.ai/tenant");
        Endpoint src = new Endpoint(
                EndpointKind.POD,
                ACME,
                "api-7d9f8c6b5-x1a2b",
                "api",
                "10.244.1.10",
                Map.of("app", "api"),
                Map.of(),
                null);
        Endpoint dst = new Endpoint(
                EndpointKind.POD, GLOBEX, "db-0", "db", "10.244.2.12", Map.of("app", "db"), Map.of(), null);
        ViolationStore store = new ViolationStore(1000, 4096);
        return IntStream.range(0, n)
                .mapToObj(i -> {
                    Flow flow = new Flow(
                            SourceFormat.HUBBLE,
                            NOW,
                            NOW,
                            src,
                            dst,
                            Protocol.TCP,
                            1000 + i,
                            40000,
                            Observed.DENIED,
                            Initiation.INITIATING,
                            "TO_ENDPOINT",
                            "worker-2",
                            List.of(),
                            "POLICY_DENIED",
                            1,
                            "u" + i);
                    return store.merge(factory.flagged(
                                    flow, (Outcome.Flagged) classifier.classify(flow, TestTopologies.seed())))
                            .violation();
                })
                .toList();
    }
}
