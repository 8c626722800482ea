package org.glean.web.annotation;

import java.util.List;
import java.util.Map;
import org.glean.web.Browser;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The annotator's page in a {@link Browser}, driven as a person drives it: mouse and keys. */
final class AnnotatorPage {

    private final Browser browser;

    AnnotatorPage(Browser browser) {
        this.browser = browser;
    }

    /** A box as the page holds it, in image pixels and in canvas CSS pixels. */
    record Box(String label, double xmin, double ymin, double xmax, double ymax, Long proposal, double screenXmin,
            double screenYmin, double screenXmax, double screenYmax) {

        double scale() {
            return (screenXmax - screenXmin) / (xmax - xmin);
        }
    }

    /** Clicks "Take the next study" and waits until its first image is drawn; returns the task id. */
    long takeNext() {
        long opened = opened();
        browser.driver().findElement(By.id("next")).click();
        return waitForTaskOpenedAfter(opened);
    }

    /** Submits with the keyboard and waits until the next study's first image is drawn; returns its task id. */
    long submitAndWaitForTheNext() {
        long opened = opened();
        new Actions(browser.driver()).keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
        return waitForTaskOpenedAfter(opened);
    }

    /** Tasks opened so far, each with its first image drawn (the page times each). */
    long opened() {
        return ((Number) browser.script("return window.gleanTimings.length")).longValue();
    }

    private long waitForTaskOpenedAfter(long opened) {
        return browser.waitFor(d -> opened() > opened ? taskId() : null);
    }

    /** What the page measured for each task it opened: {what: next | submit, ms}. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> timings() {
        return (List<Map<String, Object>>) browser.script("return window.gleanTimings");
    }

    Long taskId() {
        Object id = browser.script("return window.gleanWorkspace ? window.gleanWorkspace.taskId() : null");
        return id == null ? null : ((Number) id).longValue();
    }

    boolean drawn() {
        return Boolean.TRUE.equals(browser.script("return window.gleanWorkspace.drawn()"));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> image() {
        return (Map<String, Object>) browser.script("return window.gleanWorkspace.image()");
    }

    @SuppressWarnings("unchecked")
    List<Box> boxes() {
        List<Map<String, Object>> boxes = (List<Map<String, Object>>) browser.script(
                "return window.gleanWorkspace.boxes()");
        return boxes.stream().map(box -> {
            Map<String, Object> screen = (Map<String, Object>) box.get("screen");
            return new Box((String) box.get("label"), number(box, "xmin"), number(box, "ymin"), number(box, "xmax"),
                    number(box, "ymax"), box.get("proposal") == null ? null : ((Number) box.get("proposal")).longValue(),
                    number(screen, "xmin"), number(screen, "ymin"), number(screen, "xmax"), number(screen, "ymax"));
        }).toList();
    }

    /** Goes through the series with the arrow keys until an image shows boxes. */
    void goToAnImageWithBoxes() {
        key(Keys.HOME);
        for (int i = 0; i < 100 && boxes().isEmpty(); i++) {
            key(Keys.ARROW_DOWN);
        }
        browser.waitFor(d -> drawn() && !boxes().isEmpty());
    }

    /** Drags with the left button from one canvas point to another (CSS pixels from its top left). */
    void drag(double fromX, double fromY, double toX, double toY) {
        WebElement canvas = canvas();
        int width = canvas.getSize().getWidth();
        int height = canvas.getSize().getHeight();
        int startX = (int) Math.round(fromX - width / 2.0);
        int startY = (int) Math.round(fromY - height / 2.0);
        new Actions(browser.driver()).moveToElement(canvas, startX, startY).clickAndHold()
                .moveByOffset((int) Math.round((toX - fromX) / 2), (int) Math.round((toY - fromY) / 2))
                .moveToElement(canvas, (int) Math.round(toX - width / 2.0), (int) Math.round(toY - height / 2.0))
                .release().perform();
    }

    void key(CharSequence key) {
        new Actions(browser.driver()).sendKeys(key).perform();
    }

    String text(String id) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    WebElement canvas() {
        return browser.driver().findElement(By.id("viewer"));
    }

    private static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }
}
