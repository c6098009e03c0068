package io.flotilla.controlplane.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every REST endpoint that the application deploys declares who may call it, and the declaration is what the
 * endpoint enforces. The endpoints come from two independent sources that must agree: the resource classes compiled
 * into the application ({@code target/classes}) and the OpenAPI document of the running application, whose
 * operation ids name the resource method ({@code ClusterResource_list}).
 */
@QuarkusTest
@TestProfile(AuthEnabledProfile.class)
class EndpointAccessTest {

    private static final List<String> ROLES = List.of(Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN);

    /** One deployed operation: its HTTP method and path template, and the Java method that serves it. */
    record Operation(String httpMethod, String path, Method method, boolean streams) {
        @Override
        public String toString() {
            return httpMethod + " " + path + " (" + method.getDeclaringClass().getSimpleName() + "." + method.getName() + ")";
        }
    }

    private static Map<String, Method> compiled;

    @BeforeAll
    static void scanCompiledResources() throws IOException {
        compiled = resourceMethods(java.nio.file.Path.of("target/classes"));
    }

    @Test
    void everyCompiledResourceMethodDeclaresWhoMayCallIt() {
        assertThat(compiled).as("resource methods found under target/classes").hasSizeGreaterThan(20);
        List<String> undeclared = compiled.entrySet().stream()
                .filter(e -> declaration(e.getValue()).isEmpty())
                .map(Map.Entry::getKey).toList();
        assertThat(undeclared).as("endpoints without @RolesAllowed/@PermitAll (they would be refused to everyone)").isEmpty();
        List<String> unknownRoles = compiled.entrySet().stream()
                .filter(e -> declaration(e.getValue()).filter(d -> d instanceof RolesAllowed r
                        && !ROLES.containsAll(Arrays.asList(r.value()))).isPresent())
                .map(Map.Entry::getKey).toList();
        assertThat(unknownRoles).as("endpoints naming a role that no token can hold").isEmpty();
    }

    @Test
    void theDeployedEndpointsAreExactlyTheCompiledOnes() throws IOException {
        List<String> deployed = deployed().stream().map(o -> o.method().getDeclaringClass().getSimpleName() + "_"
                + o.method().getName()).sorted().toList();
        assertThat(deployed).containsExactlyInAnyOrderElementsOf(compiled.keySet());
    }

    @Test
    void withoutATokenEveryEndpointAnswers401() throws IOException {
        for (Operation o : deployed()) {
            if (declaration(o.method()).filter(PermitAll.class::isInstance).isPresent()) {
                continue;
            }
            call(given(), o).then().statusCode(401);
        }
    }

    @Test
    void aTokenBelowTheDeclaredRoleIsRefusedWith403() throws IOException {
        Map<String, String> tokens = Map.of(Roles.VIEWER, ApiTokens.create("enum-viewer", Roles.VIEWER),
                Roles.OPERATOR, ApiTokens.create("enum-operator", Roles.OPERATOR));
        int checked = 0;
        for (Operation o : deployed()) {
            Optional<RolesAllowed> roles = declaration(o.method()).filter(RolesAllowed.class::isInstance).map(RolesAllowed.class::cast);
            if (roles.isEmpty()) {
                continue;
            }
            int lowest = Arrays.stream(roles.get().value()).mapToInt(ROLES::indexOf).min().orElseThrow();
            for (var t : tokens.entrySet()) {
                if (ROLES.indexOf(t.getKey()) < lowest) {
                    Response r = call(given().auth().oauth2(t.getValue()), o);
                    assertThat(r.statusCode()).as(o + " with a " + t.getKey() + " token").isEqualTo(403);
                    checked++;
                }
            }
        }
        assertThat(checked).as("operations refused to a lower role").isGreaterThan(10);
    }

    @Test
    void anEndpointThatDeclaresNoRoleIsRefusedEvenToAnAdmin() {
        given().auth().oauth2(ApiTokens.admin()).get("/api/v1/test-fixture/undeclared").then().statusCode(403);
        given().get("/api/v1/test-fixture/undeclared").then().statusCode(401);
    }

    private static Response call(RequestSpecification spec, Operation o) {
        String path = o.path().replaceAll("\\{[^}]+}", "x");
        if (o.streams()) {
            spec = spec.header("Accept", "text/event-stream");
        }
        return spec.contentType("application/json").body("{}").request(o.httpMethod(), path);
    }

    /** The operations of the running application's OpenAPI document, each resolved to its compiled method. */
    private static List<Operation> deployed() throws IOException {
        JsonNode openapi = new ObjectMapper().readTree(given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString());
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = openapi.get("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                String id = op.getValue().path("operationId").asText();
                if (id.equals(UndeclaredFixtureResource.OPERATION_ID)) {
                    continue;
                }
                Method m = compiled.get(id);
                assertThat(m).as("deployed operation %s %s (operation id '%s') is a compiled resource method",
                        op.getKey(), path.getKey(), id).isNotNull();
                boolean streams = op.getValue().path("responses").toString().contains("text/event-stream");
                operations.add(new Operation(op.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), m, streams));
            }
        }
        return operations;
    }

    /** The access annotation that applies to a resource method: its own, else its class's. */
    private static Optional<Object> declaration(Method m) {
        var kinds = List.of(RolesAllowed.class, PermitAll.class, DenyAll.class);
        return kinds.stream().map(a -> (Object) m.getAnnotation(a)).filter(java.util.Objects::nonNull).findFirst()
                .or(() -> kinds.stream().map(a -> (Object) m.getDeclaringClass().getAnnotation(a))
                        .filter(java.util.Objects::nonNull).findFirst());
    }

    /** Resource methods (annotated with an HTTP method) of the classes under {@code classes}, by "Class_method". */
    private static Map<String, Method> resourceMethods(java.nio.file.Path classes) throws IOException {
        Map<String, Method> found = new TreeMap<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, EndpointAccessTest.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                for (Method m : type.getDeclaredMethods()) {
                    boolean endpoint = Arrays.stream(m.getAnnotations())
                            .anyMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class));
                    if (endpoint || (m.isAnnotationPresent(Path.class) && type.isAnnotationPresent(Path.class))) {
                        Method previous = found.put(type.getSimpleName() + "_" + m.getName(), m);
                        assertThat(previous).as("two resource methods named %s.%s", type.getSimpleName(), m.getName()).isNull();
                    }
                }
            }
        }
        return found;
    }
}
