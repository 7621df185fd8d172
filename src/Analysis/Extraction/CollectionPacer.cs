namespace Analysis.Extraction;

/// <summary>
/// Keeps short-lived garbage from piling up while an extraction streams. .NET sizes its youngest generation from the
/// CPU's last-level cache; where that is reported large (260 MiB on our CI machines) gen0 grows to ~200 MB before its
/// first collection, and the memory it touched stays committed, so peak memory followed how much input had been
/// scanned or tokenized rather than what is live (tools/bench/extraction, peak RSS). The budget can only be set by an
/// environment variable, not from runtimeconfig.json, so the streaming loops call <see cref="Tick"/>: after every
/// <see cref="Budget"/> bytes allocated in the process it collects the young generations, which takes well under a
/// millisecond when, as here, little of them survives.
/// </summary>
public static class CollectionPacer
{
    /// <summary>Bytes allocated between two collections.</summary>
    public const long Budget = 8 << 20;

    private static long _next = GC.GetTotalAllocatedBytes() + Budget;

    /// <summary>Collects gen0 and gen1 if <see cref="Budget"/> bytes were allocated since the last time it did.</summary>
    public static void Tick()
    {
        if (GC.GetTotalAllocatedBytes() < Volatile.Read(ref _next)) return;
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        Volatile.Write(ref _next, GC.GetTotalAllocatedBytes() + Budget);
    }
}
