package io.ccpolicy.policy.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/** Where a publication applies: the whole organisation ({@code value} "*"), one team, or one project. */
public record Scope(@NotBlank @Pattern(regexp = "organization|team|project", message = "must be organization, team or project") String type,
        @NotBlank String value) {

    public Scope normalized() {
        return type.equals("organization") ? new Scope(type, "*") : this;
    }
}
