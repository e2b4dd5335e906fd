package ai.matih.flowwatch.policy.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An upstream e2e expectation made a table: every pair of the spec's pods reachable, then each operation
 * ({@code "<from> > <to> allow|deny"}) applied in order to the pairs its ends match.
 */
final class Reachability {

    private Reachability() {}

    /** Expected reachability by {@code "from > to"}, over every pair of {@code pods}. */
    static Map<String, Boolean> expected(List<String> pods, List<String> operations) {
        Map<String, Boolean> table = new LinkedHashMap<>();
        for (String from : pods) {
            for (String to : pods) {
                table.put(from + " > " + to, true);
            }
        }
        for (String operation : operations) {
            String[] parts = operation.trim().split("\\s+");
            if (parts.length != 4 || !parts[1].equals(">") || !(parts[3].equals("allow") || parts[3].equals("deny"))) {
                throw new IllegalArgumentException("not a reachability operation: " + operation);
            }
            for (String from : pods) {
                for (String to : pods) {
                    if (matches(parts[0], from) && matches(parts[2], to)) {
                        table.put(from + " > " + to, parts[3].equals("allow"));
                    }
                }
            }
        }
        return table;
    }

    private static boolean matches(String peer, String pod) {
        if (peer.equals("*")) {
            return true;
        }
        String[] want = peer.split("/");
        String[] have = pod.split("/");
        return (want[0].equals("*") || want[0].equals(have[0])) && (want[1].equals("*") || want[1].equals(have[1]));
    }
}
