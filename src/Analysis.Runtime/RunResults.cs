using System.Collections;

namespace Analysis.Runtime;

/// <summary>The outputs of one run, in the order they were asked for; disposing releases them all.</summary>
public sealed class RunResults : IReadOnlyList<NativeTensor>, IDisposable
{
    private readonly NativeTensor[] outputs;

    internal RunResults(NativeTensor[] outputs) => this.outputs = outputs;

    /// <inheritdoc/>
    public int Count => outputs.Length;

    /// <inheritdoc/>
    public NativeTensor this[int index] => outputs[index];

    /// <summary>The output named <paramref name="name"/>.</summary>
    public NativeTensor this[string name] => TryGet(name, out var t) ? t
        : throw new KeyNotFoundException($"This run has no output named '{name}'; it has: {string.Join(", ", outputs.Select(o => o.Name))}.");

    /// <summary>Finds the output named <paramref name="name"/>.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NativeTensor? tensor)
    {
        tensor = Array.Find(outputs, o => o.Name == name);
        return tensor is not null;
    }

    /// <inheritdoc/>
    public IEnumerator<NativeTensor> GetEnumerator() => ((IEnumerable<NativeTensor>)outputs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Releases every output.</summary>
    public void Dispose()
    {
        foreach (var o in outputs) o.Dispose();
    }
}
