using Xunit.Abstractions;

namespace Analysis.Onnx.Tests;

/// <summary>Every model in Debian's libonnx-testdata (written by the ONNX project, not us) survives load, save, reload.</summary>
public sealed class RoundTripTests(ITestOutputHelper output)
{
    private const string TestData = "/usr/share/libonnx-testdata/data";

    [Fact]
    public void EveryLibonnxTestdataModelRoundTripsToAnEqualMessage()
    {
        Assert.True(Directory.Exists(TestData),
            $"{TestData} is missing: install Debian's libonnx-testdata (run tools/setup.sh).");
        var models = Directory.EnumerateFiles(TestData, "model.onnx", SearchOption.AllDirectories).Order().ToList();
        var dir = Directory.CreateTempSubdirectory("onnx-roundtrip-");
        try
        {
            var failures = new List<string>();
            foreach (var path in models)
            {
                try
                {
                    var original = OnnxModel.Load(path);
                    var saved = Path.Combine(dir.FullName, "model.onnx");
                    original.Save(saved);
                    var reloaded = OnnxModel.Load(saved);
                    if (!original.Proto.Equals(reloaded.Proto)) failures.Add($"{path}: reloaded message differs");
                }
                catch (Exception e)
                {
                    failures.Add($"{path}: {e.Message}");
                }
            }
            output.WriteLine($"libonnx-testdata round trip: {models.Count - failures.Count} of {models.Count} models equal after load/save/reload");
            Assert.Empty(failures);
            Assert.True(models.Count >= 1000, $"only {models.Count} models found under {TestData}; expected about 1,072");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
