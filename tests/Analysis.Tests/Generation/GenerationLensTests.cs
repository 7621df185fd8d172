using System.Text.Json;
using System.Text.RegularExpressions;
using Analysis.Generation;
using Analysis.Interventions;
using Analysis.Lens;
using Analysis.Reports;
using Analysis.Results;
using Analysis.Runtime;
using Analysis.Tests.Extraction;
using Analysis.Tests.Reports;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Xunit.Abstractions;

namespace Analysis.Tests.Generation;

/// <summary>The logit lens during generation against the model itself and against `analysis lens` run on the generated text.</summary>
public class GenerationLensTests(ITestOutputHelper output)
{
    private static GenerationRequest Request(string folder, int tokens) => new()
    {
        Model = Path.Combine(Models.Folder(folder), "model.onnx"), Tokenizer = Path.Combine(Models.Folder(folder), "tokenizer.json"),
        Prompt = "Once upon a time", MaxNewTokens = tokens,
    };

    /// <summary>
    /// Under greedy decoding the last layer's top-1 is the generated token with KL 0, and every generated position's
    /// lens (top tokens, probability and rank of the generated token, entropy, KL) equals what LogitLens computes on
    /// the whole final sequence at that position, within 1e-5.
    /// </summary>
    [Theory]
    [InlineData("stories260k", 24)]
    [InlineData("gpt2-tiny", 12)]
    public void PerStepLensIsTheModelAtTheLastLayerAndEqualsTheLensOfTheFinalSequence(string folder, int tokens)
    {
        var request = Request(folder, tokens);
        using var lens = GenerationLens.Open(request, ["blocks.*.hook_resid_post"], topK: 5);
        var result = Generator.Run(request, observer: lens);
        var steps = lens.Result.Steps;
        Assert.True(steps.Count >= result.Output.TokenIds.Length && result.Output.TokenIds.Length > 0, $"{steps.Count} steps for {result.Output.TokenIds.Length} tokens");
        Assert.Equal(result.Output.TokenIds, steps.Take(result.Output.TokenIds.Length).Select(s => s.TokenId));
        foreach (var s in steps)
        {
            var last = s.Layers[^1];
            Assert.Equal(s.TokenId, last.TopIds[0]);
            Assert.Equal(0, last.TokenRank);
            Assert.Equal(0f, last.KlToFinal);
            Assert.Equal(result.PromptIds.Length - 1 + s.Step, s.Position);
        }

        // The lens of the whole final sequence (prompt + continuation), position by position.
        var sequence = result.PromptIds.Concat(result.Output.TokenIds).ToArray();
        var rows = new List<LensTokenRow>();
        using (var full = LogitLens.Open(new LensOptions { Model = request.Model, Tokenizer = request.Tokenizer, TopK = 5, Device = Device.Cpu }))
        {
            Assert.Equal(full.Hooks, lens.Hooks);
            full.AnalyzeTokens([(0L, sequence)], rows.Add);
        }
        double worst = 0;
        foreach (var s in steps)
            for (var l = 0; l < s.Layers.Count; l++)
            {
                var step = s.Layers[l];
                var row = rows.Single(r => r.Position == s.Position && r.Layer == l);
                void Near(double expected, double actual, string what)
                {
                    worst = Math.Max(worst, Math.Abs(expected - actual));
                    Assert.True(Math.Abs(expected - actual) <= 1e-5, $"step {s.Step} layer {l} {what}: per-step {actual}, full sequence {expected}");
                }
                Near(row.Entropy, step.Entropy, "entropy");
                Near(row.KlToFinal, step.KlToFinal, "KL");
                for (var j = 0; j < 5; j++) Near(row.TopProbabilities[j], step.TopProbabilities[j], $"top{j + 1} p");
                Assert.Equal(row.TopIds, step.TopIds);
                if (row.NextTokenId is null) continue; // the stop token's step: the final sequence has no next token there
                Assert.Equal(s.TokenId, row.NextTokenId);
                Near(row.NextTokenProbability!.Value, step.TokenProbability, "p(generated)");
                Assert.Equal(row.NextTokenRank, step.TokenRank);
            }
        output.WriteLine($"{folder}: {steps.Count} steps × {lens.Hooks.Count} layers, max |per-step − full sequence| = {worst:e2}");
    }

