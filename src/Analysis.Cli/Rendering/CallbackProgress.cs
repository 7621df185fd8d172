namespace Analysis.Cli.Rendering;

/// <summary>An <see cref="IProgress{T}"/> that calls back synchronously on the reporting thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
internal sealed class CallbackProgress<T>(Action<T> callback) : IProgress<T>
{
    public void Report(T value) => callback(value);
}
