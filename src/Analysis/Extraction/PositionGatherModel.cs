using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analysis.Extraction.Dataset;
using Analysis.Onnx;

namespace Analysis.Extraction;

/// <summary>
/// The hooked model with token positions selected inside the graph: one more int64 input, <see cref="IndicesInput"/>
/// ([batch, k]: each row's selected token indices), and per hook an output holding only those tokens instead of the
/// whole sequence, so only the selected rows leave ONNX Runtime (on a GPU, the device). Where a hook's token axis sits
/// is known only after a probe run of the plain hooked model (<see cref="HookLayout"/>), so this is a second build step:
/// hooked model → probe → this graph, cached next to the hooked model and keyed by the layouts. The position mode is not
/// part of the key: first, last, span and mean-span only feed different indices to the same graph.
/// </summary>
public sealed class PositionGatherModel
{
    /// <summary>The graph input that takes the selected token indices.</summary>
    public const string IndicesInput = "analysis_positions";

    private PositionGatherModel(string path, IReadOnlyDictionary<string, string> outputs)
    {
        Path = path;
        OutputOf = outputs;
    }

    /// <summary>The model file in the cache.</summary>
    public string Path { get; }

    /// <summary>Canonical hook name → the output with only the selected tokens (token axis of length k, other axes as in the hook).</summary>
    public IReadOnlyDictionary<string, string> OutputOf { get; }

    /// <summary>
    /// The gathering graph for <paramref name="hooked"/>'s hooks as <paramref name="layouts"/> describe them, built or
    /// cached; null when the model's opset predates GatherND's batch_dims, and the CPU selects positions for every hook.
    /// </summary>
    public static PositionGatherModel? Prepare(HookedModel hooked, IReadOnlyList<HookLayout> layouts)
    {
        if (hooked.Opset < OnnxModel.GatherPositionsMinOpset) return null;
        var gathered = layouts.Select(l => (Layout: l, Axis: PositionAxis(l.Axes))).Where(g => g.Axis is not null).ToList();
        if (gathered.Count == 0) return null;

        var folder = System.IO.Path.GetDirectoryName(hooked.Path)!;
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"position-gather/1\n{string.Join("\n", gathered.Select(g => $"{g.Layout.Output}={g.Axis}"))}")))[..16];
        var path = System.IO.Path.Combine(folder, $"positions-{key}.onnx");
        var mapFile = System.IO.Path.Combine(folder, $"positions-{key}.json");
        if (File.Exists(path) && File.Exists(mapFile)
            && JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(mapFile)) is { } cached
            && gathered.All(g => cached.ContainsKey(g.Layout.Output)))
            return new PositionGatherModel(path, Select(cached, gathered.Select(g => g.Layout)));

        var model = OnnxModel.Load(hooked.Path);
        var outputs = model.GatherPositions(IndicesInput, gathered.Select(g => (g.Layout.Output, g.Axis!.Value)).Distinct().ToList());
        // The full hook tensors stop being outputs: nothing reads them any more, and ORT need not hand them back.
        var full = gathered.Select(g => g.Layout.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var output in model.Graph.Output.Where(o => full.Contains(o.Name)).ToList()) model.Graph.Output.Remove(output);
        model.Save(path);
        // Written after the model, so a map file always describes a complete model.
        AtomicFile.WriteAllText(mapFile, JsonSerializer.Serialize(outputs));
        return new PositionGatherModel(path, Select(outputs, gathered.Select(g => g.Layout)));
    }

    private static Dictionary<string, string> Select(IReadOnlyDictionary<string, string> byTensor, IEnumerable<HookLayout> layouts) =>
        layouts.ToDictionary(l => l.Name, l => byTensor[l.Output], StringComparer.Ordinal);

    /// <summary>
    /// The axis GatherPositions selects along: 1 or 2 with the batch at 0, or 0 for [batch·seq, d]. Every layout
    /// <see cref="HookLayout.Infer"/> knows has one; a layout without (null) would keep its full output and be selected on the CPU.
    /// </summary>
    private static int? PositionAxis(HookAxes axes) => axes switch
    {
        HookAxes.Sequence or HookAxes.SequenceMatrix => 1,
        HookAxes.Attention or HookAxes.HeadsFirst => 2, // attention: the query axis; keys stay whole
        HookAxes.Flat => 0,
        _ => null,
    };
}
