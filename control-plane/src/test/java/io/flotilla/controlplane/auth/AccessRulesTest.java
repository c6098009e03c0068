package io.flotilla.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    @Test
    void pathAndMethodDecideTheRole() {
        assertThat(AccessRules.required("GET", "/api/v1/clusters")).contains(Role.VIEWER);
        assertThat(AccessRules.required("HEAD", "/api/v1/policies/x")).contains(Role.VIEWER);
        assertThat(AccessRules.required("POST", "/api/v1/policies")).contains(Role.OPERATOR);
        assertThat(AccessRules.required("DELETE", "/api/v1/policies/x")).contains(Role.OPERATOR);
        assertThat(AccessRules.required("PUT", "/api/v1/clusters/a/workloads/b")).contains(Role.OPERATOR);
        assertThat(AccessRules.required("GET", "/api/v1/tokens")).contains(Role.ADMIN);
        assertThat(AccessRules.required("GET", "/api/v1/users/1")).contains(Role.ADMIN);
        assertThat(AccessRules.required("POST", "/api/v1/enrollments")).contains(Role.ADMIN);
        assertThat(AccessRules.required("GET", "/q/metrics")).contains(Role.VIEWER);
        assertThat(AccessRules.required("GET", "/q/health/ready")).isEmpty();
        assertThat(AccessRules.required("GET", "/q/openapi")).isEmpty();
        assertThat(AccessRules.required("POST", "/v1/chat/completions")).isEmpty();
        assertThat(AccessRules.required("GET", "/")).isEmpty();
        assertThat(AccessRules.required("GET", "/console/overview.js")).isEmpty();
        // a look-alike prefix is not the API
        assertThat(AccessRules.required("GET", "/apiary")).isEmpty();
        assertThat(AccessRules.required("GET", "/api/v1/tokensmith")).contains(Role.VIEWER);
    }

    @Test
    void pathTricksDoNotLowerTheRole() {
        assertThat(AccessRules.required("GET", "//api//v1/tokens")).contains(Role.ADMIN);
        assertThat(AccessRules.required("GET", "/console/../api/v1/tokens")).contains(Role.ADMIN);
        assertThat(AccessRules.required("GET", "/API/v1/Tokens")).contains(Role.ADMIN);
        assertThat(AccessRules.required("GET", "/q/health/../metrics")).contains(Role.VIEWER);
        assertThat(AccessRules.required("GET", "/./api/v1/clusters")).isEqualTo(Optional.of(Role.VIEWER));
    }
}
