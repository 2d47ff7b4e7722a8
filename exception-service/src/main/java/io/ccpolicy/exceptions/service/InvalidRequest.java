package io.ccpolicy.exceptions.service;

import jakarta.ws.rs.BadRequestException;

/** A request that names something impossible (a duration past the organisation's maximum, a missing scope value). */
public class InvalidRequest extends BadRequestException {

    public InvalidRequest(String message) {
        super(message);
    }
}
