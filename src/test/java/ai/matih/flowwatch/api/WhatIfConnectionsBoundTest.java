package ai.matih.flowwatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The connections of a what-if body are read only up to the most a request may carry. */
class WhatIfConnectionsBoundTest {

    /** A request body of the largest size accepted (5 MB), all of it empty connection objects: ~1.7 million. */
    static byte[] emptyConnections(int bytes) {
        String open = "{\"manifests\":\"\",\"connections\":[";
        String close = "{}]}";
        int n = (bytes - open.length() - close.length()) / 3;
        StringBuilder sb = new StringBuilder(bytes);
        sb.append(open);
        for (int i = 0; i < n; i++) {
            sb.append("{},");
        }
        return sb.append(close).toString().getBytes(StandardCharsets.UTF_8);
    }

    static long allocatedByThisThread() {
        var threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void fiveMegabytesOfEmptyConnectionsAreRefusedWithoutBuildingThemAll() {
        // Given
        byte[] body = emptyConnections(5 * 1024 * 1024);
        WhatIf whatIf = new WhatIf(null, new ObjectMapper(), null);
        long before = allocatedByThisThread();
        // When
        ProblemException e =
                catchThrowableOfType(() -> whatIf.run(body, Caller.admin("admin"), false), ProblemException.class);
        // Then: 400 naming the connections, and the parse stopped long before building 1.7 million objects
        long allocated = allocatedByThisThread() - before;
        assertThat(e).isNotNull();
        assertThat(e.toProblem().status()).isEqualTo(400);
        assertThat(e.toProblem().parameter()).isEqualTo("connections");
        assertThat(e.getMessage()).contains("at most 10000 connections");
        assertThat(allocated).isLessThan(16L * 1024 * 1024);
    }

    @Test
    void theMostConnectionsARequestMayCarryAreRead() throws Exception {
        // Given: exactly the bound, and one more
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < WhatIf.MAX_CONNECTIONS; i++) {
            sb.append(i == 0 ? "{}" : ",{}");
        }
        String atBound = "{\"connections\":" + sb + "]}";
        String beyond = "{\"connections\":" + sb + ",{}]}";
        ObjectMapper mapper = new ObjectMapper();
        // When
        EvaluateRequest read = mapper.readValue(atBound, EvaluateRequest.class);
        Throwable refused = catchThrowableOfType(
                () -> mapper.readValue(beyond, EvaluateRequest.class), BoundedConnections.TooMany.class);
        // Then
        assertThat(read.connections()).hasSize(WhatIf.MAX_CONNECTIONS);
        assertThat(refused).isNotNull();
    }
}
