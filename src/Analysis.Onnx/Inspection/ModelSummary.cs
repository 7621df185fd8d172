using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

/// <summary>What `analysis inspect` reports about a model: header, signature, operators, weights, hooks.</summary>
public sealed record ModelSummary(
    string Path,
    long IrVersion,
    string Producer,
    IReadOnlyDictionary<string, long> Opsets,
    IReadOnlyList<NamedType> Inputs,
    IReadOnlyList<NamedType> Outputs,
    int NodeCount,
    IReadOnlyDictionary<string, int> Operators,
    long Parameters,
    long InlineWeightBytes,
    long ExternalWeightBytes,
    IReadOnlyList<ExternalFile> ExternalFiles,
    string Structure,
    IReadOnlyList<NamedType> Hooks,
    IReadOnlyList<UnavailableHook> UnavailableHooks,
    string? Branch)
{
    /// <summary>Summarizes a model and its discovered hooks; <paramref name="branch"/> says which If branch the model was fixed to, if any.</summary>
    public static ModelSummary Of(OnnxModel model, HookMap hooks, BranchSelection? branch = null)
    {
        var graph = model.Graph;
        var types = model.InferTypes();
        NamedType Named(string name, string tensor) => new(name, tensor, types.Find(tensor)?.ToString() ?? "unknown");
        var initializerNames = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        long parameters = 0, inline = 0, external = 0;
        foreach (var t in graph.Initializer)
        {
            var count = t.Dims.Aggregate(1L, (p, d) => p * d);
            if (IsFloat((DataType)t.DataType)) parameters += count;
            if (ExternalDataReference.IsExternal(t)) continue;
            inline += t.HasRawData ? t.RawData.Length : count * ElementSize((DataType)t.DataType);
        }
        var files = new List<ExternalFile>();
        foreach (var group in model.ExternalData.GroupBy(r => r.Location))
        {
            var path = model.Directory is null ? group.Key : model.ResolveExternalPath(group.Key);
            var fileSize = File.Exists(path) ? new FileInfo(path).Length : 0;
            var bytes = group.Sum(r => r.Length ?? fileSize - r.Offset);
            external += bytes;
            files.Add(new ExternalFile(path, group.Count(), bytes));
        }

        return new ModelSummary(
            model.Name,
            model.Proto.IrVersion,
            $"{model.Proto.ProducerName} {model.Proto.ProducerVersion}".Trim(),
            model.Proto.OpsetImport.GroupBy(o => o.Domain is "" ? "ai.onnx" : o.Domain).ToDictionary(g => g.Key, g => g.Max(o => o.Version)),
            graph.Input.Where(i => !initializerNames.Contains(i.Name)).Select(i => Named(i.Name, i.Name)).ToList(),
            graph.Output.Select(o => Named(o.Name, o.Name)).ToList(),
            graph.Node.Count,
            graph.Node.GroupBy(n => n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}")
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            parameters, inline, external, files,
            hooks.Structure,
            hooks.Hooks.Select(h => Named(h.Name, h.Tensor)).ToList(),
            hooks.Unavailable,
            branch?.Describe());
    }

    private static bool IsFloat(DataType t) => t is DataType.Float or DataType.Float16 or DataType.Bfloat16 or DataType.Double;

    private static long ElementSize(DataType t) => t switch
    {
        DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 8,
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Complex128 => 16,
        _ => 1,
    };
}

/// <summary>A named tensor with its type as text ("float[batch, sequence, 64]").</summary>
/// <param name="Name">Input/output name or canonical hook name.</param>
/// <param name="Tensor">The ONNX tensor.</param>
/// <param name="Type">Element type and shape, or "unknown".</param>
public sealed record NamedType(string Name, string Tensor, string Type);

/// <summary>One external data file: where, how many tensors, how many bytes they use.</summary>
public sealed record ExternalFile(string Path, int Tensors, long Bytes);
