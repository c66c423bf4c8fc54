/**
 * User-defined functions a non-JVM client can use over Spark Connect. JavaScript closures cannot
 * run inside Spark's JVM, so (as PySpark's `spark.udf.registerJavaFunction`) a UDF is a Java class
 * on the server's class path (ship it with `spark.addArtifacts("udf.jar")`) registered by name
 * with a `CommonInlineUserDefinedFunction` carrying a `JavaUDF` (protocol: expressions.proto,
 * Command `register_function`). SQL UDFs need no client support: `spark.sql("CREATE TEMPORARY
 * FUNCTION f(x INT) RETURNS INT RETURN x + 1")`, then `functions.callFunction("f", col("x"))`.
 */
import type { SparkSession } from "./session.js";
import { type DataType, simpleString } from "./types.js";

/** `spark.udf`: registers Java UDFs (scalar and aggregate) under a SQL function name for this session. */
export class UDFRegistration {
  /** @internal made by {@link SparkSession.udf}. */
  constructor(private readonly session: SparkSession) {}

  /**
   * Registers `className` (a class implementing one of Spark's `org.apache.spark.sql.api.java.UDF0`
   * … `UDF22` interfaces, on the server's class path) as the temporary function `name`; call it with
   * `functions.callFunction(name, …)` or in SQL. `returnType` (DDL text like `"int"`, or a
   * DataType) is the result type Spark assumes; without it Spark infers it from the class's
   * generic signature. Throws SparkConnectError (ANALYSIS) when the class is missing or is not a UDF.
   */
  async registerJavaFunction(name: string, className: string, returnType?: string | DataType): Promise<void> {
    await this.register(name, className, false, returnType);
  }

  /**
   * Registers `className` (a class extending Spark's
   * `org.apache.spark.sql.expressions.UserDefinedAggregateFunction`, on the server's class path) as
   * the aggregate function `name`, as Spark's `UDFRegistration.registerJavaUDAF`. Throws
   * SparkConnectError when Spark cannot load the class or it is not such a function (an
   * `Aggregator` is not accepted here: Spark checks for UserDefinedAggregateFunction).
   */
  async registerJavaUDAF(name: string, className: string): Promise<void> {
    await this.register(name, className, true);
  }

  private async register(
    name: string,
    className: string,
    aggregate: boolean,
    returnType?: string | DataType,
  ): Promise<void> {
    const outputType =
      returnType === undefined
        ? {}
        : {
            outputType: {
              kind: {
                case: "unparsed" as const,
                value: {
                  dataTypeString: typeof returnType === "string" ? returnType : simpleString(returnType),
                },
              },
            },
          };
    await this.session.executeCommand({
      case: "registerFunction",
      value: {
        functionName: name,
        deterministic: true,
        arguments: [],
        function: { case: "javaUdf", value: { className, aggregate, ...outputType } },
      },
    });
  }
}
