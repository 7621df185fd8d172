using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>The oldest default-domain opset whose GatherND takes <c>batch_dims</c>, which <see cref="GatherPositions"/> needs.</summary>
    public const long GatherPositionsMinOpset = 12;

    /// <summary>
    /// Adds the int64 graph input <paramref name="indicesInput"/> of shape [batch, k] (k position indices per batch row)
    /// and, for each tensor, a graph output holding only those positions along its position axis:
    /// <c>out[b, …, j, …] = tensor[b, …, indices[b, j], …]</c>. <c>Axis</c> ≥ 1 names the position axis of a tensor whose
    /// axis 0 is the batch; <c>Axis</c> 0 means batch and position are folded into axis 0 (<c>[batch·seq, …]</c>), and
    /// the output is <c>[batch, k, …]</c>. The tensors themselves are left as they are. Returns tensor name → output name.
    /// </summary>
    public IReadOnlyDictionary<string, string> GatherPositions(string indicesInput, IReadOnlyList<(string Tensor, int Axis)> tensors, TensorTypeResolver? resolver = null)
    {
        if (Opset < GatherPositionsMinOpset)
            throw new ArgumentException($"'{Name}' imports opset {Opset}; gathering positions needs GatherND with batch_dims (opset {GatherPositionsMinOpset} or later).");
        var index = new GraphIndex(Graph);
        if (index.Exists(indicesInput) || index.Outputs.Contains(indicesInput))
            throw new ArgumentException($"Cannot add input '{indicesInput}': a tensor of that name already exists in '{Name}'; choose another name.", nameof(indicesInput));
        var types = InferTypes(resolver);
        foreach (var (tensor, axis) in tensors)
        {
            if (!index.Exists(tensor)) throw new UnknownTensorException(tensor, $"the graph of '{Name}'");
            if (types[tensor].Shape is { } shape && (axis < 0 || axis >= shape.Count || (axis == 0 && shape.Count < 2)))
                throw new ArgumentException($"Tensor '{tensor}' has shape {types[tensor].ShapeText}, so axis {axis} cannot be its position axis.", nameof(tensors));
        }

        Graph.Input.Add(new TensorType(DataType.Int64, [Dim.Named("batch"), Dim.Named("positions")]).ToValueInfo(indicesInput));
        index.Inputs.Add(indicesInput);
        var nodes = new List<NodeProto>();
        string Add(string opType, string wanted, string[] inputs, params AttributeProto[] attributes)
        {
            var name = UniqueName(index, wanted);
            var node = new NodeProto { OpType = opType, Name = name, Input = { inputs }, Output = { name } };
            node.Attribute.Add(attributes);
            nodes.Add(node);
            index.Producers[name] = node;
            return name;
        }
        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        string Constant(params long[] values)
        {
            var key = string.Join(",", values);
            if (constants.TryGetValue(key, out var known)) return known;
            var value = new TensorProto { DataType = (int)DataType.Int64, Dims = { values.Length } };
            value.Int64Data.Add(values);
            return constants[key] = Add("Constant", $"{indicesInput}/constant[{key}]", [], new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        }

        // GatherND with batch_dims = axis reads, for each index of the axes before the position axis, the rows its last
        // index names; so the indices [batch, k] become [batch, 1, …, 1, k, 1], broadcast over the axes in between.
        string? rows = null;
        string IndicesFor(string tensor, int axis)
        {
            if (axis == 1) return rows ??= Add("Reshape", $"{indicesInput}/rows", [indicesInput, Constant(0, -1, 1)]);
            var units = Add("Reshape", $"{indicesInput}/axis{axis}", [indicesInput, Constant([0, .. Enumerable.Repeat(1L, axis - 1), -1, 1])]);
            var leading = Add("Slice", $"{tensor}/leading_shape", [Add("Shape", $"{tensor}/shape", [tensor]), Constant(0), Constant(axis)]);
            var target = Add("Concat", $"{tensor}/indices_shape", [leading, Constant(1, 1)], Int("axis", 0));
            return Add("Expand", $"{tensor}/indices", [units, target]);
        }

        string? batch = null;
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tensor, axis) in tensors.Distinct())
        {
            if (outputs.ContainsKey(tensor))
                throw new ArgumentException($"Tensor '{tensor}' is listed with two different position axes; name each tensor once.", nameof(tensors));
            var data = tensor;
            var positionAxis = axis;
            if (axis == 0)
            {
                // [batch·seq, rest…] → [batch, seq, rest…], the batch size read from the indices.
                batch ??= Add("Slice", $"{indicesInput}/batch", [Add("Shape", $"{indicesInput}/shape", [indicesInput]), Constant(0), Constant(1)]);
                var rest = Add("Slice", $"{tensor}/rest_shape", [Add("Shape", $"{tensor}/shape", [tensor]), Constant(1), Constant(long.MaxValue)]);
                var unfolded = Add("Concat", $"{tensor}/unfolded_shape", [batch, Constant(-1), rest], Int("axis", 0));
                data = Add("Reshape", $"{tensor}/unfolded", [tensor, unfolded]);
                positionAxis = 1;
            }
            outputs[tensor] = Add("GatherND", $"{tensor}_at_{indicesInput}", [data, IndicesFor(tensor, positionAxis)], Int("batch_dims", positionAxis));
        }
        Graph.Node.Add(nodes);

        var gathered = InferTypes(resolver);
        foreach (var output in outputs.Values) Graph.Output.Add(gathered[output].ToValueInfo(output));
        return outputs;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
