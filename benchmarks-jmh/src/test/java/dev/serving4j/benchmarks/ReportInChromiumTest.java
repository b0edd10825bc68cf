package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens report.html in a real browser, headless Debian Chromium, as a reader would. Runs only where
 * {@code /usr/bin/chromium} exists; {@code .ci/run} installs it, so CI always runs it.
 */
@EnabledIf("chromiumIsInstalled")
class ReportInChromiumTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  /** Appended to a copy of the page: counts overlapping label boxes and labels wider than the room reserved. */
  private static final String PROBE = """
      <script>
      const labels = [...document.querySelectorAll('text.label')].map(t => [t, t.getBBox()]);
      let overlaps = 0, tooWide = 0;
      labels.forEach(([t, a], i) => {
        if (a.width > +t.dataset.w) tooWide++;
        labels.slice(i + 1).forEach(([u, b]) => {
          if (t.ownerSVGElement === u.ownerSVGElement && a.x < b.x + b.width && b.x < a.x + a.width
              && a.y < b.y + b.height && b.y < a.y + a.height) overlaps++;
        });
      });
      document.body.dataset.probe = 'labels=' + labels.length + ' overlaps=' + overlaps + ' tooWide=' + tooWide;
      </script>
      """;

  static boolean chromiumIsInstalled() {
    return Files.isExecutable(CHROMIUM);
  }

  @Test
  void rendersTheReportToAPictureThatIsNotBlankWhenChromiumIsInstalled(@TempDir Path dir) throws Exception {
    Path html = write(dir, HtmlReport.render(crowded()));
    Path png = dir.resolve("report.png");
    chromium(dir, "--screenshot=" + png, "--window-size=1040,1800", html.toUri().toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(1040, image.getWidth());
    Set<Integer> colours = new HashSet<>();
    int notWhite = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        notWhite += rgb == 0xffffff ? 0 : 1;
      }
    }
    assertTrue(colours.size() > 50, "distinct colours: " + colours.size());
    assertTrue(notWhite > image.getWidth() * image.getHeight() / 4 / 50, "non-white pixels: " + notWhite);
  }

  @Test
  void theRenderedChartShowsItsTextAndNoLabelOverlapsWhenChromiumIsInstalled(@TempDir Path dir) throws Exception {
    String page = HtmlReport.render(crowded()).replace("</body>", PROBE + "</body>");
    String dom = chromium(dir, "--dump-dom", write(dir, page).toUri().toString());
    assertTrue(dom.contains("p99 latency against throughput"), "chart title");
    assertTrue(dom.contains("chosen: quantized b32 w3 t2 c60"), "chosen label");
    assertTrue(dom.contains("Latency percentiles"), "percentile chart");
    assertTrue(dom.matches("(?s).*data-probe=\"labels=[1-9]\\d* overlaps=0 tooWide=0\".*"),
        dom.replaceAll("(?s).*(data-probe=\"[^\"]*\").*", "$1"));
  }

  private static SweepReport crowded() {
    return SweepReport.of("Crowded sweep", LabelLayoutTest.crowdedFrontier(), false, 250, null, "a test machine");
  }

  private static Path write(Path dir, String html) throws IOException {
    return Files.writeString(dir.resolve("report.html"), html);
  }

  /** Runs headless Chromium with a throwaway profile and returns what it printed on stdout. */
  private static String chromium(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(dir.resolve("chromium.log").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "chromium did not exit");
    assertEquals(0, p.exitValue(), () -> "chromium failed: " + log(dir));
    return out;
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("chromium.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
