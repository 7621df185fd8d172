using System.Text.Json.Nodes;
using Analysis.Extraction;
using Analysis.Extraction.Dataset;
using Analysis.Runtime;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Extraction;

/// <summary>
/// A dataset's records (_progress/, _manifest.json) name their part files, but anyone may have edited them: a record
/// naming anything but the part's own file name is refused, so no record makes the tool look outside the dataset.
/// </summary>
public sealed class UntrustedRecordTests
{
    private static string Extract(TempDirectory dir)
    {
        var data = dir.File("data.jsonl", string.Join("\n", File.ReadLines(Path.Combine(Models.Root, "tools", "demo", "stories.jsonl")).Take(12)) + "\n");
        var output = Path.Combine(dir.Path, "out");
        var request = new ExtractionRequest
        {
            Model = Path.Combine(Models.Folder("stories260k"), "model.onnx"), Tokenizer = Path.Combine(Models.Folder("stories260k"), "tokenizer.json"),
            Data = data, Output = output, Hooks = ["hook_embed"], BatchSize = 4, ExamplesPerPart = 6, Device = Device.Cpu, MaxLength = 32,
        };
        Assert.True(ActivationExtractor.Run(request).DatasetComplete);
        return output;
    }

    private static void Rename(string file, JsonArray parts, string name)
    {
        parts[0]!["file"] = name;
        File.WriteAllText(file, (parts.Parent ?? parts).ToJsonString());
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("part-00001.parquet")] // another part's file
    public void AProgressRecordNamingAnotherFileIsRefused(string name)
    {
        using var dir = new TempDirectory();
        var output = Extract(dir);
        var progress = Path.Combine(output, "_progress", "shard-0-of-1.json");
        Rename(progress, JsonNode.Parse(File.ReadAllText(progress))!.AsArray(), name);

        var refused = Assert.Throws<BadInputException>(() => DatasetDirectory.Open(output).CompletedParts());
        Assert.Contains(name, refused.Message);
        Assert.Contains("part-00000.parquet", refused.Message);
        Assert.Throws<BadInputException>(() => ManifestMerge.TryComplete(DatasetDirectory.Open(output), "test", []));
    }

    [Fact]
    public void AManifestNamingAnotherFileIsRefused()
    {
        using var dir = new TempDirectory();
        var output = Extract(dir);
        var manifest = Path.Combine(output, DatasetDirectory.ManifestFile);
        var root = JsonNode.Parse(File.ReadAllText(manifest))!;
        Rename(manifest, root["parts"]!.AsArray(), "/etc/passwd");

        var refused = Assert.Throws<BadInputException>(() => DatasetDirectory.Open(output).ReadManifest());
        Assert.Contains("/etc/passwd", refused.Message);
        Assert.Throws<BadInputException>(() => DatasetValidator.Validate(DatasetDirectory.Open(output)));
    }
}
