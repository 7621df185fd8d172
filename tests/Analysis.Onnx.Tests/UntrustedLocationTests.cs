using Analysis.Onnx.Proto;
using Google.Protobuf;

namespace Analysis.Onnx.Tests;

/// <summary>
/// External-data locations come from the model file, which anyone may have written: an absolute location, one that
/// climbs with '..', or one through a symbolic link out of the model's folder is refused before any file is opened
/// (the class of onnx CVE-2024-27318), by every way in: Load, FromBytes, ReadTensorData and Save.
/// </summary>
public sealed class UntrustedLocationTests
{
    /// <summary>
    /// A real model (tiny_gpt2) whose large initializers moved to <paramref name="weights"/> in <paramref name="folder"/>,
    /// then whose first external tensor's location is replaced by <paramref name="location"/>.
    /// </summary>
    internal static string WriteModel(string folder, string location, string weights = "weights.bin")
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestModels.Tiny("tiny_gpt2")));
        var first = true;
        using (var file = File.Create(Path.Combine(folder, weights)))
            foreach (var t in model.Graph.Initializer.Where(t => t.RawData.Length >= 64))
            {
                // Every tensor's bytes go to the weights file; the first is said to be at the location under test.
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = first ? location : weights });
                t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = file.Position.ToString() });
                t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = t.RawData.Length.ToString() });
                file.Write(t.RawData.Span);
                t.ClearRawData();
                t.DataLocation = TensorProto.Types.DataLocation.External;
                first = false;
            }
        var path = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Theory]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("../../../../etc/hostname", "climbs out")]
    [InlineData("sub/../../outside.bin", "climbs out")]
    [InlineData("..\\..\\etc\\passwd", "climbs out")]
    public void HostileLocationsAreRefusedByEveryEntryPoint(string location, string reason)
    {
        using var tmp = new TempFolder();
        var folder = Directory.CreateDirectory(tmp["m/n"]).FullName;
        File.WriteAllBytes(tmp["outside.bin"], new byte[4096]);
        var path = WriteModel(folder, location);

        var load = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains(reason, load.Message);
        Assert.Contains(location, load.Message);
        // Without a folder, the location alone is enough to refuse.
        var bytes = File.ReadAllBytes(path);
        Assert.Contains(reason, Assert.Throws<OnnxFormatException>(() => OnnxModel.FromBytes(bytes)).Message);
        Assert.Contains(reason, Assert.Throws<OnnxFormatException>(() => OnnxModel.FromProto(ModelProto.Parser.ParseFrom(bytes), folder)).Message);
        Assert.Equal(["model.onnx", "weights.bin"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void ASymbolicLinkOutOfTheFolderIsRefusedAndOneInsideIsFollowed()
    {
        using var tmp = new TempFolder();
        var folder = Directory.CreateDirectory(tmp["model"]).FullName;
        var path = WriteModel(folder, "escape/passwd");
        File.CreateSymbolicLink(Path.Combine(folder, "escape"), "/etc"); // a folder link: the escape is mid-path
        var refused = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains("symbolic link", refused.Message);

        // A link to a file outside, given by a relative target that climbs.
        File.WriteAllBytes(tmp["secret.bin"], new byte[64]);
        path = WriteModel(folder, "secret.bin");
        File.CreateSymbolicLink(Path.Combine(folder, "secret.bin"), "../secret.bin");
        Assert.Contains("symbolic link", Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path)).Message);

        // A link whose target climbs out and back in stays inside: it is allowed, and the weights read through it.
        using var inside = new TempFolder();
        var good = WriteModel(inside.Path, "weights.bin", weights: "real.bin");
        File.CreateSymbolicLink(inside["weights.bin"], $"../{Path.GetFileName(inside.Path)}/real.bin");
        var model = OnnxModel.Load(good);
        var first = model.ExternalData[0].Tensor;
        var original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestModels.Tiny("tiny_gpt2"))).Graph.Initializer.Single(t => t.Name == first);
        Assert.Equal(original.RawData.ToByteArray(), model.ReadTensorData(first));
    }

    [Fact]
    public void ALocationMadeHostileAfterLoadingIsRefusedWhenReadOrSaved()
    {
        using var tmp = new TempFolder();
        var path = WriteModel(tmp.Path, "weights.bin");
        var model = OnnxModel.Load(path);
        var tensor = model.Graph.Initializer.First(t => t.DataLocation == TensorProto.Types.DataLocation.External);
        tensor.ExternalData.Single(e => e.Key == "location").Value = "/etc/passwd";

        Assert.Contains("absolute path", Assert.Throws<OnnxFormatException>(() => model.ReadTensorData(tensor)).Message);
        var elsewhere = Directory.CreateDirectory(tmp["out"]).FullName;
        Assert.Throws<OnnxFormatException>(() => model.Save(Path.Combine(elsewhere, "m.onnx")));
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }

    [Fact]
    public void RealPathExpandsLinksLikeTheKernel()
    {
        using var tmp = new TempFolder();
        var real = ContainedPath.RealPath(tmp.Path);
        Directory.CreateDirectory(tmp["a/b"]);
        File.CreateSymbolicLink(tmp["link"], "a/b");
        // 'link/..' is 'a', not the temp folder: '..' applies to the link's target.
        Assert.Equal(Path.Combine(real, "a"), ContainedPath.RealPath(tmp["link/.."]));
        Assert.Equal(Path.Combine(real, "a/b/missing"), ContainedPath.RealPath(tmp["link/missing"]));
        File.CreateSymbolicLink(tmp["loop"], "loop");
        Assert.Throws<OnnxFormatException>(() => ContainedPath.RealPath(tmp["loop/x"]));
    }
}
