package ai.matih.flowwatch.topology.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed EgressException CRD is the one generated from its Java model, never edited by hand. */
class EgressExceptionCrdTest {

    static final Path COMMITTED = Path.of("deploy/kubernetes/base/egressexceptions.flowwatch.matih.ai.yaml");
    static final String REGENERATE =
            "regenerate it: ./mvnw -o test -Dtest=EgressExceptionCrdTest -Dflowwatch.crd.regenerate=true";

    @Test
    void committedCrdIsTheOneGeneratedFromTheJavaModel(@TempDir Path dir) throws IOException {
        // Given the CRD generated from EgressExceptionResource
        String generated = generate(dir);
        if (Boolean.getBoolean("flowwatch.crd.regenerate")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, generated);
        }

        // When the committed file is read
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "";

        // Then they are the same
        assertThat(committed)
                .as(
                        "%s differs from the CRD generated from topology/kubernetes/EgressException*; %s",
                        COMMITTED, REGENERATE)
                .isEqualTo(generated);
    }

    @Test
    void crdIsNamespacedV1WithSchemaAndPrinterColumns(@TempDir Path dir) throws IOException {
        // Given / When
        String crd = generate(dir);

        // Then
        assertThat(crd)
                .contains("name: \"egressexceptions.flowwatch.matih.ai\"")
                .contains("group: \"flowwatch.matih.ai\"")
                .contains("kind: \"EgressException\"")
                .contains("scope: \"Namespaced\"")
                .contains("name: \"v1\"")
                .contains("openAPIV3Schema:")
                .contains("jsonPath: \".spec.tenant\"")
                .contains("jsonPath: \".spec.owner\"")
                .contains("jsonPath: \".spec.expires\"")
                .contains("- \"cidrs\"")
                .contains("- \"tenant\"");
    }

    static String generate(Path dir) throws IOException {
        new CRDGenerator()
                .customResourceClasses(EgressExceptionResource.class)
                .forCRDVersions("v1")
                .inOutputDir(dir.toFile())
                .generate();
        try (var files = Files.list(dir)) {
            Path file = files.filter(f -> f.getFileName().toString().startsWith("egressexceptions."))
                    .findFirst()
                    .orElseThrow();
            return Files.readString(file);
        }
    }
}
