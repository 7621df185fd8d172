using System.Runtime.InteropServices;

namespace Analysis.Onnx.Tests;

/// <summary>Models whose weights live in external files, written by the onnx python package (an independent implementation).</summary>
public sealed class ExternalDataTests
{
    // Two initializers in one external file (so offsets matter), one small one kept inline.
    private const string WriteModel = """
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
folder = sys.argv[1]
w = np.arange(64 * 32, dtype=np.float32).reshape(64, 32) / 7
b = np.linspace(-1, 1, 32).astype(np.float32)
s = np.array([2.5], dtype=np.float32)
g = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Add", ["h", "b"], ["y0"]), helper.make_node("Mul", ["y0", "s"], ["y"])],
    "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 64])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 32])],
    [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"), numpy_helper.from_array(s, "s")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
onnx.save_model(m, folder + "/model.onnx", save_as_external_data=True, all_tensors_to_one_file=True, location="weights.bin", size_threshold=64)
w.tofile(folder + "/w.expected"); b.tofile(folder + "/b.expected")
""";

    private const string CheckModel = """
import sys, numpy as np, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1], load_external_data=True)
onnx.checker.check_model(m)
t = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
assert np.array_equal(t["w"].ravel(), np.fromfile(sys.argv[2], dtype=np.float32)), "w differs"
assert np.array_equal(t["b"].ravel(), np.fromfile(sys.argv[3], dtype=np.float32)), "b differs"
print([o.name for o in m.graph.output])
""";

    [Fact]
    public void LoadsWithoutReadingWeightsAndReadsThemOnDemand()
    {
        using var tmp = new TempFolder();
        DebianPython.Run(WriteModel, tmp.Path);
        var model = OnnxModel.Load(tmp["model.onnx"]);

        Assert.Equal(["w", "b"], model.ExternalData.Select(r => r.Tensor).Order().Reverse());
        Assert.True(new FileInfo(tmp["model.onnx"]).Length < 1024, "weights must not be inside the model file");
        Assert.Equal(File.ReadAllBytes(tmp["w.expected"]), model.ReadTensorData("w"));
        Assert.Equal(File.ReadAllBytes(tmp["b.expected"]), model.ReadTensorData("b"));
        Assert.Equal(BitConverter.GetBytes(2.5f), model.ReadTensorData("s"));
    }

    [Fact]
    public void SavingIntoTheSameFolderKeepsReferencesAndDoesNotTouchWeights()
    {
        using var tmp = new TempFolder();
        DebianPython.Run(WriteModel, tmp.Path);
        var before = File.GetLastWriteTimeUtc(tmp["weights.bin"]);
        var model = OnnxModel.Load(tmp["model.onnx"]);
        model.Graph.Output.Add(new Proto.ValueInfoProto { Name = "h", Type = new Proto.TypeProto { TensorType = new Proto.TypeProto.Types.Tensor { ElemType = 1, Shape = new Proto.TensorShapeProto { Dim = { new Proto.TensorShapeProto.Types.Dimension { DimParam = "n" }, new Proto.TensorShapeProto.Types.Dimension { DimValue = 32 } } } } } });

        var report = model.Save(tmp["edited.onnx"]);

        var link = Assert.Single(report.ExternalFiles);
        Assert.Equal(ExternalLinkKind.SameFolder, link.Kind);
        Assert.Equal("weights.bin", link.Location);
        Assert.Equal(before, File.GetLastWriteTimeUtc(tmp["weights.bin"]));
        Assert.Equal(new[] { "model.onnx", "w.expected", "b.expected", "weights.bin", "edited.onnx" }.Order(), Directory.GetFiles(tmp.Path).Select(Path.GetFileName).Order());
        var seen = DebianPython.Run(CheckModel, tmp["edited.onnx"], tmp["w.expected"], tmp["b.expected"]);
        Assert.Contains("'h'", seen);
    }

    [Fact]
    public void SavingElsewhereHardLinksWeightsInsteadOfCopying()
    {
        using var tmp = new TempFolder();
        DebianPython.Run(WriteModel, tmp.Path);
        var other = Directory.CreateDirectory(tmp["elsewhere"]).FullName;
        var model = OnnxModel.Load(tmp["model.onnx"]);

        var report = model.Save(Path.Combine(other, "model.onnx"));

        var link = Assert.Single(report.ExternalFiles);
        Assert.Equal(ExternalLinkKind.HardLink, link.Kind);
        DebianPython.Run(CheckModel, Path.Combine(other, "model.onnx"), tmp["w.expected"], tmp["b.expected"]);
        // A hard link is the same file: a change through one name is visible through the other (a copy would not be).
        using (var f = File.OpenWrite(tmp["weights.bin"])) f.WriteByte(0x5A);
        Assert.Equal(0x5A, File.ReadAllBytes(Path.Combine(other, link.Location))[0]);
        // Saving there again reuses the link rather than making another.
        OnnxModel.Load(tmp["model.onnx"]).Save(Path.Combine(other, "model.onnx"));
        Assert.Equal(2, Directory.GetFiles(other).Length);
    }

    [Fact]
    public void WithoutHardLinksSavingElsewhereIsRefusedAndWritesNothing()
    {
        using var tmp = new TempFolder();
        DebianPython.Run(WriteModel, tmp.Path);
        var other = Directory.CreateDirectory(tmp["a/b"]).FullName;
        var refused = Assert.Throws<IOException>(() =>
            OnnxModel.Load(tmp["model.onnx"]).Save(Path.Combine(other, "m.onnx"), new SaveOptions(HardLinkExternalData: false)));
        Assert.Contains("refused on load", refused.Message);
        Assert.Empty(Directory.GetFileSystemEntries(other));
    }

    [Fact]
    public void MissingOrTruncatedWeightFileIsNamed()
    {
        using var tmp = new TempFolder();
        DebianPython.Run(WriteModel, tmp.Path);
        var bytes = File.ReadAllBytes(tmp["weights.bin"]);
        File.WriteAllBytes(tmp["weights.bin"], bytes[..100]);
        var truncated = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(tmp["model.onnx"]));
        Assert.Contains("weights.bin", truncated.Message);
        Assert.Contains("truncated", truncated.Message);

        File.Delete(tmp["weights.bin"]);
        var missing = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(tmp["model.onnx"]));
        Assert.Contains("weights.bin", missing.Message);
        Assert.Contains("missing", missing.Message);
    }

    [Fact]
    public void InliningMakesTheModelSelfContained()
    {
        using var tmp = new TempFolder();
        DebianPython.Run(WriteModel, tmp.Path);
        var model = OnnxModel.Load(tmp["model.onnx"]);
        model.InlineExternalData();
        Assert.Empty(model.ExternalData);
        var alone = Directory.CreateDirectory(tmp["alone"]).FullName;
        Assert.Empty(model.Save(Path.Combine(alone, "m.onnx")).ExternalFiles);
        DebianPython.Run(CheckModel, Path.Combine(alone, "m.onnx"), tmp["w.expected"], tmp["b.expected"]);
    }
}
