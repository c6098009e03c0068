package io.flotilla.controlplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.controlplane.routing.OpenAiErrors.Rejection;
import io.flotilla.controlplane.routing.RequestAdmission.Admitted;
import io.flotilla.controlplane.routing.RequestAdmission.Caller;
import io.flotilla.controlplane.routing.RequestAdmission.Key;
import io.flotilla.controlplane.routing.RequestAdmission.Tenant;
import io.flotilla.controlplane.routing.RequestAdmission.Verdict;
import io.flotilla.placement.routing.RouteQuery;
import io.flotilla.policy.JurisdictionCatalog;
import io.flotilla.policy.Sites;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Admission on its own: no server, no clusters, no Quarkus. */
class RequestAdmissionTest {

    private static final JurisdictionCatalog CATALOG = JurisdictionCatalog.builtIn();
    private static final Sites SITES = Sites.builtIn();
    private static final byte[] CHAT = "{\"model\":\"chat\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);

    private final AtomicLong now = new AtomicLong();
    private final Tenant acme = new Tenant("acme", Optional.empty());
    private final Tenant eu = new Tenant("eu", Optional.of(CATALOG.allowed("EU")));
    private final KeyLimits single = new KeyLimits("this API key", OptionalDouble.empty(), OptionalInt.empty(),
            OptionalInt.of(1), now::get);
    private final KeyLimits slow = new KeyLimits("this API key", OptionalDouble.of(1), OptionalInt.of(1),
            OptionalInt.empty(), now::get);

    private final RequestAdmission keyed = admission(RouterAccess.Mode.API_KEYS);

    private RequestAdmission admission(RouterAccess.Mode mode) {
        return new RequestAdmission(mode, Map.of("sk-acme", new Key(acme, unlimited()), "sk-eu", new Key(eu, unlimited()),
                "sk-single", new Key(acme, single), "sk-slow", new Key(acme, slow)), unlimited(), CATALOG, SITES,
                ClientNetworks.parse(List.of("127.0.0.0/8=mumbai"), SITES), Optional.empty(), 7,
                InferenceRequestBody.DEFAULT_PREFIX_CHARS);
    }

    private KeyLimits unlimited() {
        return new KeyLimits("this API key", OptionalDouble.empty(), OptionalInt.empty(), OptionalInt.empty(), now::get);
    }

    @Test
    void aKnownBearerKeyNamesItsTenant() {
        Verdict<Caller> v = keyed.caller("Bearer sk-eu");
        assertThat(v.refused()).isFalse();
        assertThat(v.value().tenant()).isEqualTo(eu);
        assertThat(v.value().holdsPlace()).isFalse();
        assertThat(keyed.caller("bearer  sk-acme ").value().tenant()).isEqualTo(acme);
    }

    @Test
    void noKeyOrAnUnknownOneIs401WithAChallenge() {
        Rejection missing = keyed.caller(null).rejection();
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.code()).isEqualTo("invalid_api_key");
        assertThat(missing.metric()).isEqualTo("unauthorized");
        assertThat(missing.message()).isEqualTo("an API key is required: Authorization: Bearer KEY");
        assertThat(missing.headers()).containsEntry("WWW-Authenticate", "Bearer");

