package io.ccpolicy.engine.bundle;

import io.ccpolicy.engine.audit.CanonicalJson;
import io.ccpolicy.engine.audit.Sha256;
import io.ccpolicy.engine.model.Mode;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.model.Projects;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent enforces: the policy documents in force for its identity, one per scope in precedence order
 * (organization, then the identity's teams, then the project), with the bundle's revision (it only grows) and creation
 * time. The organization is the highest scope and cannot be overridden (the guide's precedence): a lower layer adds
 * policies, but a policy name already defined above keeps the higher definition, and a lower layer's exceptions may
 * exempt only from policies that layer itself adds. Audit settings and Claude Code managed settings are the
 * organization's.
 *
 * <p>{@code grants} are the exceptions approved through the exception workflow that concern this identity; they may
 * exempt from any policy, the organization's included, since the organization's approvers granted them, and carry their
 * own expiry, which the agent checks itself. {@code pending} lists this user's requests still awaiting a decision, so the
 * developer sees them offline too; they grant nothing.
 */
public record PolicyBundle(long revision, Instant createdAt, String email, List<String> teams, String project, List<Layer> layers,
        List<PolicyException> grants, List<PendingRequest> pending, String subject) {

    public static final int FORMAT = 1;

    /** One scope's published document. */
    public record Layer(String scope, long revision, String sha256, String document) {
    }

    /** The scope prefix of a project publication's layer; the rest is the pattern of origins it targets. */
    public static final String PROJECT_LAYER = "project:";

    /** The patterns of the project layers that apply to sessions in {@code project}, in layer order. */
    public List<String> projectLayersFor(String project) {
        return layers.stream().map(Layer::scope).filter(s -> s.startsWith(PROJECT_LAYER)).map(s -> s.substring(PROJECT_LAYER.length()))
                .filter(pattern -> Projects.targets(pattern, project)).toList();
    }

    /** A request for an exception, not yet decided. */
    public record PendingRequest(String id, String policy, String value, String scope, String subject, String reason, Instant requestedAt) {
    }

    public PolicyBundle {
        subject = subject == null ? "" : subject;
        teams = List.copyOf(teams);
        layers = List.copyOf(layers);
        grants = List.copyOf(grants);
        pending = List.copyOf(pending);
    }

    public PolicyBundle(long revision, Instant createdAt, String email, List<String> teams, String project, List<Layer> layers) {
        this(revision, createdAt, email, teams, project, layers, List.of(), List.of());
    }

    /** Without the identity provider's subject id (a machine's own client, or a token without one). */
    public PolicyBundle(long revision, Instant createdAt, String email, List<String> teams, String project, List<Layer> layers,
            List<PolicyException> grants, List<PendingRequest> pending) {
        this(revision, createdAt, email, teams, project, layers, grants, pending, "");
    }

    /** The signed content as a JSON-ready map. */
    public Map<String, Object> body() {
        return body(layerMaps(layers));
    }

    /** The body with {@code layersValue} for its layers: their maps, or their canonical JSON already written. */
    private Map<String, Object> body(Object layersValue) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", FORMAT);
        body.put("revision", revision);
        body.put("createdAt", createdAt.toString());
        body.put("identity", subject.isEmpty() ? Map.of("email", email, "teams", teams) : Map.of("email", email, "teams", teams, "id", subject));
        body.put("project", project);
        body.put("layers", layersValue);
        List<Object> granted = new ArrayList<>();
        for (PolicyException grant : grants) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("id", grant.id());
            g.put("scope", grant.scope().yaml());
            g.put("subject", grant.subject());
            g.put("exemptFrom", grant.exemptFrom());
            g.put("values", grant.values());
            g.put("reason", grant.reason());
            g.put("approvedBy", grant.approvedBy());
            g.put("expires", grant.expires().map(Instant::toString).orElse(null));
            granted.add(g);
        }
        body.put("grants", granted);
        List<Object> requests = new ArrayList<>();
        for (PendingRequest request : pending) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", request.id());
            r.put("policy", request.policy());
            r.put("value", request.value());
            r.put("scope", request.scope());
            r.put("subject", request.subject());
            r.put("reason", request.reason());
            r.put("requestedAt", request.requestedAt().toString());
            requests.add(r);
        }
        body.put("pending", requests);
        return body;
    }

    private static List<Object> layerMaps(List<Layer> layers) {
        List<Object> list = new ArrayList<>();
        for (Layer layer : layers) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("scope", layer.scope());
            l.put("revision", layer.revision());
            l.put("sha256", layer.sha256());
            l.put("document", layer.document());
            list.add(l);
        }
        return list;
    }

    /** SHA-256 of the canonical form of the content, ignoring revision and time: equal content, equal digest (the ETag). */
    public String contentSha256() {
        return canonical().sha256();
    }

    /**
     * The canonical JSON of a bundle: its {@code content} (the body without revision and time, which the ETag digests)
     * and its {@code body} (what is signed).
     */
    public record Canonical(String content, String body) {

        public String sha256() {
            return Sha256.hex(content);
        }
    }

    public Canonical canonical() {
        return canonical(layersJson(layers));
    }

    /**
     * As {@link #canonical()}, with this bundle's {@link #layersJson} given: a server answering many identities with the
     * same layers writes them (the policy documents, most of a bundle) once, not once per identity.
     */
    public Canonical canonical(CanonicalJson.Fragment layersJson) {
        Map<String, Object> content = body(layersJson);
        content.remove("revision");
        content.remove("createdAt");
        String json = CanonicalJson.write(content);
        // Keys are sorted, and createdAt sorts before and revision after every other key of the body: the body is the
        // content with one added at each end (BundleSignatureTest holds this against writing the body whole).
        String body = "{\"createdAt\":" + CanonicalJson.write(createdAt.toString()) + "," + json.substring(1, json.length() - 1)
                + ",\"revision\":" + revision + "}";
        return new Canonical(json, body);
    }

    /** The canonical JSON of {@code layers} as a bundle's body holds them. */
    public static CanonicalJson.Fragment layersJson(List<Layer> layers) {
        return new CanonicalJson.Fragment(CanonicalJson.write(layerMaps(layers)));
    }

    public static PolicyBundle fromBody(Map<?, ?> body) {
        if (!(body.get("format") instanceof Number f) || f.intValue() != FORMAT) {
            throw new IllegalArgumentException("bundle format is " + body.get("format") + ", expected " + FORMAT);
        }
        if (!(body.get("identity") instanceof Map<?, ?> identity) || !(body.get("layers") instanceof List<?> list)) {
            throw new IllegalArgumentException("bundle has no identity or no layers");
        }
        List<Layer> layers = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> l) || !(l.get("scope") instanceof String scope) || !(l.get("revision") instanceof Number rev)
                    || !(l.get("sha256") instanceof String sha) || !(l.get("document") instanceof String doc)) {
                throw new IllegalArgumentException("bundle layer is missing scope, revision, sha256 or document");
            }
            layers.add(new Layer(scope, rev.longValue(), sha, doc));
        }
        if (!(body.get("revision") instanceof Number revision) || !(body.get("createdAt") instanceof String created)) {
            throw new IllegalArgumentException("bundle has no revision or creation time");
        }
        return new PolicyBundle(revision.longValue(), Instant.parse(created), String.valueOf(identity.get("email")),
                strings(identity.get("teams")), String.valueOf(body.get("project")), layers, grants(body.get("grants")), pending(body.get("pending")),
                identity.get("id") instanceof String id ? id : "");
    }

    private static List<PolicyException> grants(Object list) {
        List<PolicyException> grants = new ArrayList<>();
        for (Map<?, ?> g : maps(list, "grant")) {
            String expires = text(g, "expires", "grant", false);
            grants.add(new PolicyException(text(g, "id", "grant", true), PolicyException.scope(text(g, "scope", "grant", true)),
                    text(g, "subject", "grant", true), strings(g.get("exemptFrom")), text(g, "reason", "grant", false),
                    text(g, "approvedBy", "grant", true), Optional.ofNullable(expires).map(Instant::parse), strings(g.get("values"))));
        }
        return grants;
    }

    private static List<PendingRequest> pending(Object list) {
        List<PendingRequest> pending = new ArrayList<>();
        for (Map<?, ?> r : maps(list, "pending request")) {
            pending.add(new PendingRequest(text(r, "id", "pending request", true), text(r, "policy", "pending request", true),
                    text(r, "value", "pending request", false), text(r, "scope", "pending request", true),
                    text(r, "subject", "pending request", true), text(r, "reason", "pending request", false),
                    Instant.parse(text(r, "requestedAt", "pending request", true))));
        }
        return pending;
    }

    /** Bundles from before grants existed have neither list: both are optional. */
    private static List<Map<?, ?>> maps(Object list, String what) {
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> items)) {
            throw new IllegalArgumentException("bundle " + what + "s are not a list");
        }
        List<Map<?, ?>> maps = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("bundle " + what + " is not an object: " + item);
            }
            maps.add(m);
        }
        return maps;
    }

    private static String text(Map<?, ?> map, String field, String what, boolean required) {
        Object value = map.get(field);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("bundle " + what + " has no " + field);
        }
        return s;
    }

    private static List<String> strings(Object list) {
        List<String> strings = new ArrayList<>();
        if (list instanceof List<?> items) {
            items.forEach(x -> strings.add(String.valueOf(x)));
        }
        return strings;
    }

    /** The one document the engine enforces, combined by precedence; a layer that does not validate is named. */
    public PolicyDocument effective() throws PolicyValidationException {
        return effective(false);
    }

    /**
     * With {@code strict}, the profile for a bundle the server has not confirmed for too long: every policy in warn or
     * audit mode is enforced, since what was tolerated may no longer be.
     */
    public PolicyDocument effective(boolean strict) throws PolicyValidationException {
        return effective(strict, "");
    }

    /**
     * The document for sessions in {@code project} (a normalised origin, "" for none): the organisation's and teams'
     * layers, then the layers of the project publications whose pattern names it (all of them for an opaque project: a
     * later layer only adds policies, never loosens an earlier one's, so that is the strictest reading). Every layer is
     * validated, applied or not.
     */
    public PolicyDocument effective(boolean strict, String project) throws PolicyValidationException {
        List<PolicyDocument> documents = new ArrayList<>();
        for (Layer layer : layers) {
            PolicyDocument document = PolicyParser.parse(layer.scope() + " (revision " + layer.revision() + ")", layer.document());
            if (!layer.scope().startsWith(PROJECT_LAYER) || Projects.targets(layer.scope().substring(PROJECT_LAYER.length()), project)) {
                documents.add(document);
            }
        }
        if (documents.isEmpty()) {
            throw new IllegalStateException("a bundle without any layer has nothing to enforce");
        }
        return merge(documents, grants, strict, "bundle revision " + revision + (strict ? " (strict profile)" : ""), contentSha256());
    }

    /**
     * Layers in order (the organisation's first): a policy name already defined above keeps the higher definition, and a
     * lower layer's exceptions count only for policies that layer itself added; then the grants. {@code strict}: every
     * policy enforced (the profile of an agent that lost its server for too long).
     */
    public static PolicyDocument merge(List<PolicyDocument> documents, List<PolicyException> grants, boolean strict, String name,
            String sha256) {
        PolicyDocument top = documents.get(0);
        List<Policy> policies = new ArrayList<>();
        List<PolicyException> exceptions = new ArrayList<>();
        Set<String> defined = new HashSet<>();
        for (PolicyDocument document : documents) {
            Set<String> added = new HashSet<>();
            for (Policy policy : document.policies()) {
                if (defined.add(policy.name())) {
                    policies.add(strict ? enforced(policy) : policy);
                    added.add(policy.name());
                }
            }
            for (PolicyException exception : document.exceptions()) {
                if (document == top || added.containsAll(exception.exemptFrom())) {
                    exceptions.add(exception);
                }
            }
        }
        exceptions.addAll(grants);
        return new PolicyDocument(name, sha256, top.version(), top.organization(), top.effectiveDate(),
                top.lastUpdated(), policies, top.audit(), exceptions, top.claudeCode());
    }

    private static Policy enforced(Policy p) {
        return new Policy(p.name(), p.description(), p.type(), p.target(), p.values(), p.pattern(), p.max(), p.severity(), p.message(),
                Mode.ENFORCE, p.onViolation(), p.appliesTo(), p.tools(), p.warnAtPercent(), p.count());
    }

    public Optional<Layer> layer(String scope) {
        return layers.stream().filter(l -> l.scope().equals(scope)).findFirst();
    }
}
