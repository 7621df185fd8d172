using System.Runtime.InteropServices;

namespace Analysis.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM while a long command runs: instead of killing the process, they cancel
/// <see cref="Token"/>, so the command stops at its next check (an extraction: inside the running forward pass), discards
/// the part in progress and exits with a sentence saying how to resume. A second signal is left to its default (exit now).
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration[] registrations;

    private Interruption() => registrations =
    [
        PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
    ];

    /// <summary>Cancelled when the first SIGINT or SIGTERM arrives.</summary>
    public CancellationToken Token => source.Token;

    /// <summary>The signal that arrived ("SIGINT" or "SIGTERM"), or null.</summary>
    public string? Signal { get; private set; }

    /// <summary>Starts listening; dispose to restore the default handling.</summary>
    public static Interruption Listen() => new();

    /// <summary>Whether <paramref name="e"/> is the cancellation this interruption caused.</summary>
    public bool Caused(Exception e) => e is OperationCanceledException && source.IsCancellationRequested;

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        foreach (var r in registrations) r.Dispose();
        source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (source.IsCancellationRequested) return; // the second signal terminates as usual
        context.Cancel = true;
        Signal = context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        source.Cancel();
    }
}
