using System.Text.Json;
using Analysis.Extraction.Dataset;
using Analysis.Onnx;

namespace Analysis.Extraction;

/// <summary>
/// What <see cref="HookedModel.Prepare"/> learned by parsing a model (which hooks the patterns name, their outputs, the
/// embedding size, the selected branch), saved beside the hooked graph so a rerun with the same model file, hook map
/// and patterns skips the parse: about a second and a copy of the weights in memory for a model with inline weights.
/// </summary>
internal sealed record HookResolution(string HookedPath, List<HookPoint> Hooks, Dictionary<string, string> Outputs,
    long? EmbeddingRows, BranchSelection? Branch, long Opset)
{
    /// <summary>The saved resolution, or null when there is none, it cannot be read, or its hooked graph is gone.</summary>
    public static HookResolution? TryLoad(string file)
    {
        try
        {
            var r = JsonSerializer.Deserialize<HookResolution>(File.ReadAllText(file));
            return r is not null && IsInsideCache(r.HookedPath, file) && File.Exists(r.HookedPath) ? r : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or ArgumentException)
        {
            return null; // a missing or damaged cache entry is rebuilt
        }
    }

    /// <summary>
    /// The hooked graph a saved resolution names is opened by the runtime, so it must be one of the cache's own: inside the
    /// hooked-graph folder that holds the resolutions' folder, symbolic links followed.
    /// </summary>
    private static bool IsInsideCache(string hookedPath, string resolutionFile)
    {
        var hookedRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(resolutionFile)))!;
        if (!Path.IsPathFullyQualified(hookedPath)) return false;
        try
        {
            ContainedPath.Resolve(hookedRoot, Path.GetRelativePath(hookedRoot, hookedPath), "A saved hook resolution");
            return true;
        }
        catch (OnnxFormatException)
        {
            return false; // rebuilt from the model
        }
    }

    /// <summary>Saves it atomically (a reader never sees half a file).</summary>
    public void Save(string file) => AtomicFile.WriteAllText(file, JsonSerializer.Serialize(this));
}
