using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>direction, steer, patch and generate through the command line: outputs, JSON, and exit 2 on bad input.</summary>
public class InterventionCommandsTests
{
    private static readonly string Folder = Path.Combine(Cli.Root, "onnx-models", "stories260k");
    private static readonly string Model = Path.Combine(Folder, "model.onnx");

    [Fact]
    public async Task GenerateJsonPrintsTheContinuationAndItsTokenIds()
    {
        var (code, output, error) = await Cli.Run("generate", "--model", Model, "--prompt", "Once upon a time", "--max-new-tokens", "20", "--greedy", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
        var expected = reference.RootElement.GetProperty("generation").GetProperty("new_ids").EnumerateArray().Take(20).Select(e => e.GetInt32());
        Assert.Equal(expected, doc.RootElement.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.StartsWith(", there was a little girl", doc.RootElement.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("clean").ValueKind);
    }

    [Fact]
    public async Task DirectionSteerAndSteeredGenerationWorkTogether()
    {
        var dir = Directory.CreateTempSubdirectory("analysis-cli-interventions-").FullName;
        try
        {
            var sae = Path.Combine(dir, "sae.safetensors");
            WriteDecoder(sae, features: 3, width: 64);
            var direction = Path.Combine(dir, "f1.json");
            var (code, output, error) = await Cli.Run("direction", "--sae", sae, "--feature", "1", "--hook", "blocks.2.hook_resid_post", "--normalize", "-o", direction);
            Assert.True(code == 0, error);
            Assert.Contains("64-dimensional direction at blocks.2.hook_resid_post", output);

            var steer = Path.Combine(dir, "steer");
            (code, output, error) = await Cli.Run("steer", "--model", Model, "--prompt", "Once upon a time", "--direction", direction, "--alpha", "0,4", "--target", " there", "--out", steer);
            Assert.True(code == 0, error);
            Assert.Contains("'▁there'", output);
            Assert.True(File.Exists(Path.Combine(steer, "results.json")));

            (code, output, error) = await Cli.Run("generate", "--model", Model, "--prompt", "Once upon a time", "--max-new-tokens", "15",
                "--steer", $"={direction}*20", "--clamp", "blocks.1.mlp.hook_post:3=5", "--json");
            Assert.True(code == 0, error);
            using var doc = JsonDocument.Parse(output);
            Assert.Equal(2, doc.RootElement.GetProperty("interventions").GetArrayLength());
            Assert.NotEqual(doc.RootElement.GetProperty("text").GetString(), doc.RootElement.GetProperty("clean").GetProperty("text").GetString());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task PatchWritesTheHeatmapValuesAndTheReportDrawsThem()
    {
        var dir = Directory.CreateTempSubdirectory("analysis-cli-patch-").FullName;
        try
        {
            var (code, output, error) = await Cli.Run("patch", "--model", Model, "--pairs", Path.Combine(Cli.Root, "tools", "demo", "patching-pairs.jsonl"), "-o", dir);
            Assert.True(code == 0, error);
            Assert.Contains("blocks.4.hook_resid_pre", output);
            (code, _, error) = await Cli.Run("report", dir, "--out", Path.Combine(dir, "report.html"));
            Assert.True(code == 0, error);
            Assert.Contains("Activation patching", File.ReadAllText(Path.Combine(dir, "report.html")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("generate", "--model", "MODEL", "--prompt", "x", "--greedy", "--temperature", "0.5")]
    [InlineData("generate", "--model", "MODEL", "--prompt", "x", "--steer", "no-star-or-equals")]
    [InlineData("generate", "--model", "MODEL", "--prompt", "x", "--clamp", "blocks.1.mlp.hook_post:9999=1")]
    [InlineData("steer", "--model", "MODEL", "--prompt", "x", "--direction", "/no/such/direction.json", "--alpha", "1", "-o", "/tmp/never-written")]
    [InlineData("direction", "--probe", "/no/such/probe.json", "--class", "s", "-o", "/tmp/never-written.json")]
    [InlineData("patch", "--model", "MODEL", "--pairs", "/no/such/pairs.jsonl", "-o", "/tmp/never-written")]
    public async Task BadInputExitsWithTwoAndOneSentence(params string[] args)
    {
        var (code, _, error) = await Cli.Run(args.Select(a => a == "MODEL" ? Model : a).ToArray());
        Assert.Equal(2, code);
        Assert.StartsWith("analysis: ", error);
        Assert.DoesNotContain("   at ", error);
    }

    private static void WriteDecoder(string path, int features, int width)
    {
        var data = Enumerable.Range(0, features * width).Select(i => MathF.Cos(i * 0.37f)).ToArray();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["W_dec"] = new { dtype = "F32", shape = new[] { features, width }, data_offsets = new[] { 0, data.Length * 4 } },
        });
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)header.Length));
        file.Write(header);
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
    }
}
