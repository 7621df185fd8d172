using Microsoft.ML.OnnxRuntime;

namespace Analysis.Runtime.Ort;

/// <summary>
/// The run options of one run, wired to a cancellation token: cancelling sets <c>RunOptions.Terminate</c>, which ORT checks
/// between nodes, so a long forward pass stops within one operator instead of running to the end.
/// </summary>
internal sealed class RunTermination : IDisposable
{
    // Runs that cannot be cancelled share one set of options (ORT only reads them), so they cost no native calls.
    private static readonly RunOptions Uncancellable = new();
    private readonly CancellationTokenRegistration registration;
    private readonly bool owned;

    private RunTermination(RunOptions options, bool owned, CancellationToken cancellation)
    {
        Options = options;
        this.owned = owned;
        if (owned) registration = cancellation.Register(() => options.Terminate = true);
    }

    public RunOptions Options { get; }

    public static RunTermination Start(CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return cancellation.CanBeCanceled ? new RunTermination(new RunOptions(), true, cancellation) : new RunTermination(Uncancellable, false, cancellation);
    }

    public void Dispose()
    {
        if (!owned) return;
        // Unregister first: the callback must not touch options that are already released.
        registration.Dispose();
        Options.Dispose();
    }
}
