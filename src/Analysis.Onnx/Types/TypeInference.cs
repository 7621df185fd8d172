using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

/// <summary>
/// Infers element types and shapes of every tensor in a graph, node by node, for the operators transformer exports use.
/// Small integer tensors (shapes, axes, indices) are also evaluated, so Reshape targets built from Shape/Gather/Concat
/// chains resolve to symbolic dims. What no rule covers falls back to the graph's value_info, then to the resolver.
/// </summary>
internal sealed class TypeInference
{
    private const int MaxTrackedValues = 64;

    private readonly Dictionary<string, TensorType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dim[]> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorType> _declared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);

    public static TensorTypes Run(GraphProto graph, TensorTypeResolver? resolver = null)
    {
        var inference = new TypeInference();
        inference.Seed(graph);
        foreach (var node in graph.Node) inference.Visit(node, resolver);
        return new TensorTypes(inference._types, inference.WhyUnknown);
    }

    private void Seed(GraphProto graph)
    {
        foreach (var info in graph.ValueInfo.Concat(graph.Output))
            if (TensorType.FromValueInfo(info) is { } t) _declared[info.Name] = t;
        foreach (var info in graph.Input)
            if (TensorType.FromValueInfo(info) is { } t) _types[info.Name] = t;
        foreach (var init in graph.Initializer)
        {
            _types[init.Name] = TensorType.FromTensor(init);
            TrackConstant(init.Name, init);
        }
    }

    private string WhyUnknown(string tensor) => _producers.TryGetValue(tensor, out var node)
        ? $"Cannot infer the type of tensor '{tensor}' (output of {node.OpType} node '{node.Name}'); no inference rule covers it, the model declares no value_info for it, and no resolver (probe run) was given."
        : $"Tensor '{tensor}' is not produced by any node, graph input or initializer of the main graph; check the name with 'analysis inspect'.";

    private void TrackConstant(string name, TensorProto t)
    {
        if (t.Dims.Count > 1 || (t.Dims.Count == 1 && t.Dims[0] > MaxTrackedValues)) return;
        if (TensorData.ToInt64s(t) is { } v) _values[name] = v.Select(Dim.Of).ToArray();
    }

    private void Visit(NodeProto node, TensorTypeResolver? resolver)
    {
        foreach (var o in node.Output)
            if (o.Length > 0) _producers[o] = node;
        TensorType?[] outputs;
        try
        {
            outputs = Infer(node);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidOperationException or OverflowException)
        {
            outputs = new TensorType?[node.Output.Count]; // A malformed node leaves its outputs to the fallbacks.
        }
        for (var i = 0; i < node.Output.Count; i++)
        {
            var name = node.Output[i];
            if (name.Length == 0) continue;
            var type = i < outputs.Length ? outputs[i] : null;
            type = Merge(type, _declared.GetValueOrDefault(name));
            type ??= resolver?.Invoke(name);
            if (type is not null) _types[name] = type;
        }
        try { EvaluateValues(node); }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException or DivideByZeroException) { }
    }

    // Inferred shapes win; a declared type fills what inference left unknown.
    private static TensorType? Merge(TensorType? inferred, TensorType? declared)
    {
        if (inferred is null) return declared;
        if (declared is null || declared.ElementType != inferred.ElementType || declared.Shape is null) return inferred;
        if (inferred.Shape is null) return declared;
        if (inferred.Shape.Count != declared.Shape.Count) return inferred;
        return inferred with { Shape = inferred.Shape.Zip(declared.Shape, (a, b) => a.IsUnknown ? b : a).ToArray() };
    }

    private TensorType? TypeOf(NodeProto node, int input) =>
        input < node.Input.Count && node.Input[input].Length > 0 ? _types.GetValueOrDefault(node.Input[input]) : null;

    private IReadOnlyList<Dim>? ShapeOf(NodeProto node, int input) => TypeOf(node, input)?.Shape;

    private Dim[]? ValuesOf(NodeProto node, int input) =>
        input < node.Input.Count && node.Input[input].Length > 0 ? _values.GetValueOrDefault(node.Input[input]) : null;

    private long[]? NumbersOf(NodeProto node, int input) =>
        ValuesOf(node, input) is { } v && v.All(d => d.Value is not null) ? v.Select(d => d.Value!.Value).ToArray() : null;

    private static AttributeProto? Attr(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    private static long IntAttr(NodeProto node, string name, long fallback) => Attr(node, name) is { } a ? a.I : fallback;

    // Axes moved from attributes to inputs over opset versions; accept either.
    private long[]? AxesOf(NodeProto node, int input, string attribute = "axes") =>
        Attr(node, attribute) is { } a ? a.Ints.ToArray() : NumbersOf(node, input);

    private static TensorType? Same(TensorType? t) => t;

    private static TensorType?[] One(TensorType? t) => [t];

    private TensorType?[] Infer(NodeProto node)
    {
        var x = TypeOf(node, 0);
        switch (node.OpType)
        {
            case "Identity" or "Relu" or "Sigmoid" or "Tanh" or "Erf" or "Sqrt" or "Reciprocal" or "Neg" or "Exp" or "Log"
                or "Abs" or "Softmax" or "LogSoftmax" or "Gelu" or "FastGelu" or "BiasGelu" or "QuickGelu" or "Floor" or "Ceil"
                or "Sin" or "Cos" or "LeakyRelu" or "Elu" or "Selu" or "HardSigmoid" or "HardSwish" or "Softplus" or "Softsign"
                or "Round" or "Sign" or "Clip" or "Mish" or "CumSum" or "Trilu" or "Celu" or "ThresholdedRelu" or "Shrink"
                or "RotaryEmbedding" or "BiasAdd" or "Hardmax" or "LpNormalization" or "InstanceNormalization"
                or "GroupNormalization" or "BatchNormalization" or "MeanVarianceNormalization":
                return One(Same(x));
            case "Dropout":
                return [x, x is null ? null : x with { ElementType = DataType.Bool }];
            case "Not" or "IsNaN" or "IsInf":
                return One(x is null ? null : x with { ElementType = DataType.Bool });
            case "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Max" or "Min" or "Sum" or "Mean" or "Mod" or "PRelu" or "BitShift":
                return One(Broadcast(node, x?.ElementType));
            case "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual" or "And" or "Or" or "Xor":
                return One(Broadcast(node, DataType.Bool));
            case "Where":
                return One(Broadcast(node, TypeOf(node, 1)?.ElementType ?? TypeOf(node, 2)?.ElementType));
            case "MatMul":
                return One(x is null ? null : new TensorType(x.ElementType, ShapeMath.MatMul(x.Shape, ShapeOf(node, 1))));
            case "Gemm":
                return One(x is null ? null : new TensorType(x.ElementType, Gemm(node)));
            case "Reshape":
                return One(x is null ? null : new TensorType(x.ElementType, Reshape(node)));
            case "Transpose":
                return One(x is null ? null : new TensorType(x.ElementType, Transpose(node, x.Shape)));
            case "LayerNormalization" or "SimplifiedLayerNormalization" or "SkipLayerNormalization" or "SkipSimplifiedLayerNormalization":
                return Norm(node, x);
            case "Gather":
                return One(x is null ? null : new TensorType(x.ElementType, Gather(node, x.Shape)));
            case "GatherND":
                return One(x is null ? null : new TensorType(x.ElementType, GatherND(node, x.Shape)));
            case "GatherElements":
                return One(x is null ? null : new TensorType(x.ElementType, ShapeOf(node, 1)?.ToArray()));
            case "Concat":
                return One(x is null ? null : new TensorType(x.ElementType, Concat(node)));
            case "Split":
                return Split(node, x);
            case "Slice":
                return One(x is null ? null : new TensorType(x.ElementType, Slice(node, x.Shape)));
            case "Squeeze":
                return One(x is null ? null : new TensorType(x.ElementType, Squeeze(node, x.Shape)));
            case "Unsqueeze":
                return One(x is null ? null : new TensorType(x.ElementType, Unsqueeze(node, x.Shape)));
            case "Cast":
                return One(x is null ? null : new TensorType((DataType)IntAttr(node, "to", 0), x.Shape));
            case "CastLike":
                return One(x is null || TypeOf(node, 1) is not { } like ? null : new TensorType(like.ElementType, x.Shape));
            case "Shape":
                return One(new TensorType(DataType.Int64, [ShapeValues(node) is { } s ? Dim.Of(s.Length) : x?.Shape is null ? Dim.Unknown : Dim.Of(x.Shape.Count)]));
            case "Size":
                return One(new TensorType(DataType.Int64, []));
            case "Constant":
                return One(ConstantType(node));
            case "ConstantOfShape":
                var fill = Attr(node, "value")?.T is { } value ? (DataType)value.DataType : DataType.Float;
                return One(new TensorType(fill, ValuesOf(node, 0) ?? UnknownDims(ShapeOf(node, 0))));
            case "Expand":
                return One(x is null ? null : new TensorType(x.ElementType, ShapeMath.Broadcast([x.Shape, ValuesOf(node, 1) ?? UnknownDims(ShapeOf(node, 1))])));
            case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceL1" or "ReduceL2"
                or "ReduceLogSum" or "ReduceLogSumExp" or "ReduceSumSquare":
                return One(x is null ? null : new TensorType(x.ElementType, Reduce(node, x.Shape, AxesOf(node, 1))));
            case "ArgMax" or "ArgMin":
                return One(x is null ? null : new TensorType(DataType.Int64, Reduce(node, x.Shape, [IntAttr(node, "axis", 0)])));
            case "Range":
                return One(x is null ? null : new TensorType(x.ElementType, [RangeLength(node)]));
            case "Flatten":
                return One(x is null ? null : new TensorType(x.ElementType, Flatten(node, x.Shape)));
            case "Tile" or "Pad" or "Resize" or "ReverseSequence":
                return One(x is null ? null : new TensorType(x.ElementType, UnknownDims(x.Shape)));
            case "TopK":
                var topk = x is null ? null : new TensorType(x.ElementType, UnknownDims(x.Shape));
                return [topk, topk is null ? null : topk with { ElementType = DataType.Int64 }];
            case "MaxPool":
                return [x is null ? null : new TensorType(x.ElementType, null), new TensorType(DataType.Int64, null)];
            case "NonZero":
                return One(new TensorType(DataType.Int64, [x?.Shape is null ? Dim.Unknown : Dim.Of(x.Shape.Count), Dim.Unknown]));
            case "Einsum" or "Attention" or "MultiHeadAttention" or "GroupQueryAttention" or "PackedAttention"
                or "MatMulNBits" or "Conv" or "ConvTranspose" or "AveragePool" or "GlobalAveragePool" or "GlobalMaxPool"
                or "ScatterND" or "ScatterElements" or "OneHot" or "DequantizeLinear":
                // Element type follows the first input (or the values input); shapes are not derived here.
                var elem = node.OpType is "OneHot" ? TypeOf(node, 2) : node.OpType is "DequantizeLinear" ? TypeOf(node, 1) : x;
                var first = elem is null ? null : new TensorType(elem.ElementType, node.OpType is "ScatterND" or "ScatterElements" ? elem.Shape : null);
                return Enumerable.Repeat(first, node.Output.Count).ToArray();
            default:
                return [];
        }
    }

    private static Dim[]? UnknownDims(IReadOnlyList<Dim>? shapeOfShape) =>
        shapeOfShape is [{ Value: { } n }] ? Enumerable.Repeat(Dim.Unknown, (int)n).ToArray() : null;

    private TensorType? Broadcast(NodeProto node, DataType? elementType)
    {
        if (elementType is null) return null;
        var shapes = node.Input.Where(i => i.Length > 0).Select(i => _types.GetValueOrDefault(i)?.Shape);
        return new TensorType(elementType.Value, ShapeMath.Broadcast(shapes));
    }

    private Dim[]? Gemm(NodeProto node)
    {
        if (ShapeOf(node, 0) is not [var a0, var a1] || ShapeOf(node, 1) is not [var b0, var b1]) return null;
        return [IntAttr(node, "transA", 0) != 0 ? a1 : a0, IntAttr(node, "transB", 0) != 0 ? b0 : b1];
    }

    private Dim[]? Reshape(NodeProto node)
    {
        if (Attr(node, "shape") is { } attribute) return ShapeMath.Reshape(ShapeOf(node, 0), attribute.Ints.Select(Dim.Of).ToArray(), false);
        if (ValuesOf(node, 1) is { } target) return ShapeMath.Reshape(ShapeOf(node, 0), target, IntAttr(node, "allowzero", 0) != 0);
        return UnknownDims(ShapeOf(node, 1));
    }

    private static Dim[]? Transpose(NodeProto node, IReadOnlyList<Dim>? shape)
    {
        if (shape is null) return null;
        var perm = Attr(node, "perm")?.Ints.ToArray() ?? Enumerable.Range(0, shape.Count).Reverse().Select(i => (long)i).ToArray();
        return perm.Select(p => shape[(int)p]).ToArray();
    }

    private static TensorType?[] Norm(NodeProto node, TensorType? x)
    {
        if (x is null) return [];
        var stash = (DataType)IntAttr(node, "stash_type", (long)DataType.Float);
        Dim[]? reduced = null;
        if (x.Shape is { } s && node.OpType is "LayerNormalization" or "SimplifiedLayerNormalization")
        {
            var axis = ShapeMath.NormalizeAxis(IntAttr(node, "axis", -1), s.Count);
            reduced = s.Select((d, i) => i < axis ? d : Dim.Of(1)).ToArray();
        }
        var stats = new TensorType(stash, reduced);
        return node.OpType switch
        {
            "LayerNormalization" => [x, stats, stats],
            "SimplifiedLayerNormalization" => [x, stats],
            "SkipLayerNormalization" => [x, stats, stats, x],
            _ => [x, stats, stats, x], // SkipSimplifiedLayerNormalization: output, unused, inv_std_var, skip sum
        };
    }

    private Dim[]? Gather(NodeProto node, IReadOnlyList<Dim>? data)
    {
        var indices = ShapeOf(node, 1);
        if (data is null || indices is null) return null;
        var axis = (int)ShapeMath.NormalizeAxis(IntAttr(node, "axis", 0), data.Count);
        return [.. data.Take(axis), .. indices, .. data.Skip(axis + 1)];
    }

    // indices[…, r] picks r-long index tuples after batch_dims leading axes: indices.shape[:-1] + data.shape[batch_dims + r:].
    private Dim[]? GatherND(NodeProto node, IReadOnlyList<Dim>? data)
    {
        var indices = ShapeOf(node, 1);
        if (data is null || indices is not [.., { Value: { } r }]) return null;
        var batchDims = (int)IntAttr(node, "batch_dims", 0);
        return [.. indices.Take(indices.Count - 1), .. data.Skip(batchDims + (int)r)];
    }

    private Dim[]? Concat(NodeProto node)
    {
        var shapes = node.Input.Where(i => i.Length > 0).Select(i => _types.GetValueOrDefault(i)?.Shape).ToList();
        if (shapes.Any(s => s is null)) return null;
        var rank = shapes[0]!.Count;
        if (shapes.Any(s => s!.Count != rank)) return null;
        var axis = (int)ShapeMath.NormalizeAxis(IntAttr(node, "axis", 0), rank);
        var result = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            if (i == axis)
            {
                var parts = shapes.Select(s => s![i].Value).ToList();
                result[i] = parts.All(p => p is not null) ? Dim.Of(parts.Sum(p => p!.Value)) : Dim.Unknown;
            }
            else result[i] = shapes.Select(s => s![i]).Aggregate(ShapeMath.Broadcast);
        }
        return result;
    }

    private TensorType?[] Split(NodeProto node, TensorType? x)
    {
        if (x is null) return [];
        var count = node.Output.Count;
        if (x.Shape is null) return Enumerable.Repeat(new TensorType(x.ElementType, null), count).ToArray();
        var axis = (int)ShapeMath.NormalizeAxis(IntAttr(node, "axis", 0), x.Shape.Count);
        var sizes = Attr(node, "split")?.Ints.ToArray() ?? NumbersOf(node, 1);
        var splitIsInput = node.Input.Count > 1 && node.Input[1].Length > 0;
        if (sizes is null && !splitIsInput && x.Shape[axis].Value is { } total)
        {
            var chunk = (total + count - 1) / count;
            sizes = Enumerable.Range(0, count).Select(i => Math.Min(chunk, total - chunk * i)).ToArray();
        }
        return Enumerable.Range(0, count).Select(i =>
        {
            var shape = x.Shape.ToArray();
            shape[axis] = sizes is not null && i < sizes.Length ? Dim.Of(sizes[i]) : Dim.Unknown;
            return (TensorType?)new TensorType(x.ElementType, shape);
        }).ToArray();
    }

    private Dim[]? Slice(NodeProto node, IReadOnlyList<Dim>? shape)
    {
        if (shape is null) return null;
        long[]? starts, ends, axes, steps;
        if (Attr(node, "starts") is { } s)
        {
            starts = s.Ints.ToArray();
            ends = Attr(node, "ends")?.Ints.ToArray();
            axes = Attr(node, "axes")?.Ints.ToArray();
            steps = null;
        }
        else
        {
            starts = NumbersOf(node, 1);
            ends = NumbersOf(node, 2);
            axes = node.Input.Count > 3 && node.Input[3].Length > 0 ? NumbersOf(node, 3) : null;
            steps = node.Input.Count > 4 && node.Input[4].Length > 0 ? NumbersOf(node, 4) : null;
            if (node.Input.Count > 3 && node.Input[3].Length > 0 && axes is null) return shape.Select(_ => Dim.Unknown).ToArray();
        }
        var result = shape.ToArray();
        var sliced = axes ?? Enumerable.Range(0, starts?.Length ?? ValuesOf(node, 1)?.Length ?? 0).Select(i => (long)i).ToArray();
        if (starts is null || ends is null)
        {
            if (node.Input.Count > 3 && axes is null) return shape.Select(_ => Dim.Unknown).ToArray();
            foreach (var a in sliced) result[ShapeMath.NormalizeAxis(a, shape.Count)] = Dim.Unknown;
            return sliced.Length == 0 ? shape.Select(_ => Dim.Unknown).ToArray() : result;
        }
        for (var i = 0; i < sliced.Length; i++)
        {
            var axis = (int)ShapeMath.NormalizeAxis(sliced[i], shape.Count);
            var step = steps is not null ? steps[i] : 1;
            result[axis] = SliceLength(shape[axis], starts[i], ends[i], step);
        }
        return result;
    }

    private static Dim SliceLength(Dim dim, long start, long end, long step)
    {
        if (dim.Value is not { } n)
            return start == 0 && step == 1 && end >= int.MaxValue ? dim : Dim.Unknown;
        if (step == 0) return Dim.Unknown;
        if (start < 0) start += n;
        if (end < 0) end += n;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, n);
            end = Math.Clamp(end, 0, n);
            return Dim.Of(Math.Max(0, (end - start + step - 1) / step));
        }
        start = Math.Clamp(start, -1, n - 1);
        end = Math.Clamp(end, -1, n - 1);
        return Dim.Of(Math.Max(0, (start - end - step - 1) / -step));
    }

    private Dim[]? Squeeze(NodeProto node, IReadOnlyList<Dim>? shape)
    {
        if (shape is null) return null;
        var axes = AxesOf(node, 1);
        if (axes is null)
        {
            if (node.Input.Count > 1 && node.Input[1].Length > 0) return null;
            if (shape.Any(d => d.Value is null)) return null;
            return shape.Where(d => d.Value != 1).ToArray();
        }
        var drop = axes.Select(a => ShapeMath.NormalizeAxis(a, shape.Count)).ToHashSet();
        return shape.Where((_, i) => !drop.Contains(i)).ToArray();
    }

    private Dim[]? Unsqueeze(NodeProto node, IReadOnlyList<Dim>? shape)
    {
        var axes = AxesOf(node, 1);
        if (shape is null || axes is null) return null;
        var rank = shape.Count + axes.Length;
        var inserted = axes.Select(a => ShapeMath.NormalizeAxis(a, rank)).ToHashSet();
        var result = new Dim[rank];
        var j = 0;
        for (var i = 0; i < rank; i++) result[i] = inserted.Contains(i) ? Dim.Of(1) : shape[j++];
        return result;
    }

    private static Dim[]? Reduce(NodeProto node, IReadOnlyList<Dim>? shape, long[]? axes)
    {
        if (shape is null) return null;
        var keep = IntAttr(node, "keepdims", 1) != 0;
        if (axes is null || axes.Length == 0)
        {
            if (IntAttr(node, "noop_with_empty_axes", 0) != 0 && axes is not null) return shape.ToArray();
            if (axes is null && node.Input.Count > 1 && node.Input[1].Length > 0) return keep ? shape.Select(_ => Dim.Unknown).ToArray() : null;
            return keep ? shape.Select(_ => Dim.Of(1)).ToArray() : [];
        }
        var reduced = axes.Select(a => ShapeMath.NormalizeAxis(a, shape.Count)).ToHashSet();
        return keep ? shape.Select((d, i) => reduced.Contains(i) ? Dim.Of(1) : d).ToArray()
                    : shape.Where((_, i) => !reduced.Contains(i)).ToArray();
    }

    private Dim RangeLength(NodeProto node)
    {
        if (NumbersOf(node, 0) is [var start] && NumbersOf(node, 1) is [var limit] && NumbersOf(node, 2) is [var delta] && delta != 0)
            return Dim.Of(Math.Max(0, (long)Math.Ceiling((limit - start) / (double)delta)));
        if (NumbersOf(node, 0) is [0] && ValuesOf(node, 1) is [var end] && NumbersOf(node, 2) is [1]) return end;
        return Dim.Unknown;
    }

    private static Dim[]? Flatten(NodeProto node, IReadOnlyList<Dim>? shape)
    {
        if (shape is null) return [Dim.Unknown, Dim.Unknown];
        var axis = (int)ShapeMath.NormalizeAxis(IntAttr(node, "axis", 1), shape.Count);
        static Dim Product(IEnumerable<Dim> dims) => dims.All(d => d.Value is not null) ? Dim.Of(dims.Aggregate(1L, (p, d) => p * d.Value!.Value)) : Dim.Unknown;
        return [Product(shape.Take(axis)), Product(shape.Skip(axis))];
    }

    private Dim[]? ShapeValues(NodeProto node)
    {
        if (ShapeOf(node, 0) is not { } shape) return null;
        var start = (int)ShapeMath.NormalizeAxis(IntAttr(node, "start", 0), shape.Count);
        var end = (int)ShapeMath.NormalizeAxis(IntAttr(node, "end", shape.Count), shape.Count);
        start = Math.Clamp(start, 0, shape.Count);
        end = Math.Clamp(end, start, shape.Count);
        return shape.Skip(start).Take(end - start).ToArray();
    }

    private static TensorType? ConstantType(NodeProto node)
    {
        foreach (var a in node.Attribute)
        {
            switch (a.Name)
            {
                case "value": return TensorType.FromTensor(a.T);
                case "value_float": return new TensorType(DataType.Float, []);
                case "value_floats": return new TensorType(DataType.Float, [Dim.Of(a.Floats.Count)]);
                case "value_int": return new TensorType(DataType.Int64, []);
                case "value_ints": return new TensorType(DataType.Int64, [Dim.Of(a.Ints.Count)]);
                case "value_string": return new TensorType(DataType.String, []);
                case "value_strings": return new TensorType(DataType.String, [Dim.Of(a.Strings.Count)]);
            }
        }
        return null;
    }

    // Evaluates small integer tensors (shape arithmetic) so later Reshape/Expand/Slice targets are known.
    private void EvaluateValues(NodeProto node)
    {
        if (node.Output.Count == 0 || node.Output[0].Length == 0) return;
        var output = node.Output[0];
        Dim[]? values = node.OpType switch
        {
            "Constant" => Attr(node, "value")?.T is { } t ? TensorData.ToInt64s(t)?.Select(Dim.Of).ToArray()
                : Attr(node, "value_int") is { } i ? [Dim.Of(i.I)]
                : Attr(node, "value_ints") is { } ints ? ints.Ints.Select(Dim.Of).ToArray() : null,
            "Shape" => ShapeValues(node),
            "Identity" or "Squeeze" or "Unsqueeze" or "Reshape" or "Flatten" => ValuesOf(node, 0),
            "Cast" => IntAttr(node, "to", 0) is (long)DataType.Int64 or (long)DataType.Int32 ? ValuesOf(node, 0) : null,
            "Gather" => GatherValues(node),
            "Concat" => node.Input.Select(i => _values.GetValueOrDefault(i)).ToList() is var parts && parts.All(p => p is not null)
                ? parts.SelectMany(p => p!).ToArray() : null,
            "Slice" => SliceValues(node),
            "Add" or "Sub" or "Mul" or "Div" => Arithmetic(node),
            "ConstantOfShape" => NumbersOf(node, 0) is [var n] && n <= MaxTrackedValues && Attr(node, "value")?.T is { } fill
                && TensorData.ToInt64s(fill) is [var v] ? Enumerable.Repeat(Dim.Of(v), (int)n).ToArray() : null,
            _ => null,
        };
        if (values is not null && values.Length <= MaxTrackedValues) _values[output] = values;
    }

    private Dim[]? GatherValues(NodeProto node)
    {
        if (ValuesOf(node, 0) is not { } data || NumbersOf(node, 1) is not { } indices || IntAttr(node, "axis", 0) != 0) return null;
        if (TypeOf(node, 0)?.Shape is not { Count: 1 }) return null;
        return indices.Select(i => data[(int)(i < 0 ? i + data.Length : i)]).ToArray();
    }

    private Dim[]? SliceValues(NodeProto node)
    {
        if (ValuesOf(node, 0) is not { } data || NumbersOf(node, 1) is not [var start] || NumbersOf(node, 2) is not [var end]) return null;
        if (node.Input.Count > 3 && node.Input[3].Length > 0 && NumbersOf(node, 3) is not [0]) return null;
        if (node.Input.Count > 4 && node.Input[4].Length > 0 && NumbersOf(node, 4) is not [1]) return null;
        var n = data.Length;
        if (start < 0) start += n;
        if (end < 0) end += n;
        start = Math.Clamp(start, 0, n);
        end = Math.Clamp(end, start, n);
        return data[(int)start..(int)end];
    }

    private Dim[]? Arithmetic(NodeProto node)
    {
        if (NumbersOf(node, 0) is not { } a || NumbersOf(node, 1) is not { } b) return null;
        if (a.Length != b.Length && a.Length != 1 && b.Length != 1) return null;
        var n = Math.Max(a.Length, b.Length);
        return Enumerable.Range(0, n).Select(i =>
        {
            long x = a[a.Length == 1 ? 0 : i], y = b[b.Length == 1 ? 0 : i];
            return Dim.Of(node.OpType switch { "Add" => x + y, "Sub" => x - y, "Mul" => x * y, _ => x / y });
        }).ToArray();
    }
}
