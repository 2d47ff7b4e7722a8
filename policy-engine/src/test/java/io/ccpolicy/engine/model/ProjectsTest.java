package io.ccpolicy.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProjectsTest {

    @Test
    void everySpellingOfARemoteNormalisesToHostAndPath() {
        for (String remote : List.of("git@github.com:acme/legacy-app.git", "https://github.com/acme/legacy-app", "https://bob:token@GitHub.com/Acme/Legacy-App.git/",
                "ssh://git@github.com:22/acme/legacy-app.git", "git://github.com/acme//legacy-app", "github.com:acme/legacy-app")) {
            assertThat(Projects.normalise(remote)).as(remote).contains("github.com/acme/legacy-app");
        }
        assertThat(Projects.normalise("/srv/git/legacy-app.git")).as("a local path is no identity").isEmpty();
        assertThat(Projects.normalise("../legacy-app")).isEmpty();
        assertThat(Projects.normalise("https://github.com/")).isEmpty();
    }

    @Test
    void patternsTargetRemotesAndANameAloneTargetsNothing() {
        assertThat(Projects.exempts("github.com/acme/legacy-*", "github.com/acme/legacy-app")).isTrue();
        assertThat(Projects.exempts("github.com/acme/legacy-*", "github.com/evil/legacy-app")).isFalse();
        assertThat(Projects.exempts("github.com/acme/legacy-*", "")).as("a checkout without a remote").isFalse();
        assertThat(Projects.exempts("legacy-app", "github.com/acme/legacy-app")).as("the guide's bare repository name").isTrue();
        assertThat(Projects.exempts("legacy-*", "gitlab.acme.com/platform/legacy-billing")).isTrue();
        assertThat(Projects.exempts("legacy-app", "github.com/acme/legacy-app-fork")).isFalse();
        assertThat(Projects.exempts("legacy-app", "")).as("mkdir legacy-app && git init: no remote, no project").isFalse();

        String opaque = Projects.opaque("the git config rewrites URLs");
        assertThat(Projects.exempts("github.com/acme/legacy-*", opaque)).as("no exemption for what cannot be known").isFalse();
        assertThat(Projects.targets("github.com/acme/legacy-*", opaque)).as("but every restriction").isTrue();

        AppliesTo legacyOnly = new AppliesTo(List.of(), List.of("github.com/acme/legacy-*"), List.of());
        assertThat(legacyOnly.matches(Identity.of("bob@acme.com"), "github.com/acme/legacy-billing")).isTrue();
        assertThat(legacyOnly.matches(Identity.of("bob@acme.com"), "github.com/acme/checkout")).isFalse();
        assertThat(legacyOnly.matches(Identity.of("bob@acme.com"), opaque)).isTrue();

        PolicyException grant = new PolicyException("x-1", PolicyException.Scope.PROJECT, "github.com/acme/legacy-*", List.of("no-rm"), "cleanup",
                "ann@acme.com", Optional.empty(), List.of());
        assertThat(grant.concerns(Identity.of("bob@acme.com"), "github.com/acme/legacy-app")).isTrue();
        assertThat(grant.concerns(Identity.of("bob@acme.com"), "")).isFalse();
    }
}
