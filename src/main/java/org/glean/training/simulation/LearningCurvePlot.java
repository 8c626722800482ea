package org.glean.training.simulation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the learning curves as a PNG with Java2D (headless): per strategy the mean mAP@0.5 over
 * seeds against annotated images, with the min–max band over seeds shaded in the same colour.
 */
public final class LearningCurvePlot {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 600;

    /** One colour per strategy, told apart also by colour-blind readers (Okabe–Ito). */
    static final Map<SelectionStrategy, Color> COLOURS = Map.of(
            SelectionStrategy.RANDOM, new Color(0x00, 0x00, 0x00),
            SelectionStrategy.ENTROPY, new Color(0xE6, 0x9F, 0x00),
            SelectionStrategy.MDN_MAX, new Color(0x00, 0x72, 0xB2),
            SelectionStrategy.MDN_MEAN, new Color(0x56, 0xB4, 0xE9),
            SelectionStrategy.MC_DROPOUT, new Color(0xD5, 0x5E, 0x00));

    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private LearningCurvePlot() {
    }

    /** Writes the plot of {@code summary} to {@code file}, through a temporary file so that it is whole or absent. */
    public static void write(SimulationSummary summary, String title, Path file) throws IOException {
        BufferedImage image = draw(summary, title);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        if (!ImageIO.write(image, "png", partial.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static BufferedImage draw(SimulationSummary summary, String title) {
        System.setProperty("java.awt.headless", "true");
        List<SimulationSummary.Curve> curves = summary.curves();
        double xMin = curves.stream().flatMap(c -> c.points().stream()).mapToDouble(SimulationSummary.Point::annotatedImages).min().orElse(0);
        double xMax = curves.stream().flatMap(c -> c.points().stream()).mapToDouble(SimulationSummary.Point::annotatedImages).max().orElse(1);
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        double yTop = curves.stream().flatMap(c -> c.points().stream()).mapToDouble(SimulationSummary.Point::max).max().orElse(0);
        double yMax = Math.max(0.1, Math.ceil(yTop * 10 + 0.5) / 10);
        Axes axes = new Axes(xMin, xMax, 0, Math.min(1, yMax));

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            drawAxes(g, axes, title);
            for (SimulationSummary.Curve curve : curves) {
                Color colour = COLOURS.get(curve.strategy());
                Path2D band = new Path2D.Double();
                List<SimulationSummary.Point> points = curve.points();
                for (int i = 0; i < points.size(); i++) {
                    SimulationSummary.Point p = points.get(i);
                    if (i == 0) {
                        band.moveTo(axes.x(p.annotatedImages()), axes.y(p.max()));
                    } else {
                        band.lineTo(axes.x(p.annotatedImages()), axes.y(p.max()));
                    }
                }
                for (int i = points.size() - 1; i >= 0; i--) {
                    band.lineTo(axes.x(points.get(i).annotatedImages()), axes.y(points.get(i).min()));
                }
                band.closePath();
                g.setColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 40));
                g.fill(band);
            }
            int legendY = TOP + 10;
            for (SimulationSummary.Curve curve : curves) {
                Color colour = COLOURS.get(curve.strategy());
                g.setColor(colour);
                g.setStroke(new BasicStroke(2.5f));
                Path2D line = new Path2D.Double();
                List<SimulationSummary.Point> points = curve.points();
                for (int i = 0; i < points.size(); i++) {
                    double x = axes.x(points.get(i).annotatedImages());
                    double y = axes.y(points.get(i).mean());
                    if (i == 0) {
                        line.moveTo(x, y);
                    } else {
                        line.lineTo(x, y);
                    }
                    g.fillOval((int) x - 4, (int) y - 4, 8, 8);
                }
                g.draw(line);
                g.drawLine(WIDTH - RIGHT + 20, legendY, WIDTH - RIGHT + 50, legendY);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
                g.drawString(curve.strategy().label(), WIDTH - RIGHT + 58, legendY + 5);
                legendY += 24;
            }
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("line: mean over seeds", WIDTH - RIGHT + 20, legendY + 10);
            g.drawString("band: min–max over seeds", WIDTH - RIGHT + 20, legendY + 26);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawAxes(Graphics2D g, Axes axes, String title) {
        int plotRight = WIDTH - RIGHT;
        int plotBottom = HEIGHT - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            double value = axes.yMin + i * (axes.yMax - axes.yMin) / 5;
            int y = (int) axes.y(value);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, y, plotRight, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2f", value), LEFT - 40, y + 4);
        }
        for (int i = 0; i <= 6; i++) {
            double value = axes.xMin + i * (axes.xMax - axes.xMin) / 6;
            int x = (int) axes.x(value);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, TOP, x, plotBottom);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.0f", value), x - 10, plotBottom + 18);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawRect(LEFT, TOP, plotRight - LEFT, plotBottom - TOP);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString("annotated images", (LEFT + plotRight) / 2 - 55, HEIGHT - 25);
        g.rotate(-Math.PI / 2);
        g.drawString("mAP@0.5 on the test split", -(TOP + plotBottom) / 2 - 80, 25);
        g.rotate(Math.PI / 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, TOP - 18);
    }

    /** Data to pixel coordinates of the plot area. */
    private record Axes(double xMin, double xMax, double yMin, double yMax) {

        double x(double value) {
            return LEFT + (value - xMin) / (xMax - xMin) * (WIDTH - RIGHT - LEFT);
        }

        double y(double value) {
            return HEIGHT - BOTTOM - (value - yMin) / (yMax - yMin) * (HEIGHT - BOTTOM - TOP);
        }
    }
}
