// Prints each built-in function of the pinned Spark as `name<TAB>group<TAB>since` (from its
// ExpressionInfo). DESCRIBE FUNCTION does not show the group (string_funcs, agg_funcs, ...), which
// decides the family file a generated wrapper goes to. Run by dump-function-registry.ts with the
// pinned Spark's jars on the class path (`java -cp "<jars>/*" FunctionGroups.java`).
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;

public class FunctionGroups {
  public static void main(String[] args) {
    var registry = FunctionRegistry$.MODULE$.builtin();
    var ids = registry.listFunction().iterator();
    while (ids.hasNext()) {
      ExpressionInfo info = registry.lookupFunction(ids.next()).get();
      System.out.println(info.getName() + "\t" + info.getGroup() + "\t" + info.getSince());
    }
  }
}
