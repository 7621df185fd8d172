using Analysis.Extraction;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Extraction;

/// <summary>A rerun with the same model, hook map and patterns takes the hooks from the saved resolution instead of parsing the model.</summary>
public sealed class HookResolutionTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("analysis-resolution-").FullName;
    private readonly List<HookedModel> prepared = [];

    private string CopyOfStories()
    {
        var model = Path.Combine(folder, "model.onnx"); // a fresh path, so the first Prepare cannot hit an old entry
        File.Copy(Path.Combine(Models.Folder("stories260k"), "model.onnx"), model);
        return model;
    }

    private HookedModel Prepare(string model, params string[] patterns)
    {
        var hooked = HookedModel.Prepare(model, patterns);
        prepared.Add(hooked);
        return hooked;
    }

    [Fact]
    public void TheSecondPrepareReusesTheFirstsResolution()
    {
        var model = CopyOfStories();
        var first = Prepare(model, "blocks.*.hook_resid_post", "blocks.1.attn.hook_pattern");
        var second = Prepare(model, "blocks.*.hook_resid_post", "blocks.1.attn.hook_pattern");
        Assert.False(first.ResolvedFromCache);
        Assert.True(second.ResolvedFromCache);
        Assert.Equal(first.Path, second.Path);
        Assert.Equal(first.Hooks, second.Hooks);
        Assert.Equal(first.OutputOf.OrderBy(kv => kv.Key), second.OutputOf.OrderBy(kv => kv.Key));
        Assert.Equal(first.EmbeddingRows, second.EmbeddingRows);
        Assert.Equal(first.Opset, second.Opset);
        Assert.Equal(512, second.EmbeddingRows);
        Assert.Equal(6, second.Hooks.Count);
    }

    [Fact]
    public void OtherPatternsAChangedModelOrADamagedEntryResolveAfresh()
    {
        var model = CopyOfStories();
        Prepare(model, "blocks.*.hook_resid_post");
        Assert.False(Prepare(model, "blocks.0.hook_resid_post").ResolvedFromCache);

        var entry = ResolutionFiles().Single(f => !File.ReadAllText(f).Contains("blocks.1.hook_resid_post")); // the one-hook entry
        File.WriteAllText(entry, "{ not json");
        var rebuilt = Prepare(model, "blocks.0.hook_resid_post");
        Assert.False(rebuilt.ResolvedFromCache);
        Assert.Equal(["blocks.0.hook_resid_post"], rebuilt.Hooks.Select(h => h.Name));
        Assert.True(Prepare(model, "blocks.0.hook_resid_post").ResolvedFromCache);

        using (var f = File.Open(model, FileMode.Append)) f.Write([0x32, 0x01, (byte)'x']); // doc_string = "x": same graph, new SHA-256
        Assert.False(Prepare(model, "blocks.0.hook_resid_post").ResolvedFromCache);
    }

    /// <summary>The runtime opens the graph an entry names, so an entry naming one outside the cache is not trusted: the model is resolved afresh.</summary>
    [Fact]
    public void AnEntryNamingAGraphOutsideTheCacheIsRebuilt()
    {
        var model = CopyOfStories();
        var first = Prepare(model, "hook_embed");
        var entry = ResolutionFiles().Single();
        var elsewhere = Path.Combine(folder, "elsewhere.onnx");
        File.Copy(first.Path, elsewhere);
        File.WriteAllText(entry, File.ReadAllText(entry).Replace(System.Text.Json.JsonSerializer.Serialize(first.Path)[1..^1], elsewhere));
        Assert.Contains("elsewhere.onnx", File.ReadAllText(entry));

        var again = Prepare(model, "hook_embed");
        Assert.False(again.ResolvedFromCache);
        Assert.Equal(first.Path, again.Path);
        Assert.True(Prepare(model, "hook_embed").ResolvedFromCache);
    }

    private IEnumerable<string> ResolutionFiles() =>
        Directory.GetFiles(Path.Combine(AnalysisCache.Root, "hooked", "resolved"), "*.json")
            .Where(f => prepared.Any(p => File.ReadAllText(f).Contains(Path.GetFileName(Path.GetDirectoryName(p.Path)!))));

    public void Dispose()
    {
        // This test's cache entries are keyed by a temporary path nobody will use again.
        foreach (var f in ResolutionFiles().ToList()) File.Delete(f);
        foreach (var dir in prepared.Select(p => Path.GetDirectoryName(p.Path)!).Distinct()) Directory.Delete(dir, recursive: true);
        Directory.Delete(folder, recursive: true);
    }
}
