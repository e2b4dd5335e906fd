package ai.matih.flowwatch.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import inet.ipaddr.IPAddress;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads Kubernetes manifests into a {@link Topology}. Pure: no CDI, no state besides its settings; safe to share.
 *
 * <p>A location is a file, a directory (searched recursively for {@code *.yaml}, {@code *.yml}, {@code *.json};
 * hidden entries such as the {@code ..data} links of a mounted ConfigMap are skipped; files are read in path order)
 * or {@code classpath:<resource>}. YAML may hold several documents ({@code ---}); JSON files may hold one or more
 * objects or an array. {@code kind: List} (or any {@code *List} kind) contributes its {@code items}.
 *
 * <p>Read kinds: {@code v1 Namespace}, {@code v1 Pod}, {@code networking.k8s.io/v1 NetworkPolicy},
 * {@code flowwatch.matih.ai/v1 EgressException}. Other kinds are ignored, counted in the result and logged once
 * per kind per load. A Pod or NetworkPolicy without {@code metadata.namespace} is in {@code default}.
 */
public final class ManifestLoader {

    /** Prefix of a classpath location. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    private static final Logger LOGGER = Logger.getLogger(ManifestLoader.class);
    private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()));
    private static final ObjectMapper JSON = configure(new ObjectMapper());
    private static final Map<String, String> READ_KINDS = Map.of(
            "Namespace", "v1",
            "Pod", "v1",
            "NetworkPolicy", "networking.k8s.io/v1",
            "EgressException", "flowwatch.matih.ai/v1");

    private final TenancyRules rules;
    private final List<IPAddress> internalCidrs;
    private final DnsSelector dns;
    private final Clock clock;

    public ManifestLoader(TenancyRules rules, List<IPAddress> internalCidrs, DnsSelector dns) {
        this(rules, internalCidrs, dns, Clock.systemUTC());
    }

    public ManifestLoader(TenancyRules rules, List<IPAddress> internalCidrs, DnsSelector dns, Clock clock) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.internalCidrs = List.copyOf(internalCidrs);
        this.dns = Objects.requireNonNull(dns, "dns");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What a load produced.
     *
     * @param topology             the snapshot
     * @param documents            documents read (List items counted one by one; empty documents not counted)
     * @param ignoredKinds         ignored documents per kind
     * @param sources              files (or the resource) read, in order
     * @param undeclaredNamespaces namespaces of pods or policies that have no Namespace document
     */
    public record Result(
            Topology topology,
            int documents,
            Map<String, Integer> ignoredKinds,
            List<String> sources,
            Set<String> undeclaredNamespaces) {

        public Result {
            ignoredKinds = Map.copyOf(ignoredKinds);
            sources = List.copyOf(sources);
            undeclaredNamespaces = Set.copyOf(undeclaredNamespaces);
        }
    }

    /** An empty topology (nothing loaded) with this loader's rules and cluster settings. */
    public Topology empty(String origin) {
        return Topology.empty(rules, internalCidrs, dns, clock.instant(), origin);
    }

    /**
     * Loads a file, a directory or {@code classpath:<resource>}.
     *
     * @throws ManifestException when the location is missing or unreadable or a document is invalid
     */
    public Result load(String location) {
        String trimmed = location.trim();
        if (trimmed.startsWith(CLASSPATH_PREFIX)) {
            return loadResource(trimmed.substring(CLASSPATH_PREFIX.length()), trimmed);
        }
        return load(Path.of(trimmed));
    }

