package org.glean.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.EnumSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.security.Actor;
import org.glean.security.Role;
import org.glean.security.UserStore;
import org.glean.server.PostgresTestResource;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The sign-in page and the shared header in headless chromium against the real server. */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class SignInPageTest {

    private static final String PASSWORD = "correct horse battery";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    UserStore users;

    @Test
    void anAnnotatorSignsInSeesTheirNameWithoutConsoleAndSignsOut() {
        users.add("dr-page", EnumSet.of(Role.ANNOTATOR), PASSWORD.toCharArray(), Actor.GLEAN);
        try (Browser browser = Browser.open(port)) {
            browser.open("/annotate.html");
            browser.waitFor(d -> d.getCurrentUrl().equals(browser.url("/?next=%2Fannotate.html")));

            browser.signIn("dr-page", PASSWORD);

            assertThat(browser.driver().getCurrentUrl()).isEqualTo(browser.url("/annotate.html"));
            String user = browser.waitFor(d -> d.findElement(By.cssSelector("#shell .user"))).getText();
            assertThat(user).isEqualTo("dr-page");
            assertThat(browser.driver().findElements(By.linkText("Annotate"))).hasSize(1);
            assertThat(browser.driver().findElements(By.linkText("Console"))).isEmpty();
            assertThat(browser.driver().manage().getCookieNamed(WebSession.COOKIE).isHttpOnly()).isTrue();

            browser.driver().findElement(By.cssSelector("#shell .sign-out")).click();
            browser.waitFor(d -> d.findElement(By.id("sign-in")));
            assertThat(browser.driver().manage().getCookieNamed(WebSession.COOKIE)).isNull();
        }
    }

    @Test
    void aWrongPasswordIsSaidInWordsOnThePage() {
        users.add("dr-typo", EnumSet.of(Role.ANNOTATOR, Role.CURATOR), PASSWORD.toCharArray(), Actor.GLEAN);
        try (Browser browser = Browser.open(port)) {
            browser.open("/");
            browser.driver().findElement(By.id("user")).sendKeys("dr-typo");
            browser.driver().findElement(By.id("password")).sendKeys("wrong password");
            browser.driver().findElement(By.id("submit")).click();

            String error = browser.waitFor(d -> {
                String text = d.findElement(By.id("error")).getText();
                return text.isEmpty() ? null : text;
            });
            assertThat(error).isEqualTo("Unknown user or wrong password.");

            browser.signIn("dr-typo", PASSWORD);
            browser.waitFor(d -> d.findElement(By.linkText("Console")));
        }
    }
}
