namespace Analysis.Runtime;

/// <summary>A device request as users write it: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>.</summary>
public readonly record struct Device(DeviceKind Kind, int Index = 0)
{
    /// <summary>The CPU.</summary>
    public static Device Cpu => new(DeviceKind.Cpu);

    /// <summary>CUDA when it works, else CPU.</summary>
    public static Device Auto => new(DeviceKind.Auto);

    /// <summary>The CUDA device with ordinal <paramref name="index"/>.</summary>
    public static Device Cuda(int index = 0) => index >= 0
        ? new(DeviceKind.Cuda, index)
        : throw new ArgumentOutOfRangeException(nameof(index), index, "A CUDA device index is 0 or more.");

    /// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (any case).</summary>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "auto") return Auto;
        if (t == "cuda") return Cuda(0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var index))
            return Cuda(index);
        throw new ArgumentException($"Unknown device '{text}'; use cpu, cuda, cuda:N (N = 0, 1, ...) or auto.", nameof(text));
    }

    /// <summary>The device as it would be written on the command line.</summary>
    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => $"cuda:{Index}",
        _ => "auto",
    };
}
