using Analysis.Extraction;
using Analysis.Tests.Extraction;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Library;

public class LanguageModelTests
{
    private static readonly string Model = Path.Combine(Models.Folder("stories260k"), "model.onnx");

    [Fact]
    public void HookedGraphsGoWhereTheOptionsSayAndTokenizedBatchesGiveTheSameCache()
    {
        using var dir = new TempDirectory();
        var cacheFolder = Path.Combine(dir.Path, "cache");
        using var model = LanguageModel.Load(Model, new LanguageModelOptions { CacheFolder = cacheFolder, Device = Runtime.Device.Cpu });
        string[] texts = ["Lily saw a big red ball.", "Tom was sad."];
        var fromTexts = model.RunWithCache(texts, ["hook_embed", "blocks.1.attn.hook_pattern"], new RunOptions { MaxLength = 16 });
        Assert.Single(Directory.GetFiles(Path.Combine(cacheFolder, AnalysisCache.HookedFolder), "model.onnx", SearchOption.AllDirectories));

        var fromTokens = model.RunWithCache(texts.Select(t => model.Tokenizer.Encode(t)).ToList(), ["hook_embed", "blocks.1.attn.hook_pattern"], new RunOptions { MaxLength = 16, BatchSize = 1 });
        Assert.Equal(fromTexts.Tokens, fromTokens.Tokens);
        // Attention patterns per query token: [heads, max_length], keys past the text zero.
        Assert.Equal(16, fromTexts.TokenShape("blocks.1.attn.hook_pattern")[1]);
        foreach (var hook in fromTexts.Hooks)
            for (int i = 0; i < fromTexts.Tokens.Count; i++)
                for (int k = 0; k < fromTexts[hook].Columns; k++)
                    Assert.Equal(fromTexts[hook].Row(i)[k], fromTokens[hook].Row(i)[k], 1e-5f);
        Assert.Throws<BadInputException>(() => model.RunWithCache(texts, ["hook_embed"], new RunOptions { Positions = PositionMode.Span }));
    }
}
