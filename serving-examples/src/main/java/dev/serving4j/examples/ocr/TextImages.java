package dev.serving4j.examples.ocr;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Text rendered with Java2D, black on white, so OCR has ground truth without a data set: one line cropped with a
 * margin, or a page of lines with each line's box. Uses the logical fonts ({@code SansSerif}, {@code Serif},
 * {@code Monospaced}), which every JDK maps to an installed font.
 */
public final class TextImages {
  private static final int MARGIN = 8;

  private TextImages() {}

  /**
   * A page with its lines' boxes (the ink's extent in page pixels, top to bottom).
   *
   * @param image the page
   * @param lines the rendered boxes, one per line, in input order
   */
  public record Page(BufferedImage image, List<Rectangle> lines) {}

  /** One line of {@code text} in {@code font}, with an 8-pixel white margin. */
  public static BufferedImage line(String text, Font font) {
    FontMetrics m = metrics(font);
    BufferedImage image = new BufferedImage(m.stringWidth(text) + 2 * MARGIN, m.getHeight() + 2 * MARGIN,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(image, font);
    g.drawString(text, MARGIN, MARGIN + m.getAscent());
    g.dispose();
    return image;
  }

  /** The lines stacked on a {@code width}-pixel page, {@code gap} pixels apart, line {@code i} in font {@code i % n}. */
  public static Page page(List<String> lines, List<Font> fonts, int width, int gap) {
    int y = 2 * MARGIN;
    List<Rectangle> boxes = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      FontMetrics m = metrics(fonts.get(i % fonts.size()));
      boxes.add(new Rectangle(2 * MARGIN, y, m.stringWidth(lines.get(i)), m.getHeight()));
      y += m.getHeight() + gap;
    }
    BufferedImage image = new BufferedImage(width, y + 2 * MARGIN, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(image, fonts.get(0));
    for (int i = 0; i < lines.size(); i++) {
      Font font = fonts.get(i % fonts.size());
      g.setFont(font);
      g.drawString(lines.get(i), boxes.get(i).x, boxes.get(i).y + g.getFontMetrics().getAscent());
    }
    g.dispose();
    return new Page(image, boxes);
  }

  /** {@code image} turned by 180°, as an upside-down scan shows a line. */
  public static BufferedImage rotate180(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out.setRGB(w - 1 - x, h - 1 - y, image.getRGB(x, y));
      }
    }
    return out;
  }

  private static FontMetrics metrics(Font font) {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }

  private static Graphics2D graphics(BufferedImage image, Font font) {
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(font);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    return g;
  }
}