    /** Loads a file or a directory. */
    public Result load(Path path) {
        Load load = new Load();
        for (Path file : manifestFiles(path)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                load.read(reader, file.toString(), isJson(file.toString()));
            } catch (IOException e) {
                throw new ManifestException(file.toString(), null, null, "cannot be read: " + e.getMessage(), e);
            }
        }
        return load.finish(path.toString());
    }

    /** Parses manifests given as text (multi-document YAML, or JSON, which is YAML too). */
    public Result parse(String manifests, String sourceName) {
        Load load = new Load();
        try {
            load.read(new StringReader(manifests), sourceName, false);
        } catch (IOException e) {
            // the YAML parser's own errors (e.g. a NUL character) are IOExceptions too: bad input, not an I/O failure
            throw new ManifestException(sourceName, null, null, "is not valid YAML: " + e.getMessage(), e);
        }
        return load.finish(sourceName);
    }

    private Result loadResource(String resource, String origin) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        InputStream in = cl == null ? null : cl.getResourceAsStream(name);
        if (in == null) {
            in = ManifestLoader.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            throw new ManifestException(origin, null, null, "no such classpath resource", null);
        }
        Load load = new Load();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            load.read(reader, origin, isJson(name));
        } catch (IOException e) {
            throw new ManifestException(origin, null, null, "cannot be read: " + e.getMessage(), e);
        }
        return load.finish(origin);
    }

    /**
     * The manifest files of a location, sorted by path: the file itself, or the {@code *.yaml}, {@code *.yml} and
     * {@code *.json} files under a directory (recursively, following links, skipping hidden entries).
     *
     * @throws ManifestException when the path does not exist or cannot be listed
     */
    public static List<Path> manifestFiles(Path path) {
        if (!Files.exists(path)) {
            throw new ManifestException(path.toString(), null, null, "does not exist", null);
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(
                    path, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return !dir.equals(path) && hidden(dir)
                                    ? FileVisitResult.SKIP_SUBTREE
                                    : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (attrs.isRegularFile() && !hidden(file) && isManifest(file.toString())) {
                                files.add(file);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            LOGGER.debugf("Skipping %s: %s", file, e.toString());
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new ManifestException(path.toString(), null, null, "cannot be listed: " + e.getMessage(), e);
        }
        files.sort(null);
        return files;
    }

    /**
     * A fingerprint of the manifest files of a location (path, last-modified time and size of each): equal
     * fingerprints mean nothing changed. Never throws: a missing location has its own fingerprint.
     */
    public static Map<String, String> fingerprint(Path path) {
        Map<String, String> fingerprint = new TreeMap<>();
        try {
            for (Path file : manifestFiles(path)) {
                try {
                    fingerprint.put(
                            file.toString(), Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file));
                } catch (IOException e) {
                    fingerprint.put(file.toString(), "unreadable");
                }
            }
        } catch (ManifestException e) {
            fingerprint.put(path.toString(), e.getMessage());
        }
        return fingerprint;
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static boolean isManifest(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
    }

    private static boolean isJson(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".json");
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** One load: accumulates documents from one or more sources. */
    private final class Load {

        private final TopologyBuilder builder = new TopologyBuilder(rules);
        private final Map<String, Integer> ignored = new TreeMap<>();
        private final List<String> sources = new ArrayList<>();
        private int documents;

        void read(Reader reader, String source, boolean json) throws IOException {
            sources.add(source);
            ObjectMapper mapper = json ? JSON : YAML;
            int index = 0;
            try (MappingIterator<JsonNode> docs =
                    mapper.readerFor(JsonNode.class).readValues(reader)) {
                while (true) {
                    JsonNode doc;
                    try {
                        if (!docs.hasNextValue()) {
                            break;
                        }
                        index++;
                        doc = docs.nextValue();
                    } catch (JsonProcessingException e) {
                        throw DocumentPosition.of(source, Math.max(index, 1)).error(null, syntaxError(e, json), e);
                    }
                    DocumentPosition at = DocumentPosition.of(source, index);
                    if (doc == null || doc.isNull() || doc.isMissingNode()) {
                        continue;
                    }
                    if (doc.isArray()) {
                        items(doc, at);
                    } else {
                        document(doc, at);
                    }
                }
            }
        }

        /** A one-line description of a syntax error, without the document text the parser quotes. */
        private static String syntaxError(JsonProcessingException e, boolean json) {
            String problem = e.getOriginalMessage();
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
                problem = yaml.getProblem();
                if (yaml.getProblemMark() != null) {
                    line = yaml.getProblemMark().getLine() + 1;
                    column = yaml.getProblemMark().getColumn() + 1;
                }
            }
            int newline = problem == null ? -1 : problem.indexOf('\n');
            if (newline >= 0) {
                problem = problem.substring(0, newline);
            }
            return "not valid " + (json ? "JSON" : "YAML") + " at line " + line + ", column " + column + ": " + problem;
        }

        private void items(JsonNode array, DocumentPosition at) {
            int item = 0;
            for (JsonNode node : array) {
                item++;
                if (!node.isNull()) {
                    document(node, at.item(item));
                }
            }
        }

        private void document(JsonNode doc, DocumentPosition at) {
            if (!doc.isObject()) {
                throw at.error(null, "is not a mapping (a Kubernetes object)");
            }
            JsonNode kindNode = doc.get("kind");
            if (kindNode == null || !kindNode.isTextual() || kindNode.asText().isBlank()) {
                throw at.error("kind", "is missing");
            }
            String kind = kindNode.asText();
            String apiVersion = doc.path("apiVersion").asText("");
            if (kind.endsWith("List") && doc.has("items")) {
                JsonNode items = doc.get("items");
                if (!items.isArray() && !items.isNull()) {
                    throw at.error("items", "is not a list");
                }
                items(items, at);
                return;
            }
            String expectedVersion = READ_KINDS.get(kind);
            if (expectedVersion == null || !expectedVersion.equals(apiVersion)) {
                ignored.merge(expectedVersion == null ? kind : kind + " (" + apiVersion + ")", 1, Integer::sum);
                documents++;
                return;
            }
            String name = doc.path("metadata").path("name").asText("");
            if (name.isBlank()) {
                throw at.error("metadata.name", "is missing");
            }
            switch (kind) {
                case "Namespace" -> builder.add(convert(doc, Namespace.class, at));
                case "NetworkPolicy" -> builder.add(convert(doc, NetworkPolicy.class, at));
                case "Pod" -> {
                    Pod pod = convert(doc, Pod.class, at);
                    builder.add(pod, ips(pod, at));
                }
                default -> builder.add(EgressExceptionParser.parse(doc, name, at));
            }
            documents++;
        }

        private List<String> ips(Pod pod, DocumentPosition at) {
            List<String> ips = new ArrayList<>();
            List<String> raw = TopologyBuilder.rawIps(pod.getStatus());
            for (int i = 0; i < raw.size(); i++) {
                IPAddress ip = Topology.parseIp(raw.get(i));
                if (ip == null || ip.isPrefixed()) {
                    boolean fromPodIps = pod.getStatus().getPodIPs() != null
                            && i < pod.getStatus().getPodIPs().size();
                    throw at.error(
                            fromPodIps ? "status.podIPs[" + i + "].ip" : "status.podIP",
                            "is not an IP address: '" + raw.get(i) + "'");
                }
                String canonical = ip.toCanonicalString();
                if (!ips.contains(canonical)) {
                    ips.add(canonical);
                }
            }
            return ips;
        }

        private <T> T convert(JsonNode doc, Class<T> type, DocumentPosition at) {
            try {
                return YAML.convertValue(doc, type);
            } catch (IllegalArgumentException e) {
                String field = null;
                String problem = e.getMessage();
                if (e.getCause() instanceof JsonMappingException jme) {
                    field = path(jme.getPath());
                    problem = jme.getOriginalMessage();
                }
                throw at.error(field, "cannot be read as a " + type.getSimpleName() + ": " + problem, e);
            }
        }

        private static String path(List<JsonMappingException.Reference> refs) {
            StringBuilder sb = new StringBuilder();
            for (JsonMappingException.Reference ref : refs) {
                if (ref.getFieldName() != null) {
                    sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    sb.append('[').append(ref.getIndex()).append(']');
                }
            }
            return sb.isEmpty() ? null : sb.toString();
        }

        Result finish(String origin) {
            ignored.forEach((kind, count) -> LOGGER.infof(
                    "Ignored %d manifest(s) of kind %s in %s: flowwatch reads Namespace, Pod, NetworkPolicy and "
                            + "EgressException",
                    count, kind, origin));
            Set<String> undeclared = builder.undeclaredNamespaces();
            if (!undeclared.isEmpty()) {
                LOGGER.debugf("Namespaces without a Namespace document in %s: %s", origin, undeclared);
            }
            Topology topology = builder.build(internalCidrs, dns, clock.instant(), origin);
            return new Result(topology, documents, new LinkedHashMap<>(ignored), sources, undeclared);
        }
    }
}
