package ai.matih.flowwatch.bench;

import ai.matih.flowwatch.demo.DemoRecords;
import ai.matih.flowwatch.demo.DemoTopics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The records of {@link JsonScannerBenchmark}, the same bytes for every contender: record values of one topic from
 * the demo generator ({@link DemoRecords}, fixed seed, 1 % violating connections, a clock that advances a
 * millisecond per reading), and Hubble lines whose pod endpoints carry 25-40 more {@code k8s:} labels each (the
 * labels a Helm chart, a service mesh, a cost tool and a team add), the same ones for a pod in every line it appears
 * in, as in a real cluster; and those lines again with one label that differs in every line.
 */
public enum ScannerBenchmarkRecords {
    /** Hubble exporter lines ({@code hubble-flows}), one per record. */
    HUBBLE,
    /** Calico Enterprise lines and Goldmane flows (Whisker form, emitter NDJSON) as on {@code calico-flows}. */
    CALICO,
    /** The Hubble lines of {@link #HUBBLE} with 25-40 more labels per pod endpoint. */
    HUBBLE_LABEL_HEAVY,
    /**
     * The lines of {@link #HUBBLE_LABEL_HEAVY} with one more label whose value differs in every line (a rollout
     * revision), so that no endpoint object repeats: an attacker's records, or a cluster in heavy churn, where no
     * memo of endpoints helps.
     */
    HUBBLE_LABEL_HEAVY_DISTINCT;

    /** The format whose topic the records are read from. */
    String format() {
        return this == CALICO ? "calico" : "hubble";
    }

    /**
     * How many records the benchmark cycles through: 4,096, or for {@link #HUBBLE_LABEL_HEAVY_DISTINCT} 16,384, so
     * that an endpoint has left the memo's 4,096 slots (almost surely) before its line comes round again. A power of
     * two.
     */
    int records() {
        return this == HUBBLE_LABEL_HEAVY_DISTINCT ? 16_384 : 4096;
    }

    /** {@code count} record values, the same for every call. */
    byte[][] build(int count) {
        return switch (this) {
            case HUBBLE -> demo(DemoTopics.HUBBLE, count);
            case CALICO -> demo(DemoTopics.CALICO, count);
            case HUBBLE_LABEL_HEAVY -> withMoreLabels(demo(DemoTopics.HUBBLE, count), false);
            case HUBBLE_LABEL_HEAVY_DISTINCT -> withMoreLabels(demo(DemoTopics.HUBBLE, count), true);
        };
    }

    private static final long SEED = 20_261_205L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Label keys real pods carry besides the application's own (Helm, Argo CD, Istio, Linkerd, cost and team tools). */
    private static final List<String> EXTRA_KEYS = List.of(
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/version",
            "app.kubernetes.io/component",
            "app.kubernetes.io/part-of",
            "app.kubernetes.io/managed-by",
            "helm.sh/chart",
            "app.kubernetes.io/created-by",
            "controller-revision-hash",
            "team",
            "cost-center",
            "owner",
            "environment",
            "release",
            "heritage",
            "version",
            "security.istio.io/tlsMode",
            "service.istio.io/canonical-name",
            "service.istio.io/canonical-revision",
            "sidecar.istio.io/inject",
            "topology.kubernetes.io/zone",
            "topology.kubernetes.io/region",
            "argocd.argoproj.io/instance",
            "linkerd.io/control-plane-ns",
            "linkerd.io/proxy-deployment",
            "linkerd.io/workload-ns",
            "prometheus.io/scrape",
            "prometheus.io/port",
            "backup.velero.io/backup-volumes",
            "compliance.example.com/pci",
            "compliance.example.com/hipaa",
            "data-classification",
            "business-unit",
            "product",
            "service-tier",
            "on-call",
            "git-commit",
            "build-id",
            "sla",
            "billing.example.com/project",
            "autoscaling.example.com/profile",
            "network.example.com/egress-profile",
            "deployment-strategy",
            "canary",
            "feature-flags.example.com/set");

    private static byte[][] demo(String topic, int count) {
        DemoRecords demo = new DemoRecords(new Random(SEED), new TickingClock());
        Random violations = new Random(SEED + 1);
        List<byte[]> out = new ArrayList<>(count);
        while (out.size() < count) {
            for (DemoRecords.Output record : demo.nextConnection(violations.nextInt(100) == 0)) {
                if (record.topic().equals(topic) && out.size() < count) {
                    out.add(record.value().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return out.toArray(byte[][]::new);
    }

    private static byte[][] withMoreLabels(byte[][] lines, boolean distinct) {
        byte[][] out = new byte[lines.length][];
        for (int i = 0; i < lines.length; i++) {
            try {
                ObjectNode line = (ObjectNode) JSON.readTree(lines[i]);
                JsonNode flow = line.get("flow");
                addLabels(flow.get("source"), distinct ? "r" + i + "-s" : null);
                addLabels(flow.get("destination"), distinct ? "r" + i + "-d" : null);
                out[i] = JSON.writeValueAsBytes(line);
            } catch (IOException e) {
                throw new IllegalStateException("demo line " + i, e);
            }
        }
        return out;
    }

    /**
     * 25-40 more labels on a pod endpoint, chosen from the pod's name so that a pod always carries the same ones,
     * and the {@code revision} label unless null.
     */
    private static void addLabels(JsonNode endpoint, String revision) {
        if (endpoint == null || !endpoint.hasNonNull("pod_name")) {
            return;
        }
        String pod = endpoint.get("pod_name").asText();
        Random random = new Random(pod.hashCode());
        List<String> keys = new ArrayList<>(EXTRA_KEYS);
        Collections.shuffle(keys, random);
        int count = 25 + random.nextInt(16);
        ArrayNode labels = (ArrayNode) endpoint.get("labels");
        for (String key : keys.subList(0, count)) {
            labels.add("k8s:" + key + "=" + value(key, pod, random));
        }
        if (revision != null) {
            labels.add("k8s:rollout.example.com/revision=" + revision);
        }
    }

    private static String value(String key, String pod, Random random) {
        return switch (key) {
            case "controller-revision-hash" -> Long.toHexString(random.nextLong() >>> 24);
            case "git-commit" -> Long.toHexString(random.nextLong());
            case "helm.sh/chart" -> workload(pod) + "-1." + random.nextInt(30) + "." + random.nextInt(10);
            case "app.kubernetes.io/version", "version" -> "v2." + random.nextInt(40) + "." + random.nextInt(10);
            case "topology.kubernetes.io/zone" -> "eu-west-1" + (char) ('a' + random.nextInt(3));
            case "topology.kubernetes.io/region" -> "eu-west-1";
            case "prometheus.io/port" -> Integer.toString(8000 + random.nextInt(2000));
            case "cost-center" -> "cc-" + (1000 + random.nextInt(9000));
            case "build-id" -> Integer.toString(100_000 + random.nextInt(900_000));
            case "prometheus.io/scrape", "sidecar.istio.io/inject", "canary" -> Boolean.toString(random.nextBoolean());
            default -> workload(pod) + "-" + Integer.toString(random.nextInt(1 << 20), 36);
        };
    }

    /** The pod name without its generated suffixes, at most 40 characters (label values are at most 63). */
    private static String workload(String pod) {
        int dash = pod.indexOf('-', Math.min(pod.length(), 3));
        String base = dash > 0 ? pod.substring(0, dash) : pod;
        return base.length() > 40 ? base.substring(0, 40) : base;
    }

    /** A clock from a fixed instant that advances a millisecond each time it is read. */
    private static final class TickingClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            now = now.plusMillis(1);
            return now;
        }
    }
}
