using System.Text.RegularExpressions;
using Analysis.Interventions;
using Analysis.Reports;
using Analysis.Tests.Extraction;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Interventions;

/// <summary>Activation patching on stories260k with the bundled name-swap pairs.</summary>
public class PatchingTests
{
    private static readonly string Model = Path.Combine(Models.Folder("stories260k"), "model.onnx");
    private static readonly string Tokenizer = Path.Combine(Models.Folder("stories260k"), "tokenizer.json");
    private static readonly IReadOnlyList<PatchPair> Pairs = PatchPair.Read(Path.Combine(Models.Root, "tools", "demo", "patching-pairs.jsonl"));

    [Fact]
    public void PatchingAWholeLayersResidualStreamAtEveryPositionRestoresTheMetricFully()
    {
        var tokenizer = Analysis.Tokenizers.Tokenizer.Load(Tokenizer);
        var clean = Pairs.Select(p => tokenizer.Encode(p.Clean).Ids).ToArray();
        var corrupted = Pairs.Select(p => tokenizer.Encode(p.Corrupted).Ids).ToArray();
        string[] hooks = ["blocks.0.hook_resid_pre", "blocks.2.hook_resid_pre", "blocks.4.hook_resid_post"];
        using var model = InterventionModel.Open(Model, [.. hooks.Select(h => new InterventionPoint(h, EditKind.Replace))], readHooks: hooks);
        using var cleanRun = model.Run(model.CreateFeed(clean));
        var cleanLogits = cleanRun[0].ToArray<float>();
        using var corruptedRun = model.Run(model.CreateFeed(corrupted));
        Assert.NotEqual(cleanLogits, corruptedRun[0].ToArray<float>());
        for (var h = 0; h < hooks.Length; h++)
        {
            var feed = model.CreateFeed(corrupted);
            Array.Fill(feed.Keep(hooks[h]), false);
            cleanRun[h + 1].ToArray<float>().CopyTo(feed.Values(hooks[h]), 0);
            using var patched = model.Run(feed);
            // Everything downstream of a whole residual stream is a function of it: the clean logits come back exactly.
            InterventionIdentityTests.AssertBitIdentical(cleanLogits, patched[0].ToArray<float>());
        }
    }

    [Fact]
    public void SweepRestoresExactlyAtTheChangedTokenOfTheEmbeddingAndNowhereElse()
    {
        using var dir = new TempDirectory();
        var result = PatchingSweep.Run(new PatchingRequest { Model = Model, Tokenizer = Tokenizer, Pairs = Pairs, Output = dir.Path });
        Assert.Equal(["blocks.0.hook_resid_pre", "blocks.1.hook_resid_pre", "blocks.2.hook_resid_pre", "blocks.3.hook_resid_pre", "blocks.4.hook_resid_pre"], result.Hooks);
        Assert.NotEqual(result.CleanMetric, result.CorruptedMetric);
        var changed = Enumerable.Range(0, result.Positions.Length).Where(t => result.Positions[t].Contains('→')).ToArray();
        Assert.Single(changed); // The pairs differ in one name token.
        for (var t = 0; t < result.Positions.Length; t++)
            // Layer 0's stream is the token embedding: patching the one changed token makes the input the clean one (1),
            // patching an unchanged token writes the value already there (0); both exactly.
            Assert.Equal(t == changed[0] ? 1.0 : 0.0, result.Restored[0][t], 12);
        // Before the changed token nothing downstream can differ (causal attention): no patch there restores anything.
        for (var h = 0; h < result.Hooks.Length; h++)
            for (var t = 0; t < changed[0]; t++) Assert.Equal(0.0, result.Restored[h][t], 12);

        var html = HtmlReport.Render([dir.Path]);
        Assert.Contains("Activation patching", html);
        Assert.Equal(result.Hooks.Length * result.Positions.Length, Regex.Matches(html, "class=\"mark cell\"").Count);
    }

    [Fact]
    public void PromptsOfDifferentTokenLengthsAreBadInput()
    {
        var pairs = new[] { new PatchPair("Lily and Tim went to the park.", "Lily and Tom went to the park.", " Tim", " Lily") };
        var e = Assert.Throws<BadInputException>(() => PatchingSweep.Run(new PatchingRequest { Model = Model, Tokenizer = Tokenizer, Pairs = pairs }));
        Assert.Contains("same token count", e.Message);
    }
}
