using System.Security.Cryptography;
using System.Text;
using Analysis.Extraction.Dataset;
using Analysis.Onnx;
using Analysis.Onnx.Proto;

namespace Analysis.Extraction;

/// <summary>
/// A model rewritten so the chosen hooks are graph outputs, cached by content: the same model file and hooks reuse the
/// same hooked graph. Weights in external data files are referenced, never copied.
/// </summary>
public sealed class HookedModel
{
    private HookedModel(string sourcePath, string sourceSha256, string path, IReadOnlyList<HookPoint> hooks,
        IReadOnlyDictionary<string, string> outputs, long? embeddingRows, BranchSelection? branch, long opset)
    {
        Branch = branch;
        SourcePath = sourcePath;
        SourceSha256 = sourceSha256;
        Path = path;
        Hooks = hooks;
        OutputOf = outputs;
        EmbeddingRows = embeddingRows;
        Opset = opset;
    }

    /// <summary>Whether the hooks came from a saved resolution (no parse of the model this time).</summary>
    public bool ResolvedFromCache { get; private init; }

    /// <summary>The user's model file.</summary>
    public string SourcePath { get; }

    /// <summary>SHA-256 of the user's .onnx file (external data files are not hashed).</summary>
    public string SourceSha256 { get; }

    /// <summary>The hooked model file in the cache.</summary>
    public string Path { get; }

    /// <summary>The chosen hooks in model order.</summary>
    public IReadOnlyList<HookPoint> Hooks { get; }

    /// <summary>Canonical hook name → graph output name in the hooked model.</summary>
    public IReadOnlyDictionary<string, string> OutputOf { get; }

    /// <summary>
    /// For an Optimum merged decoder: the If node replaced by its no-cache branch (use_cache_branch = false), whose tensors
    /// the hooks are. Null for every other model.
    /// </summary>
    public BranchSelection? Branch { get; }

    /// <summary>Rows of the token embedding table (the largest id the model accepts, plus one), when found.</summary>
    public long? EmbeddingRows { get; }

    /// <summary>The default-domain opset the model imports.</summary>
    public long Opset { get; }

    /// <summary>
    /// Loads <paramref name="modelPath"/>, resolves <paramref name="patterns"/> (globs over canonical hook names, or raw
    /// tensor names) with structural discovery and an optional hook map file, and returns the hooked model, built or cached
    /// under <paramref name="cacheFolder"/> (default <see cref="AnalysisCache.Root"/>).
    /// </summary>
    public static HookedModel Prepare(string modelPath, IReadOnlyList<string> patterns, string? hookMapPath = null, string? cacheFolder = null)
    {
        var cacheRoot = cacheFolder ?? AnalysisCache.Root;
        if (patterns.Count == 0) throw new BadInputException("Name at least one hook (--hooks 'blocks.*.hook_resid_post') or tensor (--tensors NAME).");
        var sha = DatasetDirectory.Sha256Of(modelPath);
        var resolutionKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"hook-resolution/1\n{sha}\n{System.IO.Path.GetFullPath(modelPath)}\n"
            + $"{(hookMapPath is null ? "" : DatasetDirectory.Sha256Of(hookMapPath))}\n{string.Join("\n", patterns)}")))[..24];
        var resolutionFile = System.IO.Path.Combine(AnalysisCache.FolderIn(cacheRoot, AnalysisCache.HookedFolder, "resolved"), resolutionKey + ".json");
        if (HookResolution.TryLoad(resolutionFile) is { } known)
            return new HookedModel(modelPath, sha, known.HookedPath, known.Hooks, known.Outputs, known.EmbeddingRows, known.Branch, known.Opset)
                { ResolvedFromCache = true };

        var model = OnnxModel.Load(modelPath);
        // Tensors inside an If branch cannot be graph outputs; extraction runs the no-cache branch anyway.
        var branch = model.SelectNoCacheBranch();
        var overrides = hookMapPath is null ? null : HookMapFile.Load(hookMapPath);
        var map = HookDiscovery.Discover(model, overrides);
        var hooks = map.Resolve(patterns);
        var embeddingRows = FindEmbeddingRows(model);

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"hooked-model/2\n{sha}\n{System.IO.Path.GetFullPath(modelPath)}\n{string.Join("\n", hooks.Select(h => $"{h.Name}={h.Tensor}"))}")))[..24];
        var folder = AnalysisCache.FolderIn(cacheRoot, AnalysisCache.HookedFolder, key);
        var path = System.IO.Path.Combine(folder, "model.onnx");
        // ExposeHooks also records the mapping in the model's metadata, so the cached file describes itself.
        var outputs = model.ExposeHooks(hooks).ToDictionary(h => h.Name, h => h.Output, StringComparer.Ordinal);
        if (!File.Exists(path)) model.Save(path);
        new HookResolution(path, [.. hooks], outputs, embeddingRows, branch, model.Opset).Save(resolutionFile);
        return new HookedModel(modelPath, sha, path, hooks, outputs, embeddingRows, branch, model.Opset);
    }

    /// <summary>
    /// The rows of the embedding table that input_ids index: the data input of the first Gather whose indices come from the
    /// input_ids graph input (through Cast/Identity/Reshape-like nodes) and whose data is a 2-D initializer.
    /// </summary>
    private static long? FindEmbeddingRows(OnnxModel model)
    {
        var graph = model.Graph;
        var idsInput = graph.Input.FirstOrDefault(i => i.Name == "input_ids")?.Name ?? graph.Input.FirstOrDefault()?.Name;
        if (idsInput is null) return null;
        var derived = new HashSet<string>(StringComparer.Ordinal) { idsInput };
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Gather" && node.Input.Count == 2 && derived.Contains(node.Input[1])
                && initializers.TryGetValue(node.Input[0], out var table) && table.Dims.Count == 2)
                return table.Dims[0];
            if (node.OpType is "Cast" or "Identity" or "Reshape" or "Unsqueeze" or "Squeeze" or "Flatten"
                && node.Input.Count > 0 && derived.Contains(node.Input[0]))
                foreach (var o in node.Output) derived.Add(o);
        }
        return null;
    }
}
