package org.glean.web;

import java.io.File;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium, driven through /usr/bin/chromedriver (never a downloaded driver),
 * on a test server on 127.0.0.1. Each instance is its own browser with its own cookies: two of
 * them are two people. Close it after the test.
 */
public final class Browser implements AutoCloseable {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    /** How long a test waits for something to appear in a page. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final String base;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** A fresh headless browser for the server on this loopback port (plain HTTP, as tests serve). */
    public static Browser open(int port) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // as root chromium needs --no-sandbox; /dev/shm is small in containers
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,900", "--disable-extensions", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), "http://127.0.0.1:" + port);
    }

    public WebDriver driver() {
        return driver;
    }

    /** The server's address of a path. */
    public String url(String path) {
        return base + path;
    }

    public void open(String path) {
        driver.get(url(path));
    }

    /** Signs in through the sign-in page and waits until it has moved on to the page it leads to. */
    public void signIn(String user, String password) {
        open("/");
        WebElement name = waitFor(d -> d.findElement(By.id("user")));
        name.clear();
        name.sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("submit")).click();
        waitFor(d -> !d.getCurrentUrl().equals(url("/")) && !d.getCurrentUrl().startsWith(url("/?")));
    }

    /** Puts a token in the session cookie directly, as a sign-in would (for tests of other things). */
    public void useToken(String token) {
        open("/css/glean.css");
        driver.manage().addCookie(new Cookie.Builder(WebSession.COOKIE, token).path("/").isHttpOnly(true)
                .sameSite("Strict").build());
    }

    /** Runs JavaScript in the page and returns its result. */
    public Object script(String javascript, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
    }

    /** Waits until {@code condition} returns something other than null or false, for up to {@link #PATIENCE}. */
    public <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, PATIENCE).until(condition::apply);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
