package org.glean.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * On the first start against an empty user store, adds the user {@code admin} with a random
 * password and prints it once on the console (not in the log): whoever starts the server signs
 * in with it and adds the site's users.
 */
@ApplicationScoped
public class FirstAdministrator {

    void onStart(@Observes StartupEvent start, UserStore users) {
        String password = PasswordHashing.randomPassword();
        if (users.addFirstAdmin(password.toCharArray())) {
            System.out.println("First start: user '" + UserStore.FIRST_ADMIN + "' (role admin) created with the password "
                    + password + " - it is shown only this once; get a token with `glean token --user "
                    + UserStore.FIRST_ADMIN + "`");
        }
    }
}
