namespace Analysis.Runtime;

/// <summary>One dimension of a declared shape: a fixed size, or a symbolic name such as "batch" (size -1).</summary>
public readonly record struct Dimension(long Size, string? Symbol = null)
{
    /// <summary>Whether the size is known.</summary>
    public bool IsFixed => Size >= 0;

    /// <summary>The size, the symbol, or "?" for an unnamed dynamic dimension.</summary>
    public override string ToString() => IsFixed ? Size.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.IsNullOrEmpty(Symbol) ? "?" : Symbol;
}