        assertThat(keyed.caller("Bearer sk-nobody").rejection().message()).isEqualTo("invalid API key");
        assertThat(keyed.caller("Basic sk-acme").rejection().status()).isEqualTo(401);
    }

    @Test
    void withoutKeysLoopbackIsOpenAndAnythingElseRefused() {
        Verdict<Caller> keyless = admission(RouterAccess.Mode.KEYLESS_LOOPBACK).caller(null);
        assertThat(keyless.refused()).isFalse();
        assertThat(keyless.value().tenant()).isNull();

        Rejection refused = admission(RouterAccess.Mode.REFUSE_ALL).caller("Bearer sk-acme").rejection();
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.code()).isEqualTo("api_keys_not_configured");
        assertThat(refused.headers()).containsEntry("WWW-Authenticate", "Bearer");
    }

    @Test
    void aKeyAtItsLimitsIs429WithRetryAfterUntilItsPlaceIsGivenBack() {
        Caller first = keyed.caller("Bearer sk-single").value();
        assertThat(first.holdsPlace()).isTrue();
        Rejection busy = keyed.caller("Bearer sk-single").rejection();
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.type()).isEqualTo("rate_limit_exceeded");
        assertThat(busy.code()).isEqualTo("concurrency_limit_exceeded");
        assertThat(busy.headers()).containsEntry("Retry-After", "1");
        first.release();
        assertThat(keyed.caller("Bearer sk-single").refused()).isFalse();

        assertThat(keyed.caller("Bearer sk-slow").refused()).isFalse();
        Rejection fast = keyed.caller("Bearer sk-slow").rejection();
        assertThat(fast.code()).isEqualTo("rate_limit_exceeded");
        assertThat(fast.metric()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void onlyJsonBodiesAreAccepted() {
        assertThat(keyed.contentType("application/json; charset=utf-8")).isEmpty();
        Rejection form = keyed.contentType("text/plain").orElseThrow();
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.message()).isEqualTo("Content-Type 'text/plain': the request body must be JSON "
                + "(Content-Type: application/json)");
        assertThat(keyed.contentType(null).orElseThrow().message()).startsWith("no Content-Type: ");
    }

    @Test
    void anAdmittedRequestBecomesARouteQueryForItsModelPlaceAndJurisdictions() {
        Verdict<Admitted> v = keyed.route(caller("sk-acme"), CHAT, "DE, FR", "paris", null);
        assertThat(v.refused()).isFalse();
        RouteQuery q = v.value().query();
        assertThat(q.alias()).isEqualTo("chat");
        assertThat(q.site()).contains("paris");
        assertThat(q.allowed()).contains(CATALOG.allowed("DE", "FR"));
        assertThat(q.limit()).isEqualTo(7);
        assertThat(v.value().jurisdictions()).isEqualTo("[DE, FR]");
        assertThat(v.value().location().describe()).isEqualTo("paris (header)");
    }

    @Test
    void withoutAHeaderTheTenantsJurisdictionsApplyElseThePolicysOwn() {
        Admitted tenants = keyed.route(caller("sk-eu"), CHAT, null, "paris", null).value();
        assertThat(tenants.query().allowed()).contains(CATALOG.allowed("EU"));
        assertThat(tenants.jurisdictions()).isEqualTo("[EU]");

        Admitted policys = keyed.route(caller("sk-acme"), CHAT, " ", "paris", null).value();
        assertThat(policys.query().allowed()).isEmpty();
        assertThat(policys.jurisdictions()).isEqualTo("the policy's jurisdictions");
    }

    @Test
    void aHeaderMayNarrowTheTenantsJurisdictionsButNotWidenThem() {
        assertThat(keyed.route(caller("sk-eu"), CHAT, "DE", "paris", null).value().query().allowed())
                .contains(CATALOG.allowed("DE"));

        Rejection wider = keyed.route(caller("sk-eu"), CHAT, "US", "paris", null).rejection();
        assertThat(wider.status()).isEqualTo(403);
        assertThat(wider.type()).isEqualTo("permission_error");
        assertThat(wider.code()).isEqualTo("jurisdiction_not_permitted");
        assertThat(wider.message()).isEqualTo("X-Flotilla-Jurisdiction [US] reaches beyond tenant eu's jurisdictions [EU]; "
                + "a request may only narrow them");
    }

    @Test
    void unknownOrEmptyJurisdictionsAre400() {
        Rejection unknown = keyed.route(caller("sk-acme"), CHAT, "EU, ATLANTIS", "paris", null).rejection();
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("invalid_jurisdiction");
        assertThat(unknown.message()).startsWith("X-Flotilla-Jurisdiction: ").contains("ATLANTIS");

        assertThat(keyed.route(caller("sk-acme"), CHAT, " , ", "paris", null).rejection().message())
                .isEqualTo("X-Flotilla-Jurisdiction: no jurisdiction given");
    }

    @Test
    void theClientIsPlacedByHeaderElseByItsNetworkElseRefused() {
        assertThat(keyed.route(caller("sk-acme"), CHAT, null, "48.86, 2.35", null).value().location().describe())
                .isEqualTo("48.86,2.35 (header)");
        assertThat(keyed.route(caller("sk-acme"), CHAT, null, null, "127.0.0.1").value().location().describe())
                .isEqualTo("mumbai (network 127.0.0.0/8)");

        Rejection bad = keyed.route(caller("sk-acme"), CHAT, null, "atlantis", null).rejection();
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("invalid_location");
        assertThat(bad.message()).startsWith("X-Flotilla-Client-Location: unknown site 'atlantis'");

        Rejection unknown = keyed.route(caller("sk-acme"), CHAT, null, null, "10.1.2.3").rejection();
        assertThat(unknown.code()).isEqualTo("unknown_location");
        assertThat(unknown.metric()).isEqualTo("unknown_location");
    }

    @Test
    void aBodyThatIsNotAnOpenAiRequestIs400BeforeAnythingElseIsLookedAt() {
        Rejection invalid = keyed.route(caller("sk-eu"), "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8), "US",
                "atlantis", null).rejection();
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.code()).isEqualTo("missing_model");
        assertThat(invalid.param()).isEqualTo("model");
        assertThat(new JsonObject(invalid.body()).getJsonObject("error").fieldNames())
                .containsExactly("message", "type", "param", "code");
    }

    private Caller caller(String key) {
        return keyed.caller("Bearer " + key).value();
    }
}
