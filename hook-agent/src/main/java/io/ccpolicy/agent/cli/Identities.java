package io.ccpolicy.agent.cli;

import io.ccpolicy.engine.model.Identity;
import java.util.Arrays;
import java.util.List;

/** The {@code --user EMAIL --teams a,b} options shared by the commands that evaluate. */
final class Identities {

    private Identities() {
    }

    static Identity from(Args args) {
        String email = args.option("user").orElse("developer@example.com");
        List<String> teams = args.option("teams").map(t -> Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        return new Identity(email, teams, "");
    }

    static String home(Args args, Identity identity) {
        return args.option("home").orElseGet(() -> {
            String email = identity.email();
            return "/home/" + (email.contains("@") ? email.substring(0, email.indexOf('@')) : email);
        });
    }
}
