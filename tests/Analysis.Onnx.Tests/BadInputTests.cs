namespace Analysis.Onnx.Tests;

/// <summary>Files that are not (whole) ONNX models fail with one sentence naming the file.</summary>
public sealed class BadInputTests
{
    private const string Relu = "/usr/share/libonnx-testdata/data/simple/test_single_relu_model/model.onnx";
    private const string Conv = "/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx";

    [Theory]
    [InlineData("text", "this is not a model at all, just some words\n")]
    [InlineData("json", "{\"ir_version\": 7, \"graph\": {}}")]
    public void NonOnnxFilesAreRecognized(string name, string content)
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp[name], content);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(tmp[name]));
        Assert.Contains(tmp[name], e.Message);
        Assert.Contains("not an ONNX model", e.Message);
    }

    [Fact]
    public void RandomBytesAreRecognized()
    {
        using var tmp = new TempFolder();
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var bytes = new byte[random.Next(1, 4000)];
            random.NextBytes(bytes);
            File.WriteAllBytes(tmp["r"], bytes);
            Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(tmp["r"]));
        }
    }

    [Fact]
    public void EveryTruncationOfARealModelIsRejected()
    {
        using var tmp = new TempFolder();
        var path = File.Exists(Conv) ? Conv : Relu;
        var bytes = File.ReadAllBytes(path);
        for (var cut = 0; cut < bytes.Length; cut += Math.Max(1, bytes.Length / 200))
        {
            File.WriteAllBytes(tmp["cut.onnx"], bytes[..cut]);
            Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(tmp["cut.onnx"]));
        }
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => OnnxModel.Load("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", e.Message);
    }

    [Fact]
    public void UnknownInitializerIsAnArgumentError()
    {
        var model = OnnxModel.Load(Relu);
        var e = Assert.Throws<UnknownTensorException>(() => model.ReadTensorData("nope"));
        Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Contains("'nope'", e.Message);
    }
}
