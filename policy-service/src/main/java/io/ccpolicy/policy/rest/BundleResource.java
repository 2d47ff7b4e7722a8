package io.ccpolicy.policy.rest;

import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.policy.config.PolicyServiceConfig;
import io.ccpolicy.policy.service.BundleService;
import io.ccpolicy.policy.service.EnrolmentService;
import io.ccpolicy.service.keys.SigningKey;
import io.ccpolicy.policy.service.PublicationWatch;
import io.ccpolicy.policy.service.RevokedMachines;
import io.ccpolicy.service.rest.Actors;
import io.ccpolicy.service.rest.Roles;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.json.JsonString;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Signed policy bundles for agents. The identity (e-mail and teams) comes from the caller's token, never from the
 * request, so a machine sees only what applies to its own user. Conditional requests ({@code If-None-Match} with the
 * ETag) answer 304 when nothing changed; with {@code wait} they are held until a publication or the timeout (long poll).
 */
@Path("/api/v1/bundles")
public class BundleResource {

    private final BundleService bundles;
    private final EnrolmentService enrolments;
    private final PublicationWatch watch;
    private final RevokedMachines revokedMachines;
    private final SigningKey key;
    private final SecurityIdentity identity;
    private final Duration maxWait;

    public BundleResource(BundleService bundles, EnrolmentService enrolments, PublicationWatch watch, RevokedMachines revokedMachines,
            SigningKey key, SecurityIdentity identity, PolicyServiceConfig config) {
        this.bundles = bundles;
        this.enrolments = enrolments;
        this.watch = watch;
        this.revokedMachines = revokedMachines;
        this.key = key;
        this.identity = identity;
        this.maxWait = config.bundle().maxWait();
    }

    @GET
    @Path("current")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.AGENT, Roles.DEVELOPER, Roles.POLICY_ADMIN, Roles.POLICY_VIEWER})
    @Operation(summary = "The signed bundle in force for the caller's identity on this machine (ETag, long poll with wait)")
    public Uni<Response> current(@QueryParam("machine") @NotBlank String machine, @QueryParam("project") String project,
            @QueryParam("wait") @Min(0) @Max(300) Integer waitSeconds, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        String email = Actors.of(identity);
        List<String> teams = teams();
        // the identity provider's stable id of the caller: audit events name it beside the e-mail
        String subject = identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null ? jwt.getSubject() : "";
        String known = ifNoneMatch == null ? null : ifNoneMatch.replace("W/", "").replace("\"", "").trim();
        // Without wait the deadline is now: hold answers at once, whether or not the bundle changed.
        Duration wait = waitSeconds == null ? Duration.ZERO : Duration.ofSeconds(Math.min(waitSeconds, maxWait.toSeconds()));
        // A polling agent whose bundle is unchanged is answered here, on the I/O thread: all it takes is in memory, so it
        // neither hops to a worker thread and back nor queues there behind the bundles a publication has woken (fleets
        // behind proxies that cut held requests poll like this).
        if (known != null && wait.isZero() && revokedMachines.knownNotRevoked(machine)
                && bundles.knownDigest(email, teams, subject, project, machine).filter(known::equals).isPresent()) {
            return Uni.createFrom().item(Response.notModified(new EntityTag(known)).build());
        }
        long deadlineNanos = System.nanoTime() + wait.toNanos();
        // everything else may read the database
        return Uni.createFrom().deferred(() -> hold(email, teams, subject, project, machine, known, deadlineNanos))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Holds the request until this caller's bundle differs from {@code known} or the deadline passes. A change that
     * leaves this caller's bundle as it was (another team's publication, someone else's exception) does not answer it:
     * it waits on. The next change is taken before the bundle is looked at, so a change in between is not missed.
     */
    private Uni<Response> hold(String email, List<String> teams, String subject, String project, String machine, String known,
            long deadlineNanos) {
        CompletableFuture<Void> next = watch.nextPublication();
        // the revoked set is in memory: a publication wakes every held request, and none of them asks the database
        if (revokedMachines.contains(machine)) {
            enrolments.of(machine).filter(e -> e.revokedAt() != null).ifPresent(revoked -> {
                throw new ForbiddenException("Machine " + machine + " was revoked by " + revoked.revokedBy() + " at " + revoked.revokedAt()
                        + " (" + revoked.revokeReason() + "); it gets no policy bundle.");
            });
        }
        Optional<BundleService.Signed> now = bundles.bundleFor(email, teams, subject, project, machine, known);
        long left = deadlineNanos - System.nanoTime();
        if (!matches(now, known) || left <= 0) {
            return Uni.createFrom().item(answer(now, known, email));
        }
        // counted once each way: a request cancelled as it subscribes (the agent went away) must not be released uncounted,
        // or the gauge drifts below the number of agents waiting
        AtomicBoolean counted = new AtomicBoolean();
        return Uni.createFrom().completionStage(next)
                .ifNoItem().after(Duration.ofNanos(left)).recoverWithItem((Void) null)
                .onSubscription().invoke(() -> {
                    if (counted.compareAndSet(false, true)) {
                        watch.holding();
                    }
                })
                .onTermination().invoke(() -> {
                    if (counted.compareAndSet(true, false)) {
                        watch.released();
                    }
                })
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(ignored -> hold(email, teams, subject, project, machine, known, deadlineNanos));
    }

    @GET
    @Path("public-key")
    @Produces("application/x-pem-file")
    @RolesAllowed({Roles.AGENT, Roles.DEVELOPER, Roles.POLICY_ADMIN, Roles.POLICY_VIEWER})
    @Operation(summary = "The public key bundles are signed with (agents should pin it at install time)")
    public String publicKey() {
        return Ed25519.publicKeyPem(key.publicKey());
    }

    private Response answer(Optional<BundleService.Signed> bundle, String known, String email) {
        BundleService.Signed signed = bundle.orElseThrow(() -> new NotFoundException("No policy is published for " + email + "."));
        EntityTag tag = new EntityTag(signed.sha256());
        if (matches(bundle, known)) {
            return Response.notModified(tag).build();
        }
        return Response.ok(signed.json(), MediaType.APPLICATION_JSON).tag(tag).header("X-Bundle-Revision", signed.revision()).build();
    }

    /** {@code known}: the caller's If-None-Match as a bare digest. */
    private static boolean matches(Optional<BundleService.Signed> bundle, String known) {
        return bundle.isPresent() && bundle.get().sha256().equals(known);
    }

    private List<String> teams() {
        // The token's own claims, as parsed: JsonWebToken.getClaim looks a name up among the standard claims first, and
        // throws and catches an exception for every other one, which made a tenth of answering an unchanged bundle
        if (!(identity.getPrincipal() instanceof OidcJwtCallerPrincipal oidc)) {
            // never guessed as "no teams": a team's layer may be what forbids
            throw new IllegalStateException("bundles are served to OIDC bearer tokens only, not to " + identity.getPrincipal().getClass().getName());
        }
        Object claim = oidc.getClaims().getClaimValue("teams");
        List<String> teams = new ArrayList<>();
        if (claim instanceof Collection<?> names) {
            names.forEach(t -> teams.add(t instanceof JsonString name ? name.getString() : String.valueOf(t)));
        }
        return teams;
    }
}
