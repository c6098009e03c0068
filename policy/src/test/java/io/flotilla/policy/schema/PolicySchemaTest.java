package io.flotilla.policy.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import io.flotilla.policy.schema.Shape.EnvShape;
import io.flotilla.policy.schema.Shape.ListShape;
import io.flotilla.policy.schema.Shape.ObjectShape;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySchemaTest {

    @Test
    void everyModelComponentHasAFieldOfTheSameNameInTheSameOrder() {
        for (ObjectShape shape : PolicySchema.objects()) {
            List<String> components = Arrays.stream(shape.type().getRecordComponents()).map(RecordComponent::getName).toList();
            assertThat(shape.fields()).as(shape.title()).extracting(Field::name).containsExactlyElementsOf(components);
        }
    }

    @Test
    void everyNestedModelRecordIsDescribedByItsOwnObjectShape() {
        for (ObjectShape shape : PolicySchema.objects()) {
            RecordComponent[] components = shape.type().getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                Class<?> type = elementType(components[i]);
                Shape fieldShape = shape.fields().get(i).shape();
                Shape inner = fieldShape instanceof ListShape l ? l.item() : fieldShape instanceof EnvShape e ? e.entry() : fieldShape;
                if (type.isRecord() && type.getPackageName().equals("io.flotilla.policy") && !type.getSimpleName().endsWith("Quantity") && !type.getSimpleName().equals("IntOrPercent")) {
                    assertThat(inner).as(shape.title() + "." + components[i].getName()).isInstanceOf(ObjectShape.class);
                    assertThat(((ObjectShape) inner).type()).isEqualTo(type);
                    assertThat(PolicySchema.objects()).contains((ObjectShape) inner);
                }
            }
        }
    }

    private static Class<?> elementType(RecordComponent c) {
        if ((c.getType() == List.class || c.getType() == java.util.Optional.class) && c.getGenericType() instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> k) {
            return k;
        }
        return c.getType();
    }

    /** With -Dflotilla.schema.write=true the published schema is rewritten instead of compared. */
    @Test
    void publishedSchemaIsTheGeneratedOne() throws IOException {
        String generated = new JsonSchemaGenerator(JurisdictionCatalog.builtIn(), Sites.builtIn()).generate();
        Path published = repoRoot().resolve("docs/schema").resolve(JsonSchemaGenerator.FILE_NAME);
        if (Boolean.getBoolean("flotilla.schema.write")) {
            Files.createDirectories(published.getParent());
            Files.writeString(published, generated);
        }
        assertThat(published).as("regenerate with: ./mvnw -pl policy test -Dtest=PolicySchemaTest -Dflotilla.schema.write=true")
                .hasContent(generated);
    }

    @Test
    void schemaListsEveryFieldAndRequiredOnes() {
        String generated = new JsonSchemaGenerator(JurisdictionCatalog.builtIn(), Sites.builtIn()).generate();
        for (ObjectShape shape : PolicySchema.objects()) {
            for (Field f : shape.fields()) {
                assertThat(generated).contains("\"" + f.name() + "\": {");
            }
        }
        assertThat(generated).contains("\"required\": [\n    \"apiVersion\",\n    \"kind\",\n    \"metadata\",\n    \"spec\"\n  ]");
    }

    @Test
    void policyReferenceDocumentsEveryField() throws IOException {
        String doc = Files.readString(repoRoot().resolve("docs/policy.md"));
        var missing = new ArrayList<String>();
        for (ObjectShape shape : PolicySchema.objects()) {
            for (Field f : shape.fields()) {
                if (!doc.contains("`" + f.name() + "`")) {
                    missing.add(shape.title() + "." + f.name());
                }
            }
        }
        assertThat(missing).as("fields not mentioned as `name` in docs/policy.md").isEmpty();
    }

    private static Path repoRoot() {
        String root = System.getProperty("flotilla.repo.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }
}
