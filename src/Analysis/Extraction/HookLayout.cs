using Analysis.Runtime;

namespace Analysis.Extraction;

/// <summary>Where the token axis sits in a hook's output tensor.</summary>
public enum HookAxes
{
    /// <summary>[batch, seq, d]: one vector per token.</summary>
    Sequence,
    /// <summary>[batch·seq, d]: exports that flatten tokens.</summary>
    Flat,
    /// <summary>[batch, heads, query, key]: an attention pattern; per query token [heads, max_length], keys zero-padded.</summary>
    Attention,
    /// <summary>[batch, seq, a, b]: per token [a, b] (e.g. split heads).</summary>
    SequenceMatrix,
    /// <summary>[batch, heads, seq, d]: per token [heads, d].</summary>
    HeadsFirst,
}

/// <summary>
/// How to read one token's activation out of a hook's output tensor, learned from a probe run on a batch of known size,
/// so the per-token shape (a Parquet list length) is fixed before anything is written.
/// </summary>
public sealed class HookLayout
{
    private HookLayout(string name, string output, HookAxes axes, int[] tokenShape)
    {
        Name = name;
        Output = output;
        Axes = axes;
        TokenShape = tokenShape;
        Dimension = tokenShape.Aggregate(1, (a, b) => checked(a * b));
    }

    /// <summary>Canonical hook name (the dataset column).</summary>
    public string Name { get; }

    /// <summary>The graph output that carries it.</summary>
    public string Output { get; }

    /// <summary>The tensor's axes.</summary>
    public HookAxes Axes { get; }

    /// <summary>Per-token shape as stored (flattened, row-major) in one list cell.</summary>
    public int[] TokenShape { get; }

    /// <summary>Floats per token.</summary>
    public int Dimension { get; }

    /// <summary>Infers the layout from an output of a probe run on <paramref name="batch"/> rows of <paramref name="length"/> tokens.</summary>
    public static HookLayout Infer(string name, string output, IReadOnlyList<long> shape, int batch, int length, int maxLength)
    {
        var s = shape.ToArray();
        if (s.Length == 3 && s[0] == batch && s[1] == length) return new(name, output, HookAxes.Sequence, [(int)s[2]]);
        if (s.Length == 2 && s[0] == (long)batch * length) return new(name, output, HookAxes.Flat, [(int)s[1]]);
        if (s.Length == 4 && s[0] == batch && s[2] == length && s[3] == length) return new(name, output, HookAxes.Attention, [(int)s[1], maxLength]);
        if (s.Length == 4 && s[0] == batch && s[1] == length) return new(name, output, HookAxes.SequenceMatrix, [(int)s[2], (int)s[3]]);
        if (s.Length == 4 && s[0] == batch && s[2] == length) return new(name, output, HookAxes.HeadsFirst, [(int)s[1], (int)s[3]]);
        throw new BadInputException(
            $"Hook '{name}' has shape [{string.Join(", ", s)}] for a batch of {batch}×{length} tokens: no token axis found, so it cannot be stored per token; pick another hook.");
    }

    /// <summary>
    /// Copies token <paramref name="t"/> of row <paramref name="b"/> of a batch padded to <paramref name="length"/> tokens
    /// into <paramref name="destination"/> (length <see cref="Dimension"/>).
    /// </summary>
    public void CopyToken(NativeTensor tensor, int b, int t, int length, Span<float> destination)
    {
        var shape = tensor.Shape;
        switch (tensor.ElementType)
        {
            case TensorElementType.Float: Copy(tensor.AsSpan<float>(), shape, b, t, length, destination); break;
            case TensorElementType.Float16: Copy(tensor.AsSpan<Half>(), shape, b, t, length, destination); break;
            default:
                throw new BadInputException($"Hook '{Name}' is of type {tensor.ElementType}; only float32 and float16 activations can be stored.");
        }
    }

    private void Copy<T>(ReadOnlySpan<T> data, IReadOnlyList<long> shape, int b, int t, int length, Span<float> destination) where T : unmanaged
    {
        switch (Axes)
        {
            case HookAxes.Sequence:
            case HookAxes.SequenceMatrix:
            case HookAxes.Flat:
                Convert(data.Slice((b * length + t) * Dimension, Dimension), destination);
                break;
            case HookAxes.Attention:
            {
                int heads = (int)shape[1], q = (int)shape[2], k = (int)shape[3], width = TokenShape[1];
                destination.Clear();
                for (int h = 0; h < heads; h++)
                    Convert(data.Slice(((b * heads + h) * q + t) * k, Math.Min(k, width)), destination.Slice(h * width, Math.Min(k, width)));
                break;
            }
            case HookAxes.HeadsFirst:
            {
                int heads = (int)shape[1], seq = (int)shape[2], d = (int)shape[3];
                for (int h = 0; h < heads; h++)
                    Convert(data.Slice(((b * heads + h) * seq + t) * d, d), destination.Slice(h * d, d));
                break;
            }
        }
    }

    private static void Convert<T>(ReadOnlySpan<T> source, Span<float> destination) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(source).CopyTo(destination);
        else System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(System.Runtime.InteropServices.MemoryMarshal.Cast<T, Half>(source), destination);
    }
}
