package ai.matih.flowwatch.alerting;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A transport that keeps what it was given and fails for the URLs it is told are down. */
final class RecordingTransport implements AlertTransport {

    /** One POST. */
    record Post(String url, List<Alert> alerts) {}

    final List<Post> posts = new ArrayList<>();
    final List<String> attempts = new ArrayList<>();
    final Set<String> down = new HashSet<>();
    final Set<String> refusing = new HashSet<>();

    @Override
    public synchronized void post(String baseUrl, List<Alert> alerts) throws DeliveryException {
        attempts.add(baseUrl);
        if (down.contains(baseUrl)) {
            throw new DeliveryException("connection refused");
        }
        if (refusing.contains(baseUrl)) {
            throw new DeliveryException("HTTP 400: bad alerts", false);
        }
        posts.add(new Post(baseUrl, List.copyOf(alerts)));
    }

    synchronized List<Alert> alertsTo(String url) {
        return posts.stream()
                .filter(p -> p.url().equals(url))
                .flatMap(p -> p.alerts().stream())
                .toList();
    }

    synchronized void clear() {
        posts.clear();
        attempts.clear();
    }
}
