package ai.matih.flowwatch.alerting;

import java.util.List;

/** Delivers a batch of alerts to one Alertmanager. */
interface AlertTransport {

    /**
     * Posts the alerts to {@code <baseUrl>/api/v2/alerts}, waiting for the answer (at most the configured timeout).
     *
     * @throws DeliveryException when the Alertmanager did not accept them
     */
    void post(String baseUrl, List<Alert> alerts) throws DeliveryException;

    /** A delivery that failed: unreachable, timed out, or not answered with 2xx. */
    final class DeliveryException extends Exception {

        private static final long serialVersionUID = 1L;

        private final boolean retryable;

        DeliveryException(String message) {
            this(message, true);
        }

        /** @param retryable false when sending the same request again cannot help (a 4xx answer) */
        DeliveryException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        DeliveryException(String message, Throwable cause) {
            super(message, cause);
            this.retryable = true;
        }

        /** False when sending the same request again cannot help. */
        boolean retryable() {
            return retryable;
        }
    }
}
