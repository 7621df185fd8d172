using System.Text.Json;
using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>Metadata key under which an exposed model records hook name → graph output (JSON object).</summary>
    public const string HooksMetadataKey = "analysis.hooks";

    /// <summary>
    /// Makes each hook's tensor a graph output (see <see cref="AddOutputs"/>) and records the mapping canonical name →
    /// output name in the model's metadata (<see cref="HooksMetadataKey"/>), so the exposed file describes itself.
    /// </summary>
    public IReadOnlyList<ExposedHook> ExposeHooks(IReadOnlyList<HookPoint> hooks, TensorTypeResolver? resolver = null)
    {
        var outputs = AddOutputs(hooks.Select(h => h.Tensor), resolver);
        var types = InferTypes(resolver);
        var exposed = hooks.Select(h => new ExposedHook(h.Name, h.Tensor, outputs[h.Tensor], types[h.Tensor])).ToList();

        var mapping = new Dictionary<string, string>(ExposedHookOutputs(), StringComparer.Ordinal);
        var previous = Proto.MetadataProps.FirstOrDefault(p => p.Key == HooksMetadataKey);
        foreach (var h in exposed) mapping[h.Name] = h.Output;
        if (previous is not null) Proto.MetadataProps.Remove(previous);
        Proto.MetadataProps.Add(new StringStringEntryProto { Key = HooksMetadataKey, Value = JsonSerializer.Serialize(mapping) });
        return exposed;
    }

    /// <summary>The hook name → graph output mapping an exposed model recorded (empty when none).</summary>
    public IReadOnlyDictionary<string, string> ExposedHookOutputs()
    {
        var entry = Proto.MetadataProps.FirstOrDefault(p => p.Key == HooksMetadataKey);
        if (entry is null) return new Dictionary<string, string>();
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(entry.Value) ?? [];
        }
        catch (JsonException e)
        {
            throw new OnnxFormatException($"'{Name}' has malformed '{HooksMetadataKey}' metadata ({e.Message}); expose the hooks again.", e);
        }
    }
}
