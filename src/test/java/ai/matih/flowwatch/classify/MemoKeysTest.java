package ai.matih.flowwatch.classify;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.policy.PolicyEndpoint;
import ai.matih.flowwatch.topology.PodInfo;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A connection is kept whole as a memo key only while its texts, in every part of its endpoints, stay small. */
class MemoKeysTest {

    private static final PolicyEndpoint ADDRESS = PolicyEndpoint.Address.external("203.0.113.7");
    private static final String LONG = "x".repeat(MemoKeys.EXACT_KEY_CHARS);

    static List<Object[]> endpoints() {
        List<String> manyIps = IntStream.range(0, 1_000)
                .mapToObj(i -> "10.0." + i / 250 + "." + i % 250)
                .toList();
        List<PodInfo.ContainerPort> manyPorts =
                Collections.nCopies(1_000, new PodInfo.ContainerPort("http", 80, "TCP"));
        return List.of(
                new Object[] {"ordinary pod", pod(Map.of("app", "api"), List.of("10.0.0.1"), null), false},
                new Object[] {"long label", pod(Map.of("app", LONG), List.of(), null), true},
                new Object[] {"many IPs", pod(Map.of(), manyIps, null), true},
                new Object[] {"many ports", pod(Map.of(), List.of(), manyPorts), true},
                new Object[] {"address", ADDRESS, false});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void shouldKeyALargeEndpointByDigestOnEitherSide(String name, PolicyEndpoint endpoint, boolean large) {
        // Given an ordinary other side

        // When
        boolean asSource = MemoKeys.large(endpoint, ADDRESS);
        boolean asDestination = MemoKeys.large(ADDRESS, endpoint);

        // Then
        assertThat(asSource).isEqualTo(large);
        assertThat(asDestination).isEqualTo(large);
    }

    private static PolicyEndpoint pod(Map<String, String> labels, List<String> ips, List<PodInfo.ContainerPort> ports) {
        return new PolicyEndpoint.Pod("acme", "api-0", labels, null, ips, false, ports, null);
    }
}
