using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analysis.Extraction.Dataset;
using Analysis.Onnx;

namespace Analysis.Extraction;

/// <summary>
/// Where a graph built from a model for one analysis (the lens, the attention statistics) is cached: a folder under the
/// hooked-graph cache, keyed by the model's content and path, the hook map and the hook patterns, that holds the graph
/// (model.onnx) and a JSON description of what was built. Either file missing, or a damaged description, means rebuild.
/// </summary>
internal sealed class DerivedGraphCache
{
    private DerivedGraphCache(string graphPath, string descriptionPath) => (GraphPath, DescriptionPath) = (graphPath, descriptionPath);

    /// <summary>Where the graph is (or is to be) saved.</summary>
    public string GraphPath { get; }

    /// <summary>Where the description of the graph is (or is to be) saved.</summary>
    public string DescriptionPath { get; }

    /// <summary>
    /// The entry of graphs of <paramref name="kind"/> (e.g. "lens") built from the model for the patterns;
    /// <paramref name="version"/> changes when the kind's graphs change shape, so old entries are not reused.
    /// </summary>
    public static DerivedGraphCache For(string kind, int version, string modelPath, string? hookMapPath, IReadOnlyList<string> patterns)
    {
        if (!File.Exists(modelPath)) throw new BadInputException($"The model '{modelPath}' does not exist; pass the path of an .onnx file.");
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{kind}-graph/{version}\n{DatasetDirectory.Sha256Of(modelPath)}\n{Path.GetFullPath(modelPath)}\n" +
            $"{(hookMapPath is null ? "" : DatasetDirectory.Sha256Of(hookMapPath))}\n{string.Join("\n", patterns)}")))[..24];
        var folder = AnalysisCache.Folder(AnalysisCache.HookedFolder, kind + "-" + key);
        return new DerivedGraphCache(Path.Combine(folder, "model.onnx"), Path.Combine(folder, kind + ".json"));
    }

    /// <summary>The saved description when the entry is complete, else null.</summary>
    public T? TryLoad<T>() where T : class
    {
        if (!File.Exists(GraphPath) || !File.Exists(DescriptionPath)) return null;
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(DescriptionPath)); }
        catch (JsonException) { return null; } // a damaged cache entry is rebuilt
    }

    /// <summary>Saves the description (atomically), after the graph itself is saved at <see cref="GraphPath"/>.</summary>
    public void SaveDescription<T>(T description) => AtomicFile.WriteAllText(DescriptionPath, JsonSerializer.Serialize(description));

    /// <summary>What every derived graph starts from: the model, its no-cache branch selected, and its discovered hooks.</summary>
    public static (OnnxModel Model, BranchSelection? Branch, HookMap Map) Open(string modelPath, string? hookMapPath)
    {
        var model = OnnxModel.Load(modelPath);
        var branch = model.SelectNoCacheBranch();
        return (model, branch, HookDiscovery.Discover(model, hookMapPath is null ? null : HookMapFile.Load(hookMapPath)));
    }
}