    /// <summary>With steering, the lens reads the steered row: its last layer is the steered continuation, which differs from the clean one.</summary>
    [Fact]
    public void WithSteeringTheLensReadsTheSteeredRow()
    {
        var vector = Enumerable.Range(0, 64).Select(i => MathF.Cos(i * 0.7f)).ToArray();
        var request = Request("stories260k", 20) with
        {
            Steering = [new SteeringEdit("blocks.2.hook_resid_post", Direction.Create("blocks.2.hook_resid_post", vector, "cosine", false), 6)],
        };
        using var lens = GenerationLens.Open(request, ["blocks.*.hook_resid_post"]);
        var result = Generator.Run(request, observer: lens);
        Assert.NotEqual(result.Clean!.TokenIds, result.Output.TokenIds);
        Assert.True(lens.Result.Intervened);
        Assert.Equal(result.Output.TokenIds, lens.Result.Steps.Take(result.Output.TokenIds.Length).Select(s => s.TokenId));
        foreach (var s in lens.Result.Steps)
        {
            Assert.Equal(s.TokenId, s.Layers[^1].TopIds[0]);
            Assert.Equal(0f, s.Layers[^1].KlToFinal);
        }
    }

    [Theory]
    [InlineData("blocks.*.hook_nothing")]
    [InlineData("blocks.0.mlp.hook_post")]
    public void HooksTheLensCannotReadAreBadInput(string pattern)
    {
        var e = Assert.Throws<BadInputException>(() => GenerationLens.Open(Request("stories260k", 3), [pattern]));
        output.WriteLine(e.Message);
        Assert.Throws<BadInputException>(() => GenerationLens.Open(Request("stories260k", 3), ["blocks.*.hook_resid_post"], topK: 0));
    }

    /// <summary>The parquet file, results.json and the report section (rendered in headless Chromium) hold the steps.</summary>
    [Fact]
    public void ParquetAndReportSectionRenderInChromium()
    {
        if (!File.Exists(HtmlReportTests.Chromium)) Assert.Fail($"{HtmlReportTests.Chromium} is missing: run tools/setup/report.sh (apt package chromium) to test the HTML report in a real browser.");
        using var dir = new TempDirectory();
        var request = Request("stories260k", 30);
        var sets = dir.File("sets.json", """{"pronouns": ["▁she", "▁he", "▁She", "▁He"], "names": ["▁Lily", "▁Tom", "▁Ben"]}""");
        var outDir = Path.Combine(dir.Path, "gen");
        using (var lens = GenerationLens.Open(request, ["blocks.*.hook_resid_post"], 3, sets))
        {
            var result = Generator.Run(request, observer: lens);
            lens.WriteParquet(outDir);
            ResultsFile.Save(outDir, new Dictionary<string, string>(), ("generation", result), (GenerationLens.Entry, lens.Result));
        }
        using var table = Analysis.Parquet.ParquetReader.Open(Path.Combine(outDir, GenerationLens.TokensFile));
        Assert.Equal(30 * 5, table.RowCount);
        foreach (var column in new[] { "step", "token", "layer", "token_rank", "token_prob", "entropy", "kl_to_final", "top1_token", "top3_prob", "mass_names" })
            Assert.Contains(column, table.Schema.Children.Select(f => f.Name));

        var page = Path.Combine(dir.Path, "report.html");
        HtmlReport.Write([outDir], page);
        var dom = HtmlReportTests.AssertPlotsRender(dir.Path, page, 3, "generation-lens-report.png", height: 1800); // p(generated) and two token sets
        Assert.Equal(3 * 5 * 30, Regex.Matches(dom, "class=\"mark cell\"").Count);
        output.WriteLine(Path.Combine(AppContext.BaseDirectory, "generation-lens-report.png"));
    }
}
