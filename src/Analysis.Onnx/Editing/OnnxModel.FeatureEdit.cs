using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>
    /// Feature editing through a spliced sparse autoencoder, with the error term kept: the encoder of
    /// <paramref name="encoder"/> (a one-input graph such as an SAE's ONNX export) reads the tensor's value x and gives
    /// latents z; the fed inputs "{prefix}.scale" and "{prefix}.shift" (of the tensor's rank, each axis its size or 1,
    /// the last the number of latents) edit them, z' = z·scale + shift; and <c>x ← x + (z' − z)·W_dec</c>. That is
    /// decode(z') + (x − decode(z)), the reconstruction of the edited latents plus the SAE's error, written so that
    /// nothing fed (scale 1, shift 0) makes z' − z exactly zero, its product with W_dec exactly zero and the edit an exact
    /// no-op: outputs bit-identical to the unedited model's. Zero-ablation is scale 0 at a feature, mean-ablation and
    /// clamping scale 0 and shift the value, scaling a feature scale s.
    /// </summary>
    /// <param name="tensor">The edited tensor, [batch, positions, d] or [batch·positions, d].</param>
    /// <param name="prefix">Prefix of the new graph inputs.</param>
    /// <param name="encoder">The graph holding the encoder; only the nodes <paramref name="latents"/> needs are copied.</param>
    /// <param name="latents">The encoder graph's latents tensor, [.., features].</param>
    /// <param name="decoder">The encoder graph's decoder weight initializer, [features, d].</param>
    /// <param name="resolver">Shapes of the graph inputs where the model leaves them symbolic.</param>
    public InterventionInputs AddFeatureEdit(string tensor, string prefix, GraphProto encoder, string latents, string decoder, TensorTypeResolver? resolver = null)
    {
        if (encoder.Input.Count != 1) throw new ArgumentException($"The encoder graph must have one input; '{encoder.Name}' has {encoder.Input.Count}.", nameof(encoder));
        var type = InterventionTarget(tensor, resolver, out var index);
        if (type.ElementType != DataType.Float) throw new ArgumentException($"Tensor '{tensor}' holds {type.ElementType} values; feature edits splice a float32 encoder and need float32 activations.");
        var weights = encoder.Initializer.FirstOrDefault(t => t.Name == decoder)
            ?? throw new ArgumentException($"The encoder graph has no decoder weight '{decoder}'.", nameof(decoder));
        var width = type.Shape![^1].Value;
        if (weights.Dims.Count != 2 || width is null || weights.Dims[1] != width)
            throw new ArgumentException($"The decoder '{decoder}' has shape [{string.Join(", ", weights.Dims)}] but '{tensor}' has {type.ShapeText}; the SAE must be made for this hook's width.");

        // Only the ancestors of the latents: the reconstruction is replaced by the error-term form below.
        var producers = encoder.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        var needed = new HashSet<NodeProto>();
        var stack = new Stack<string>([latents]);
        while (stack.Count > 0)
            if (producers.TryGetValue(stack.Pop(), out var n) && needed.Add(n))
                foreach (var i in n.Input) stack.Push(i);
        if (!producers.ContainsKey(latents)) throw new ArgumentException($"No node of the encoder graph writes '{latents}'.", nameof(latents));
        var used = needed.SelectMany(n => n.Input).Append(decoder).ToHashSet(StringComparer.Ordinal);

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string Map(string name) => name.Length == 0 ? name : names.TryGetValue(name, out var m) ? m : names[name] = UniqueName(index, $"{prefix}.{name}");
        foreach (var init in encoder.Initializer.Where(t => used.Contains(t.Name)))
        {
            var copy = init.Clone();
            copy.Name = Map(init.Name);
            Graph.Initializer.Add(copy);
            index.Initializers[copy.Name] = copy;
        }
        var dims = type.Shape.Select((_, i) => Dim.Named($"{prefix}.dim{i}")).ToArray();
        dims[^1] = Dim.Named($"{prefix}.features");
        var scale = NewInput(index, $"{prefix}.scale", new TensorType(DataType.Float, dims));
        var shift = NewInput(index, $"{prefix}.shift", new TensorType(DataType.Float, dims));
        var z = Map(latents);
        var w = Map(decoder);

        IEnumerable<NodeProto> Encoder(string original)
        {
            names[encoder.Input[0].Name] = original;
            foreach (var node in encoder.Node.Where(needed.Contains))
            {
                var copy = node.Clone();
                copy.Name = UniqueName(index, $"{prefix}.{node.Name}");
                for (var i = 0; i < copy.Input.Count; i++) copy.Input[i] = Map(copy.Input[i]);
                for (var i = 0; i < copy.Output.Count; i++)
                {
                    copy.Output[i] = Map(copy.Output[i]);
                    index.Producers[copy.Output[i]] = copy;
                }
                MoveReduceAxesToInput(copy, prefix);
                yield return copy;
            }
        }
        return Splice(index, tensor, "features", (emit, original) =>
        {
            var scaled = emit("Mul", "scaled", [z, scale], null);
            var edited = emit("Add", "edited", [scaled, shift], null);
            var change = emit("Sub", "change", [edited, z], null);   // exactly 0 where nothing is edited
            var delta = emit("MatMul", "delta", [change, w], null);  // (z' − z)·W_dec
            return ("Add", [original, delta]);
        }, new Dictionary<string, string> { ["scale"] = scale, ["shift"] = shift }, Encoder);
    }
}
