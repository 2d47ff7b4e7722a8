package io.ccpolicy.policy.rest.dto;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Where a publication applies: the whole organisation ({@code value} "*": one deployment serves one organisation), one
 * team ({@code value}: the team name in the identity provider's {@code teams} claim), or one project ({@code value}: a
 * repository origin such as {@code github.com/acme/payments}, {@code *} matching within a path segment).
 */
public record Scope(@NotBlank @Pattern(regexp = "organization|team|project", message = "must be organization, team or project") String type,
        @NotBlank @Schema(description = "organization: \"*\"; team: the team's name; project: a repository origin pattern") String value) {

    /** An organisation scope named anything but "*" used to be stored as "*" without a word: now it is refused. */
    @AssertTrue(message = "an organization publication covers the whole organization: its value must be \"*\"")
    @JsonIgnore
    @Schema(hidden = true)
    public boolean isOrganizationValueAll() {
        return !"organization".equals(type) || "*".equals(value);
    }

    public Scope normalized() {
        return type.equals("organization") ? new Scope(type, "*") : this;
    }
}
