package ai.matih.flowwatch.policy.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.matih.flowwatch.policy.CniProfile;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential testing beyond the upstream suites: seeded random clusters ({@link RandomPolicies}), each judged on
 * the full truth table by the production engine and by {@link ReferenceSemantics}, under the conformance CNI profile
 * for even seeds and under {@code ipblock-ignores-pod-ips} for odd ones. The seeds are fixed so a failure
 * reproduces; {@code -Dflowwatch.conformance.random-cases=N} runs more of them.
 */
class NetworkPolicyDifferentialTest {

    private static final long FIRST_SEED = 20_161_205L;

    static LongStream seeds() {
        long count = Long.getLong("flowwatch.conformance.random-cases", 120);
        return LongStream.range(FIRST_SEED, FIRST_SEED + count);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void engineGivesTheReferenceTruthTableOnRandomPolicies(long seed) {
        // Given the model cluster with random labels and policies
        ConformanceCase random = RandomPolicies.generate(seed);
        World world = World.initial();
        random.steps().forEach(step -> step.actions().forEach(action -> action.apply(world)));
        CniProfile profile = seed % 2 == 0 ? CniProfile.CONFORMANCE : CniProfile.IPBLOCK_IGNORES_POD_IPS;

        // When every cell is judged
        TruthTable table = TruthTable.of(world, profile);

        // Then the policies are valid and the engine agrees with the reference everywhere
        assertThat(table.problems())
                .as(random + ": policy problems\n" + world.manifests())
                .isEmpty();
        List<TruthTable.Mismatch> mismatches = table.mismatches();
        assertThat(mismatches)
                .as(() -> random + ", CNI profile " + profile.name() + "\n" + state(world)
                        + NetworkPolicyConformanceTest.describe(table, mismatches))
                .isEmpty();
    }

    private static String state(World world) {
        StringBuilder sb = new StringBuilder();
        world.policies()
                .forEach(p -> sb.append(p.namespace())
                        .append('/')
                        .append(p.name())
                        .append(": ")
                        .append(p.spec())
                        .append('\n'));
        world.pods()
                .forEach(p -> sb.append(p.id()).append(' ').append(p.labels()).append('\n'));
        return sb.toString();
    }
}
