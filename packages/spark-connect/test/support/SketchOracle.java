// Answers sketch queries with Spark's own spark-sketch classes, for tests that compare the
// TypeScript sketches with them. Run as a single-file program:
//   java -cp <spark jars>/spark-sketch_2.13-<version>.jar SketchOracle.java < queries
// Input: "cms" or "bf", then the sketch bytes in hex, then one item per line:
// "s:<hex of UTF-8>" (String), "b:<hex>" (byte[]), "l:<decimal>" (Long).
// Output: a summary line, then one answer per item (estimateCount, or mightContain).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.spark.util.sketch.BloomFilter;
import org.apache.spark.util.sketch.CountMinSketch;

public class SketchOracle {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String kind = in.readLine();
    byte[] bytes = HexFormat.of().parseHex(in.readLine());
    StringBuilder out = new StringBuilder();
    if (kind.equals("cms")) {
      CountMinSketch cms = CountMinSketch.readFrom(bytes);
      out.append(cms.depth()).append(' ').append(cms.width()).append(' ').append(cms.totalCount()).append('\n');
      for (String line; (line = in.readLine()) != null; ) out.append(cms.estimateCount(item(line))).append('\n');
    } else {
      BloomFilter bf = BloomFilter.readFrom(bytes);
      out.append(bf.bitSize()).append(' ').append(bf.expectedFpp()).append('\n');
      for (String line; (line = in.readLine()) != null; ) out.append(bf.mightContain(item(line))).append('\n');
    }
    System.out.print(out);
  }

  static Object item(String line) {
    String value = line.substring(2);
    return switch (line.charAt(0)) {
      case 's' -> new String(HexFormat.of().parseHex(value), StandardCharsets.UTF_8);
      case 'b' -> HexFormat.of().parseHex(value);
      default -> Long.parseLong(value);
    };
  }
}
