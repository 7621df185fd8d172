namespace Analysis.Onnx;

/// <summary>Arithmetic on possibly symbolic shapes (ONNX broadcasting, matmul, reshape).</summary>
internal static class ShapeMath
{
    public static Dim Broadcast(Dim a, Dim b)
    {
        if (a.Value == 1) return b;
        if (b.Value == 1) return a;
        if (a == b) return a;
        if (a.Value is not null) return a;
        if (b.Value is not null) return b;
        if (b.IsUnknown) return a;
        if (a.IsUnknown) return b;
        return Dim.Unknown;
    }

    public static Dim[]? Broadcast(IEnumerable<IReadOnlyList<Dim>?> shapes)
    {
        Dim[] result = [];
        foreach (var s in shapes)
        {
            if (s is null) return null;
            var rank = Math.Max(result.Length, s.Count);
            var next = new Dim[rank];
            for (var i = 0; i < rank; i++)
            {
                var a = i - (rank - result.Length) is var ia && ia >= 0 ? result[ia] : Dim.Of(1);
                var b = i - (rank - s.Count) is var ib && ib >= 0 ? s[ib] : Dim.Of(1);
                next[i] = Broadcast(a, b);
            }
            result = next;
        }
        return result;
    }

    public static Dim[]? MatMul(IReadOnlyList<Dim>? a, IReadOnlyList<Dim>? b)
    {
        if (a is null || b is null || a.Count == 0 || b.Count == 0) return null;
        var left = a.Count == 1 ? [Dim.Of(1), a[0]] : a.ToArray();
        var right = b.Count == 1 ? [b[0], Dim.Of(1)] : b.ToArray();
        var batch = Broadcast([left[..^2], right[..^2]])!;
        var result = new List<Dim>(batch);
        if (a.Count > 1) result.Add(left[^2]);
        if (b.Count > 1) result.Add(right[^1]);
        return result.ToArray();
    }

    /// <summary>Reshape's output: 0 copies the input dim (unless allowzero), -1 is solved from what the other dims leave over.</summary>
    public static Dim[] Reshape(IReadOnlyList<Dim>? input, IReadOnlyList<Dim> target, bool allowZero)
    {
        var result = new Dim[target.Count];
        var inferred = -1;
        for (var i = 0; i < target.Count; i++)
        {
            var d = target[i];
            if (d.Value == 0 && !allowZero) result[i] = input is not null && i < input.Count ? input[i] : Dim.Unknown;
            else if (d.Value == -1) { inferred = i; result[i] = Dim.Unknown; }
            else result[i] = d;
        }
        if (inferred >= 0 && input is not null) result[inferred] = SolveMissing(input, result, inferred);
        return result;
    }

    private static Dim SolveMissing(IReadOnlyList<Dim> input, Dim[] output, int missing)
    {
        if (input.Any(d => d.IsUnknown)) return Dim.Unknown;
        long inProduct = 1, outProduct = 1;
        var symbols = new List<string>();
        foreach (var d in input)
            if (d.Value is { } v) inProduct *= v; else symbols.Add(d.Symbol!);
        for (var i = 0; i < output.Length; i++)
        {
            if (i == missing) continue;
            var d = output[i];
            if (d.IsUnknown) return Dim.Unknown;
            if (d.Value is { } v) outProduct *= v;
            else if (!symbols.Remove(d.Symbol!)) return Dim.Unknown;
        }
        if (outProduct == 0 || inProduct % outProduct != 0) return Dim.Unknown;
        var quotient = inProduct / outProduct;
        return symbols.Count switch
        {
            0 => Dim.Of(quotient),
            1 when quotient == 1 => Dim.Named(symbols[0]),
            _ => Dim.Unknown,
        };
    }

    public static long NormalizeAxis(long axis, int rank) => axis < 0 ? axis + rank : axis;
}
