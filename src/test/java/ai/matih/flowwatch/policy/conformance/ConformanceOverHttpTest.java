package ai.matih.flowwatch.policy.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.flow.Protocol;
import ai.matih.flowwatch.testing.KafkaBroker;
import ai.matih.flowwatch.testing.Tokens;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The upstream e2e specs through {@code POST /api/v1/policy/evaluate}: after each step of each spec, the cluster's
 * manifests and the connections of every pod to every pod on each protocol and port the spec probes go to the
 * service as an admin's what-if request, and every answered verdict must be the reference semantics' one. (The full
 * truth tables, every protocol and port, are judged in-process by {@link NetworkPolicyConformanceTest}.)
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBroker.class, restrictToAnnotatedClass = false)
class ConformanceOverHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A connection of the truth table, with what the reference says of it. */
    private record Probe(String source, String destination, Protocol protocol, int port, boolean allowed) {

        Map<String, Object> json() {
            String[] from = source.split("/");
            String[] to = destination.split("/");
            return Map.of(
                    "source", Map.of("namespace", from[0], "pod", from[1]),
                    "destination", Map.of("namespace", to[0], "pod", to[1]),
                    "protocol", protocol.name(),
                    "port", port);
        }
    }

    @Test
    void evaluateAnswersTheReferenceTruthTableForEveryUpstreamSpec() {
        long started = System.nanoTime();
        int requests = 0;
        int connections = 0;
        for (ConformanceCase spec : UpstreamE2eCases.load()) {
            // Given the model cluster
            World world = World.initial();
            int stepNumber = 0;
            for (ConformanceCase.Step step : spec.steps()) {
                stepNumber++;
                step.actions().forEach(action -> action.apply(world));
                List<Probe> probes = probes(world, step.probes());

                // When its manifests and whole truth table are sent to the what-if endpoint
                byte[] answer = Tokens.asAdmin()
                        .contentType("application/json")
                        .body(Map.of(
                                "manifests",
                                world.manifests(),
                                "connections",
                                probes.stream().map(Probe::json).toList()))
                        .post("/api/v1/policy/evaluate")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asByteArray();
                List<String> verdicts = verdicts(answer);

                // Then every verdict is the reference's
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < probes.size(); i++) {
                    Probe p = probes.get(i);
                    String expected = p.allowed() ? "ALLOW" : "DENY";
                    if (!expected.equals(verdicts.get(i))) {
                        wrong.add(p.source() + " -> " + p.destination() + " " + p.protocol() + "/" + p.port()
                                + ": reference " + expected + ", answered " + verdicts.get(i));
                    }
                }
                assertThat(wrong).as(spec + ", step " + stepNumber).isEmpty();
                requests++;
                connections += probes.size();
            }
        }
        System.out.println("NetworkPolicy conformance over HTTP: " + requests + " evaluate requests, " + connections
                + " connections answered as the reference, in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    private static List<String> verdicts(byte[] answer) {
        try {
            List<String> verdicts = new ArrayList<>();
            JSON.readTree(answer)
                    .path("results")
                    .forEach(r -> verdicts.add(r.path("verdict").asText()));
            return verdicts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every pod to every pod, on each protocol and port the spec probes after this step. */
    private static List<Probe> probes(World world, List<ConformanceCase.Probe> upstream) {
        ReferenceSemantics reference = new ReferenceSemantics(world, true);
        List<Probe> probes = new ArrayList<>();
        for (ConformanceCase.Probe probed : upstream) {
            for (World.Pod source : world.pods()) {
                for (World.Pod destination : world.pods()) {
                    probes.add(new Probe(
                            source.id(),
                            destination.id(),
                            probed.protocol(),
                            probed.port(),
                            reference.allows(source, destination, probed.protocol(), probed.port())));
                }
            }
        }
        return probes;
    }
}
