package ai.matih.flowwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code kubectl apply -k DIR} applies, read the way kustomize reads it, for the features {@code
 * deploy/kubernetes} uses: {@code resources} (files, and directories holding a kustomization) in the order listed,
 * {@code components}, and {@code patches} given by {@code path} (strategic merge patches; lists of objects with a
 * {@code name} merge by name, like containers and env, new items first). Anything else in a kustomization fails the reading, so a
 * feature added to the files without being added here cannot go unchecked.
 *
 * @param directory the kustomization's directory
 * @param objects the resulting objects, in the order listed
 * @param patches every patch applied, with the object it applied to
 */
record Kustomization(Path directory, List<Resource> objects, List<Patch> patches) {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KNOWN_FIELDS = Set.of("apiVersion", "kind", "resources", "components", "patches");

    /** One object and the file it came from. */
    record Resource(Path file, JsonNode object) {
        String key() {
            return object.path("kind").asText() + "/"
                    + object.path("metadata").path("name").asText();
        }
    }

    /** One patch file and the object ({@code kind/name}) it changed. */
    record Patch(Path file, String target) {}

    static Kustomization load(Path directory) {
        List<Resource> objects = new ArrayList<>();
        List<Patch> patches = new ArrayList<>();
        read(directory, "Kustomization", objects, patches);
        return new Kustomization(directory, List.copyOf(objects), List.copyOf(patches));
    }

    /** The object of that kind and name; fails when there is none. */
    JsonNode get(String kind, String name) {
        return objects.stream()
                .filter(r -> r.key().equals(kind + "/" + name))
                .map(Resource::object)
                .findFirst()
                .orElseThrow(() -> new AssertionError(directory + " renders no " + kind + "/" + name));
    }

    /** The objects of one kind. */
    List<JsonNode> all(String kind) {
        return objects.stream()
                .map(Resource::object)
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
    }

    private static void read(Path directory, String expectedKind, List<Resource> objects, List<Patch> patches) {
        Path file = directory.resolve("kustomization.yaml");
        JsonNode kustomization = tree(file).get(0);
        String kind = kustomization.path("kind").asText();
        if (!kind.equals(expectedKind)) {
            throw new AssertionError(file + ": kind " + kind + ", expected " + expectedKind);
        }
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!KNOWN_FIELDS.contains(field)) {
                throw new AssertionError(file + ": '" + field + "' is not read by this test's kustomize reader");
            }
        });
        for (JsonNode entry : kustomization.path("resources")) {
            Path resource = directory.resolve(entry.asText()).normalize();
            if (Files.isDirectory(resource)) {
                read(resource, "Kustomization", objects, patches);
            } else if (Files.isRegularFile(resource)) {
                for (JsonNode object : tree(resource)) {
                    objects.add(new Resource(resource, object));
                }
            } else {
                throw new AssertionError(file + " lists " + entry.asText() + ", which does not exist");
            }
        }
        for (JsonNode entry : kustomization.path("components")) {
            Path component = directory.resolve(entry.asText()).normalize();
            if (!Files.isDirectory(component)) {
                throw new AssertionError(file + " lists component " + entry.asText() + ", which does not exist");
            }
            read(component, "Component", objects, patches);
        }
        for (JsonNode entry : kustomization.path("patches")) {
            if (entry.size() != 1 || !entry.has("path")) {
                throw new AssertionError(file + ": only patches given by path are read: " + entry);
            }
            Path patchFile = directory.resolve(entry.path("path").asText()).normalize();
            if (!Files.isRegularFile(patchFile)) {
                throw new AssertionError(file + " lists patch " + entry.path("path") + ", which does not exist");
            }
            for (JsonNode patch : tree(patchFile)) {
                Resource target = objects.stream()
                        .filter(r -> sameObject(r.object(), patch))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(patchFile + " patches "
                                + new Resource(patchFile, patch).key() + ", which is not there"));
                merge((ObjectNode) target.object(), patch);
                patches.add(new Patch(patchFile, target.key()));
            }
        }
    }

    private static boolean sameObject(JsonNode a, JsonNode b) {
        return a.path("apiVersion").equals(b.path("apiVersion"))
                && a.path("kind").equals(b.path("kind"))
                && a.path("metadata").path("name").equals(b.path("metadata").path("name"))
                && a.path("metadata")
                        .path("namespace")
                        .equals(b.path("metadata").path("namespace"));
    }

    /** Strategic merge: mappings merge, lists of named objects merge by name, anything else is replaced. */
    private static void merge(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(field -> {
            JsonNode current = target.get(field.getKey());
            JsonNode value = field.getValue();
            if (current instanceof ObjectNode object && value.isObject()) {
                merge(object, value);
            } else if (current instanceof ArrayNode list && value.isArray() && named(list) && named(value)) {
                int added = 0; // kustomize puts the patch's new items first, in the patch's order
                for (JsonNode item : value) {
                    JsonNode existing = null;
                    for (JsonNode candidate : list) {
                        if (candidate.path("name").equals(item.path("name"))) {
                            existing = candidate;
                        }
                    }
                    if (existing == null) {
                        list.insert(added++, item.deepCopy());
                    } else {
                        merge((ObjectNode) existing, item);
                    }
                }
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        });
    }

    private static boolean named(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.isObject() || !item.path("name").isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** The non-empty YAML documents of a file. */
    static List<JsonNode> tree(Path file) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return docs;
    }
}
