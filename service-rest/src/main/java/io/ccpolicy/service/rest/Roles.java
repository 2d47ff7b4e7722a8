package io.ccpolicy.service.rest;

import java.util.Set;

/**
 * The platform's roles, as the organisation's identity provider grants them (realm roles in the token): the one place
 * their names are written. Each service's endpoints name the roles that may call them ({@code @RolesAllowed}).
 */
public final class Roles {

    /** Writes, publishes and rolls back policy versions; revokes machines; may read everything. */
    public static final String POLICY_ADMIN = "policy-admin";
    /** Reads policy versions, publications and impact analyses. */
    public static final String POLICY_VIEWER = "policy-viewer";
    /** Approves or denies other developers' exception requests. */
    public static final String EXCEPTION_APPROVER = "exception-approver";
    /** A developer: fetches their own bundle, requests exceptions, enrols their machine. */
    public static final String DEVELOPER = "developer";
    /** Reads the audit trail, its integrity and compliance reports. */
    public static final String AUDIT_READER = "audit-reader";
    /** A machine's hook agent (client credentials): fetches bundles, ships audit events. */
    public static final String AGENT = "agent";

    public static final Set<String> ALL = Set.of(POLICY_ADMIN, POLICY_VIEWER, EXCEPTION_APPROVER, DEVELOPER, AUDIT_READER, AGENT);

    private Roles() {
    }
}
