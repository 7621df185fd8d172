namespace Analysis.Onnx.Tests;

/// <summary>onnx's own checker and strict shape inference, run on a model we wrote: declared types must agree with theirs.</summary>
internal static class OnnxChecker
{
    private const string Script = """
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True, data_prop=True)
print("\n".join(o.name for o in m.graph.output))
""";

    /// <summary>Saves the model to a temp file, checks it, and returns its graph output names as onnx reads them.</summary>
    public static string[] Check(OnnxModel model)
    {
        using var tmp = new TempFolder();
        model.Save(tmp["checked.onnx"]);
        return DebianPython.Run(Script, tmp["checked.onnx"]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
