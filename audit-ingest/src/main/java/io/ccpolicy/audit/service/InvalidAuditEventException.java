package io.ccpolicy.audit.service;

/** A record on audit.events.v1 that cannot be stored; it goes to the dead-letter topic with this message. */
public class InvalidAuditEventException extends RuntimeException {

    public InvalidAuditEventException(String message) {
        super(message);
    }
}
